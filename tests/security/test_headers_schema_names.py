"""Every schema of the API has its own name in the OpenAPI document (issue 14). Two classes with
one name are written once under that name, so one of the two endpoints is documented with the
other's shape (the firm's contacts were documented as casework's contact records)."""

import typing
from collections import defaultdict

from pydantic import BaseModel

from zonedesk.api.api import api


def models_in(annotation, seen: set) -> None:
    """Every pydantic model reachable from a type annotation (through lists, unions, fields)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            models_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        models_in(arg, seen)


def routers(router):
    """The router and every router mounted under it (an app's api package gathers its modules'
    routers: projects, finance, chain)."""
    yield router
    for _prefix, child, *_tags in router._routers:
        yield from routers(child)


def api_models() -> set[type[BaseModel]]:
    seen: set = set()
    every = [r for _prefix, top in api._routers for r in routers(top)]
    for router in every:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    models_in(model, seen)
    return seen


def schema_name(model: type[BaseModel]) -> str:
    return model.model_config.get("title") or model.__name__


def test_no_two_schemas_share_a_name():
    by_name = defaultdict(set)
    for model in api_models():
        by_name[schema_name(model)].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    # ninja's own wrappers (the response envelope, the parameters of one operation) are
    # generated per operation with generic names and never appear in components.
    components = api.get_openapi_schema()["components"]["schemas"]
    shared = {name: where for name, where in shared.items() if name in components}
    assert shared == {}


def test_the_walk_finds_the_schemas_it_checks():
    names = {schema_name(m) for m in api_models()}
    assert {"EnterpriseDetailOut", "ContactOut", "ContactRecordOut", "ProblemIn"} <= names
    assert {"NodeOut", "ChainNodeOut", "LeadEventOut"} <= names  # in nested routers


def test_the_firm_detail_documents_its_contacts_as_people():
    components = api.get_openapi_schema()["components"]["schemas"]
    contact = components["EnterpriseDetailOut"]["properties"]["contacts"]["items"]["$ref"]
    properties = components[contact.rsplit("/", 1)[1]]["properties"]
    assert {"name", "title", "phone", "email"} <= set(properties)

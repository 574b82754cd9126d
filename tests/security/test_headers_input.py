"""Odd input on every API endpoint answers 400/404/422, never 500 (issue 14): a lone UTF-16
surrogate in any text of a JSON body, and integers past what the database stores in any integer
path or query parameter. Driven by the OpenAPI schema, so a new endpoint is covered as soon as
it exists."""

import json
import re

import pytest
from django.test import Client

from zonedesk.api.api import api
from zonedesk.core.actors import SYSTEM
from zonedesk.org.services import api_token_create

SURROGATE = "x\ud800"
# Past a signed 64-bit integer, past an unsigned one, below the smallest, and huge.
HUGE = ["9223372036854775808", "18446744073709551616", "-9223372036854775809", "1" + "0" * 40]
# A year or month no calendar has, as a period ("YYYY-MM") or a bare number.
BAD_PERIODS = ["99999-01", "0000-01", "2020-13", "2020-00", "-1-01", "2020-99999999999999999999"]
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, op)
    for path, ops in SCHEMA["paths"].items()
    for method, op in ops.items()
    if method in {"get", "post", "put", "patch", "delete"}
]


@pytest.fixture
def world(shared_world):
    """The module's world, built once (tests/conftest.py: shared_world)."""
    return shared_world


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema or "allOf" in schema:  # "X | None": the non-null branch
        branches = [s for s in schema.get("anyOf", schema.get("allOf")) if s.get("type") != "null"]
        return resolve(branches[0])
    return schema


def example(schema: dict, text: str):
    """A body of the schema's shape whose every free text is `text`."""
    schema = resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(prop, text) for name, prop in props.items()}
    if kind == "array":
        return [example(schema.get("items", {}), text)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2020-06-01"
    return text


def json_body(op) -> dict | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def url(path: str, op, world, value: str | None = None, target: str | None = None) -> str:
    """The path with real ids (firm_a, zone_a), or `value` in parameter `target`."""

    def fill(match):
        name = match.group(1)
        if name == target:
            return value
        if name == "code":
            return world.zone_a.code
        if name == "period":
            return "2020-06"
        return str(world.firm_a.pk)

    return re.sub(r"\{(\w+)\}", fill, path)


@pytest.fixture
def api_client(world):
    _row, token = api_token_create(actor=SYSTEM, user=world.users["admin"], name="odd input")
    return Client(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",  # the messages asserted are the English ones
        raise_request_exception=False,
    )


def send(client, method, path, body=None, query=None):
    data = json.dumps(body) if body is not None else None
    return client.generic(
        method,
        path + (f"?{query}" if query else ""),
        data=data or "",
        content_type="application/json",
    )


@pytest.mark.parametrize(("method", "path", "op"), [o for o in OPERATIONS if json_body(o[2])])
def test_a_lone_surrogate_in_any_json_body_is_refused(api_client, world, method, path, op):
    body = example(json_body(op), SURROGATE)
    has_text = SURROGATE in json.dumps(body, ensure_ascii=False)
    if not has_text:  # no free text in this body (figures, a plan): a key nobody reads
        body[SURROGATE] = SURROGATE
    response = send(api_client, method, url(path, op, world), body)
    if has_text:  # refused by the input schema, before any lookup, as a field error
        assert response.status_code == 422, (path, response.status_code, response.content[:300])
        assert "surrogate" in json.dumps(response.json()), response.content[:300]
    else:
        assert response.status_code < 500, (path, response.status_code)


def integer_params(op):
    for p in op.get("parameters", []):
        schema = resolve(p.get("schema", {}))
        if schema.get("type") == "integer" or "{int:" in p.get("name", ""):
            yield p["name"], p["in"]


def period_params(op):
    for p in op.get("parameters", []):
        if p["name"] in {"period", "year", "month"}:
            yield p["name"], p["in"]


CASES = [
    (method, path, op, name, where, value)
    for method, path, op in OPERATIONS
    for params, values in ((integer_params, HUGE), (period_params, BAD_PERIODS))
    for name, where in params(op)
    for value in values
]


@pytest.mark.parametrize(("method", "path", "op", "name", "where", "value"), CASES)
def test_out_of_range_numbers_are_refused(api_client, world, method, path, op, name, where, value):
    body = example(json_body(op), "ok") if json_body(op) else None
    if where == "path":
        response = send(api_client, method, url(path, op, world, value, name), body)
    else:
        response = send(api_client, method, url(path, op, world), body, f"{name}={value}")
    assert response.status_code in (400, 404, 422), (path, name, value, response.status_code)


def test_the_schema_drives_enough_cases():
    """If the schema walk broke, the tests above would pass over nothing."""
    assert len([o for o in OPERATIONS if json_body(o[2])]) >= 15
    assert len(CASES) >= 100


# --- the pages' query parameters -----------------------------------------------------------------

# The pages' numeric filters (ids, pages, months); text filters are matched as text.
PAGE_PARAMS = ["page", "per_page", "officer", "enterprise", "department", "period", "year", "month"]
PERIOD_PARAMS = {"period", "year", "month"}


def page_routes(world) -> list[str]:
    """Every page the matrix lists that is read with GET (not the API, which is driven above)."""
    from django.urls import reverse

    from tests.security.test_headers_not_revealed import ROUTES as RECORD_ROUTES
    from tests.test_access_matrix import MATRIX

    urls = []
    for name in MATRIX:
        if name.startswith("api:") or name in {"logout", "set_language", "login"}:
            continue
        if name in RECORD_ROUTES or "export" in name or "template" in name:
            continue  # ids: the test of another unit's records; exports read the same filters
        urls.append(reverse(name))
    return urls


def test_odd_numbers_in_page_filters_are_not_server_errors(world):
    """Every page with every filter the pages read set to a number past any column, or a month
    no calendar has: a page or a form error, never a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    failures = []
    for path in page_routes(world):
        for param in PAGE_PARAMS:
            values = BAD_PERIODS[:3] if param in PERIOD_PARAMS else HUGE[:1]
            for value in values:
                response = client.get(path, {"zone": world.zone_a.code, param: value})
                if response.status_code >= 500:
                    failures.append((path, param, value, response.status_code))
    assert failures == []

"""The one versioned API, /api/v1/. Each app contributes a router from its own api.py."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from zonedesk.casework.api import router as casework_router
from zonedesk.chain.api import router as chain_router
from zonedesk.core import audit
from zonedesk.core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises.api import router as enterprises_router
from zonedesk.finance.api import router as finance_router
from zonedesk.monitoring.api import router as monitoring_router
from zonedesk.notices.api import router as notices_router
from zonedesk.org.access import PASSWORD_EXPIRED, password_expired
from zonedesk.org.api import router as org_router
from zonedesk.org.services import TokenRefused, api_token_authenticate
from zonedesk.policies.api import router as policies_router
from zonedesk.projects.api import router as projects_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer zd_…` with a token made on the tokens page (or by `zonedesk token
    create`); an expired or revoked one is refused with its reason (TokenRefused, 401)."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None and password_expired(user):
            raise HttpError(403, str(PASSWORD_EXPIRED))  # (changing it revokes the tokens)
        if user is not None:
            request.user = user
        return user


# Every operation may answer with these errors (the handlers below and django-ninja's own
# validation); the OpenAPI document lists them so clients, and schemathesis's conformance checks
# (tests/security/test_api_schema.py), know every status an operation can return.
_PROBLEM = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERROR_SCHEMAS = {
    "Problem": _PROBLEM,
    "Refusal": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array"}},
            "rows": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["detail"],
    },
    "InvalidRequest": {
        "type": "object",
        "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
        "required": ["detail"],
    },
}
ERROR_RESPONSES = {
    "400": ("Refused: a field or a business rule failed (field errors, rejected rows)", "Refusal"),
    "401": ("Not logged in, or the bearer token is unknown, expired or revoked", "Problem"),
    "403": (
        "Logged in but not allowed to do this, or the password has expired and must be changed",
        "Problem",
    ),
    "404": ("No such record in the caller's unit", "Problem"),
    "409": ("The step cannot follow the record's current state", "Problem"),
    "422": ("The request does not match this operation's parameters or body", "InvalidRequest"),
}


class ZonedeskAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # An upload takes its file and nothing else (Django's multipart parser loses the
                # file after a part whose name holds a control character), and an empty file
                # is no file (Django drops the part): say both.
                body = operation.get("requestBody", {}).get("content", {})
                form = body.get("multipart/form-data", {}).get("schema", {})
                if "properties" in form:
                    form["additionalProperties"] = False
                    for prop in form["properties"].values():
                        if prop.get("format") == "binary":
                            prop["minLength"] = 1
                responses = operation.setdefault("responses", {})
                for status, (description, name) in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{name}"}
                                }
                            },
                        },
                    )
        return schema


api = ZonedeskAPI(
    title="zonedesk API",
    version="1",
    description="The zone's firms, organisation and monthly figures. Session (browser) or bearer-token auth.",
    urls_namespace="api",
    # Token first: the session authenticator checks CSRF on writes even when no session is sent.
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/", org_router)
api.add_router("/", enterprises_router)
api.add_router("/", monitoring_router)
api.add_router("/", policies_router)
api.add_router("/", casework_router)
api.add_router("/", notices_router)
api.add_router("/", projects_router)
api.add_router("/", finance_router)
api.add_router("/", chain_router)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    """A business rule refused the request (e.g. a step that cannot follow the current one)."""
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(StaleVersion)
def _stale_version(request, exc: StaleVersion):
    """A change sent with the version it was read at, refused because the record has changed
    since (core.services.version_check); core.schemas.ConflictOut."""
    body = {
        "detail": exc.message,
        "version": exc.current,
        "changed_by": exc.changed_by or None,
        "changed_at": exc.changed_at,
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(ValidationFailed)
def _validation_failed(request, exc: ValidationFailed):
    return api.create_response(request, {"detail": exc.message, "errors": exc.errors}, status=400)


@api.exception_handler(ImportRejected)
def _import_rejected(request, exc: ImportRejected):
    """A refused upload: every problem with its sheet, row, column, value and reason."""
    return api.create_response(
        request,
        {
            "detail": exc.message,
            "rows": [
                {
                    "sheet": e.sheet,
                    "row": e.row,
                    "column": e.column,
                    "value": e.value,
                    "reason": e.reason,
                }
                # As many as an import job keeps; each value already cut short (CellError).
                for e in exc.errors[: settings.ZONEDESK["IMPORT_MAX_ERRORS"]]
            ],
        },
        status=400,
    )


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc: PermissionDenied):
    audit.refused(request, 403)
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(NotFound)
def _not_found(request, exc: NotFound):
    """Not found in the caller's scope (another unit's record, or none): recorded as refused."""
    audit.refused(request, 404)
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(TokenRefused)
def _token_refused(request, exc: TokenRefused):
    return api.create_response(request, {"detail": exc.message}, status=401)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Log in or send a bearer token.")}, status=401)

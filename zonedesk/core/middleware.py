import logging
import time

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import empty

from zonedesk.core import logs
from zonedesk.core.audit import RequestContext, current_context

request_log = logging.getLogger("zonedesk.request")


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind a trusted reverse proxy the address that proxy appended last."""
    if settings.ZONEDESK["TRUST_X_FORWARDED_FOR"]:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def request_id_of(request) -> str:
    """The proxy's X-Request-ID when the proxy is trusted and the id well-formed, else a new one."""
    if settings.ZONEDESK["TRUST_X_REQUEST_ID"]:
        given = request.headers.get("X-Request-ID", "")
        if logs.valid_id(given):
            return given
    return logs.new_id()


class RequestContextMiddleware:
    """Make the client address available to audit entries written while serving a request; give
    the request an id (on every log record written meanwhile, and in the X-Request-ID response
    header) and log one line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        address = client_address(request)
        token = current_context.set(RequestContext(ip_address=address, via=via))
        # Kept until the response is closed (core.apps clears it on request_finished): Django
        # logs a 4xx/5xx answer after the middleware has returned, and that line needs the id.
        logs.request_id.set(request_id_of(request))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = logs.request_id.get()
            log_request(request, response, started)
            return response
        finally:
            current_context.reset(token)


def log_request(request, response, started: float) -> None:
    """One line per request. The path without its query string: a search may hold a name or a
    phone number, which the logs must not keep."""
    request_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        },
    )


def _user_id(request) -> int | None:
    """The signed-in user's id, if the request looked the user up: logging does not query the
    session (the health check answers while the database is down)."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)  # a lazy user not yet loaded stays unloaded
    if user is None or user is empty or not user.is_authenticated:
        return None
    return user.pk


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Chinese unless the user chose English with the language switch (a cookie).

    Officials' machines often run an English browser; the browser's Accept-Language is
    honoured only by the API, whose clients ask for the language of error messages.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """Refuse NUL characters in the path or query string with a 400.

    PostgreSQL cannot compare or store text containing NUL; rather than fail deep in a query,
    such requests are answered as the client error they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in v for values in request.GET.lists() for v in [values[0], *values[1]]
        ):
            message = "请求含有不允许的空字符（NUL）。The request contains a NUL character, which is not allowed."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

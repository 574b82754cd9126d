from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from zonedesk.core.audit import RequestContext, current_context


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind a trusted reverse proxy the address that proxy appended last."""
    if settings.ZONEDESK["TRUST_X_FORWARDED_FOR"]:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Make the client address available to audit entries written while serving a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        token = current_context.set(RequestContext(ip_address=client_address(request), via=via))
        try:
            return self.get_response(request)
        finally:
            current_context.reset(token)


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


class NoStoreMiddleware:
    """Forbid browsers and proxies to keep any response sent to a signed-in user or token.

    Pages and API answers hold firms' figures and people's phone numbers: a shared computer's
    back button or a proxy's cache must not show them to the next person. Static files (served
    by nginx, or by runserver outside the middleware) and anonymous pages (the log-in form) keep
    their default caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the token's user once the API authenticated it
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response

"""A user whose password has expired does nothing else before changing it."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from zonedesk.org import access

# What such a user may still open: the change page itself, log-out, log-in, the language switch,
# and the second factor's pages (org.mfa_middleware holds the session to them first).
ALLOWED = {
    "password_change",
    "logout",
    "login",
    "set_language",
    "account:verify",
    "account:second_factor_setup",
}


class PasswordExpiryMiddleware:
    """Pages send a signed-in user whose password expired (org.access.password_expired) to the
    change-password page; the API answers 403 with the reason. Token-authenticated API requests
    are checked by the API's token authentication (zonedesk.api.api.TokenAuth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.session.get(SESSION_KEY) is None or not access.password_expired(request.user):
            return None
        match = request.resolver_match
        if match.view_name in ALLOWED:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(access.PASSWORD_EXPIRED)}, status=403)
        messages.warning(request, str(access.PASSWORD_EXPIRED))
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("password_change")
            return response
        return redirect("password_change")

"""Holds a signed-in session to the second factor (after django-otp's OTPMiddleware).

Until the session has passed it (`request.user.is_verified()`):
- a user with an authenticator (required for their role, or chosen) reaches only the
  verification page;
- a user whose role requires one (access.second_factor_required) and who has none reaches only
  the set-up page.
Log-out and the language switch stay open. The API answers such a session 401; a request with
a bearer token is not a session and is judged by its token.

Whether the user has an authenticator is looked up on every request of a session that has not
passed it (one indexed query; a verified session costs django-otp's one query instead): an
authenticator set up, or removed, in another session counts at once.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from zonedesk.org import access, mfa

OPEN_VIEWS = {"logout", "set_language"}
VERIFY, SETUP = "account:verify", "account:second_factor_setup"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith("/api/") and request.headers.get(
            "Authorization", ""
        ).lower().startswith("bearer "):
            return None
        view = request.resolver_match.view_name if request.resolver_match else ""
        if view in OPEN_VIEWS:
            return None
        if mfa.has_authenticator(user):
            return None if view == VERIFY else self._send(request, VERIFY)
        if access.second_factor_required(user):
            return None if view == SETUP else self._send(request, SETUP)
        return None

    @staticmethod
    def _send(request, view: str):
        if request.path.startswith("/api/"):
            detail = _("Complete the two-step verification on the web page first.")
            return JsonResponse({"detail": detail}, status=401)
        response = redirect_to_login(request.get_full_path(), reverse(view), "next")
        if getattr(request, "htmx", False):  # an htmx fragment: move the whole page instead
            response = HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response

"""Sessions that end: after ZONEDESK["SESSION_IDLE_MINUTES"] without a request, and at the latest
ZONEDESK["SESSION_MAX_HOURS"] after log-in, whatever the user does (GB/T 22239 8.1.4.1 b)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

SEEN = "zd_seen"  # the last request's time (epoch seconds), written at most once a minute
STARTED = "zd_started"  # the first request after log-in
STAMP_EVERY = 60


def stamp_session(sender, request, user, **kwargs) -> None:
    """At log-in (user_logged_in), start the session's clocks, so that the first page after it
    writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = request.session[STARTED] = int(time.time())


class SessionTimeoutMiddleware:
    """Log the session's user out when the session is idle or too old; send them to the log-in
    page with a message (htmx: a full-page redirect; the API: a 401 answer).

    The last activity is written to the session at most once a minute, so an ordinary page
    view (the dashboard is benchmarked) reads the session and writes nothing. The idle limit is
    therefore exact to the minute. Requests authenticated by an API token have no session and
    are not concerned.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = int(time.time())
            seen, started = session.get(SEEN), session.get(STARTED)
            if seen is None or started is None:  # a session older than the clocks
                session[SEEN] = session[STARTED] = now
            elif (reason := self._expired(now, seen, started)) is not None:
                return self._log_out(request, reason)
            elif now - seen >= STAMP_EVERY:
                session[SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _expired(now: int, seen: int, started: int) -> str | None:
        idle = settings.ZONEDESK["SESSION_IDLE_MINUTES"]
        hours = settings.ZONEDESK["SESSION_MAX_HOURS"]
        if now - seen > idle * 60:
            return _(
                "You were logged out after %(minutes)d minutes without activity. Log in again."
            ) % {"minutes": idle}
        if now - started > hours * 3600:
            return _("You were logged out %(hours)d hours after logging in. Log in again.") % {
                "hours": hours
            }
        return None

    @staticmethod
    def _log_out(request, reason: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason}, status=401)
        messages.info(request, reason)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())

"""Django's site admin, open only to a session that passed the second factor.

The site's own log-in form (one step) is replaced by the application's (password, then the
second factor), so there is one way in.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class VerifiedAdminSite(AdminSite):
    def has_permission(self, request):
        verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and verified is not None and verified()

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:  # signed in, but not staff (or not verified)
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, settings.LOGIN_URL)

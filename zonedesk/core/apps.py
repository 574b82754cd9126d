from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zonedesk.core"
    label = "core"
    verbose_name = _("Core")
    default = True

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished

        from zonedesk.core import logs
        from zonedesk.core.sessions import stamp_session

        request_finished.connect(logs.forget_request, dispatch_uid="zonedesk-forget-request-id")
        # Session housekeeping only (the idle clock starts at log-in); log-ins are audited
        # elsewhere.
        user_logged_in.connect(stamp_session, dispatch_uid="zonedesk.core.sessions.stamp_session")


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """Django's admin (INSTALLED_APPS names this instead of django.contrib.admin), whose default
    site also asks for the second factor."""

    default = False
    default_site = "zonedesk.core.admin_site.VerifiedAdminSite"

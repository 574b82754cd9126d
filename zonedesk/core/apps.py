from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


def _logged_in(sender, request, user, **kwargs):
    from zonedesk.core import audit
    from zonedesk.core.models import AuditEntry

    audit.security_event(AuditEntry.Action.LOGIN, user=user)


def _logged_out(sender, request, user, **kwargs):
    from zonedesk.core import audit
    from zonedesk.core.models import AuditEntry

    if user is not None and user.is_authenticated:
        audit.security_event(AuditEntry.Action.LOGOUT, user=user)


class CoreConfig(AppConfig):
    name = "zonedesk.core"
    label = "core"
    verbose_name = _("Core")
    default = True

    def ready(self) -> None:
        """Log-ins and log-outs go to the audit log (MLPS level 3 security audit); failed
        log-ins and lock-outs are recorded where they are decided (the log-in protection).
        Each request's log id is forgotten when its response is closed."""
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core.signals import request_finished

        from zonedesk.core import logs
        from zonedesk.core.sessions import stamp_session

        user_logged_in.connect(_logged_in, dispatch_uid="zonedesk-audit-login")
        user_logged_out.connect(_logged_out, dispatch_uid="zonedesk-audit-logout")
        request_finished.connect(logs.forget_request, dispatch_uid="zonedesk-forget-request-id")
        # Session housekeeping only (the idle clock starts at log-in); log-ins are audited
        # elsewhere.
        user_logged_in.connect(stamp_session, dispatch_uid="zonedesk.core.sessions.stamp_session")


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """Django's admin (INSTALLED_APPS names this instead of django.contrib.admin), whose default
    site also asks for the second factor."""

    default = False
    default_site = "zonedesk.core.admin_site.VerifiedAdminSite"

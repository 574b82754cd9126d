from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zonedesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from zonedesk.core.sessions import stamp_session

        # Session housekeeping only (the idle clock starts at log-in); log-ins are audited
        # elsewhere.
        user_logged_in.connect(stamp_session, dispatch_uid="zonedesk.core.sessions.stamp_session")

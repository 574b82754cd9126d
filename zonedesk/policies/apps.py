from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "zonedesk.policies"
    label = "policies"
    verbose_name = _("Support policies")

    def ready(self):
        from zonedesk.core import events
        from zonedesk.policies import services

        events.firms_changed.connect(services.on_firms_changed, dispatch_uid="policies.rematch")

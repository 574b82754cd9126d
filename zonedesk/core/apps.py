from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zonedesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from zonedesk.core import logs

        request_finished.connect(logs.forget_request, dispatch_uid="zonedesk-forget-request-id")

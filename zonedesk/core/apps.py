from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zonedesk.core"
    label = "core"
    verbose_name = _("Core")
    default = True

    def ready(self) -> None:
        from django.core.signals import request_finished

        from zonedesk.core import logs

        request_finished.connect(logs.forget_request, dispatch_uid="zonedesk-forget-request-id")


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """Django's admin (INSTALLED_APPS names this instead of django.contrib.admin), whose default
    site also asks for the second factor."""

    default = False
    default_site = "zonedesk.core.admin_site.VerifiedAdminSite"

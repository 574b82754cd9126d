from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zonedesk.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        # Second factors are set up by their owner and removed by the security administrator or
        # the operator's command (org.mfa, audited); django-otp's own admin pages would show the
        # secrets and change devices without an audit entry. Here, after the admin has found
        # every app's admin module, whatever the order of INSTALLED_APPS.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "zonedesk.finance"
    verbose_name = _("Financing")

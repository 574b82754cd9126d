from django.contrib import admin

from zonedesk.core.admin import AuditedAdmin
from zonedesk.monitoring.models import PerMuScheme


@admin.register(PerMuScheme)
class PerMuSchemeAdmin(AuditedAdmin):
    """The per-mu evaluation's weights and cut-offs, dated (a new scheme: a new row with its
    date; the model's clean() refuses unknown indicators and unordered cut-offs)."""

    list_display = ["valid_from", "name"]
    ordering = ["-valid_from"]

from django.contrib import admin

from zonedesk.core.admin import ReadOnlyAdmin
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument, RuleVersion

# Read-only: rule edits must go through services (checked, versioned, audited).


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "level", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("title", "number", "issuer")


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ("clause", "title", "document", "benefit_type", "mode", "firm_statuses")
    list_filter = ("benefit_type", "mode", "document__level")
    search_fields = ("title",)


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ("measure", "number", "created_at")


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "measure", "decision", "state", "estimate_wan")
    list_filter = ("decision", "state")

from django.contrib import admin

from zonedesk.core.admin import AuditedAdmin, ReadOnlyAdmin
from zonedesk.enterprises.models import Contact, Enterprise, EnterpriseMember


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    """Read-only here: firms are changed through the pages, the API or imports (audited)."""

    list_display = ["name", "credit_code", "zone", "industry_code", "status", "officer"]
    list_filter = ["status", "above_designated_size", "zone"]
    search_fields = ["name", "credit_code"]
    inlines = [ContactInline]


@admin.register(EnterpriseMember)
class EnterpriseMemberAdmin(AuditedAdmin):
    list_display = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from zonedesk.core import audit
from zonedesk.core.admin import AuditedAdmin
from zonedesk.org import services
from zonedesk.org.models import Area, Bank, Department, RoleGrant, User, Zone


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ["code", "name", "area"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "zone"]


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    list_display = ["name", "area"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit.record(
                actor=request.user,
                action="update",
                instance=user,
                changes={"password": ["***", "***"]},
                **self.audit_scope(user),
            )
            services.api_tokens_revoke_all(actor=request.user, user=user)
        return response

    list_display = ["username", "full_name", "zone", "area", "is_active"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("zonedesk", {"fields": ("full_name", "phone", "zone", "area", "department", "bank")}),
    )

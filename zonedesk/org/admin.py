from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from zonedesk.core import audit
from zonedesk.core.admin import AuditedAdmin
from zonedesk.org.models import Area, Bank, Department, RoleGrant, User, Zone


def _scope(obj) -> dict:
    zone = obj if isinstance(obj, Zone) else getattr(obj, "zone", None)
    area = zone.area if zone else obj if isinstance(obj, Area) else getattr(obj, "area", None)
    return {"zone_id": zone.pk if zone else None, "area_code": area.code if area else ""}


class OrgAdmin(AuditedAdmin):
    def audit_scope(self, obj) -> dict:
        return _scope(obj)


@admin.register(Area)
class AreaAdmin(OrgAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(OrgAdmin):
    list_display = ["code", "name", "area"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(OrgAdmin):
    list_display = ["name", "zone"]


@admin.register(Bank)
class BankAdmin(OrgAdmin):
    list_display = ["name", "area"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(OrgAdmin, DjangoUserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit.record(
                actor=request.user,
                action="update",
                instance=user,
                changes={"password": ["***", "***"]},
                **_scope(user),
            )
        return response

    list_display = ["username", "full_name", "zone", "area", "is_active"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("zonedesk", {"fields": ("full_name", "phone", "zone", "area", "department", "bank")}),
    )

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from zonedesk.org.models import Area, Bank, Department, RoleGrant, User, Zone


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "zone"]


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "zone", "area", "is_active"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("zonedesk", {"fields": ("full_name", "phone", "zone", "area", "department", "bank")}),
    )

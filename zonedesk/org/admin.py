from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.admin import AuditedAdmin
from zonedesk.org import services
from zonedesk.org.access import DUTY_ROLES
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


class RoleGrantFormSet(BaseInlineFormSet):
    def clean(self):
        """Separation of duties: at most one of the three duty roles (as the services check)."""
        super().clean()
        kept = [
            f.cleaned_data.get("role")
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if len(DUTY_ROLES.intersection(kept)) > 1:
            raise ValidationError(
                _(
                    "An account holds at most one of the roles system administrator, security "
                    "administrator and auditor (separation of duties)."
                )
            )


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    formset = RoleGrantFormSet
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

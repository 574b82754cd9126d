from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from zonedesk.core.admin import AuditedAdmin
from zonedesk.org import services
from zonedesk.org.access import DUTY_ROLES
from zonedesk.org.models import Area, Bank, Department, RoleGrant, User, Zone

# Who is setting a password in the site administration (the form is made by Django's view).
_admin_actor: ContextVar = ContextVar("zonedesk_admin_actor")


class ServicePasswordForm(AdminPasswordChangeForm):
    """Django's reset form, saving through org.services (history, change date, audit)."""

    def save(self, commit=True):
        if self.cleaned_data.get("set_usable_password", True) is False:
            return super().save(commit)  # "disable password-based log-in": no password to check
        services.user_set_password(
            actor=_admin_actor.get(), user=self.user, password=self.cleaned_data["password1"]
        )
        return self.user


class ServiceUserCreationForm(AdminUserCreationForm):
    """Django's add-user form; the password is set afterwards through org.services (by
    UserAdmin.save_model), and never reaches the audit entry of the creation."""

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107 - a field name
        user.set_unusable_password()
        if commit:
            user.save()
        return user

    @property
    def changed_data(self):
        secret = {"password1", "password2", "usable_password"}
        return [name for name in super().changed_data if name not in secret]


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
    change_password_form = ServicePasswordForm
    add_form = ServiceUserCreationForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        password = form.cleaned_data.get("password1")
        if not change and password and form.cleaned_data.get("set_usable_password", True):
            services.user_set_password(actor=request.user, user=obj, password=password)

    def user_change_password(self, request, id, form_url=""):
        token = _admin_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _admin_actor.reset(token)

    list_display = ["username", "full_name", "zone", "area", "is_active"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("zonedesk", {"fields": ("full_name", "phone", "zone", "area", "department", "bank")}),
    )

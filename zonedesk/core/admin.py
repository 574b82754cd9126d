from django.contrib import admin
from django.db.models import F

from zonedesk.core import audit, services
from zonedesk.core.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """Django's admin (superusers only) writes the same audit entries as the services."""

    def audit_scope(self, obj) -> dict:
        """zone_id / area_code that place the entry in the org tree (as the services file it)."""
        return services.audit_scope(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {
            name: [audit.plain(form.initial.get(name)), audit.plain(form.cleaned_data.get(name))]
            for name in form.changed_data
            if name != "password"
        }
        if change and changes and services.is_versioned(obj):
            # An edit form or API client holding the old version is stale now.
            type(obj)._base_manager.filter(pk=obj.pk).update(version=F("version") + 1)
        if not change or changes:
            audit.record(
                actor=request.user,
                action="update" if change else "create",
                instance=obj,
                changes=changes,
                **self.audit_scope(obj),
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        scope = self.audit_scope(form.instance)
        for obj in formset.new_objects:
            audit.record(actor=request.user, action="create", instance=obj, changes={}, **scope)
        changed = {obj.pk for obj, _fields in formset.changed_objects}
        for f in formset.forms:
            if f.instance.pk in changed:
                changes = {
                    name: [audit.plain(f.initial.get(name)), audit.plain(f.cleaned_data.get(name))]
                    for name in f.changed_data
                }
                audit.record(
                    actor=request.user,
                    action="update",
                    instance=f.instance,
                    changes=changes,
                    **scope,
                )
        for obj in formset.deleted_objects:
            audit.record(actor=request.user, action="delete", instance=obj, changes={}, **scope)

    def delete_model(self, request, obj):
        scope = self.audit_scope(obj)
        audit.record(actor=request.user, action="delete", instance=obj, changes={}, **scope)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: the records are changed through services (or never, for the audit log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Nobody edits the audit log."""

    list_display = ["seq", "at", "actor_name", "action", "target_type", "target_repr", "ip_address"]
    list_filter = ["action", "target_type", "via"]
    search_fields = ["target_repr", "actor_name"]

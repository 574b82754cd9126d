from django.contrib import admin

from zonedesk.casework import services
from zonedesk.casework.models import CalendarDay, Contact, ContactPlan, Problem, ProblemEvent
from zonedesk.core.admin import ReadOnlyAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays are edited here; the writes go through the services, which audit them."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            services.calendar_day_delete(actor=request.user, day=CalendarDay.objects.get(pk=obj.pk))
        saved = services.calendar_day_set(
            actor=request.user, date=obj.date, kind=obj.kind, name=obj.name
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            services.calendar_day_delete(actor=request.user, day=day)


# Read-only: problems move only through problem_transition (checked, stamped, audited).


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("title", "enterprise", "category", "status", "department", "due_at")
    list_filter = ("status", "category", "severity")
    search_fields = ("title",)


@admin.register(ProblemEvent)
class ProblemEventAdmin(ReadOnlyAdmin):
    list_display = ("problem", "move", "from_state", "to_state", "actor", "at")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "date", "kind", "created_by")


@admin.register(ContactPlan)
class ContactPlanAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "visit_every_days", "call_every_days", "at_risk")

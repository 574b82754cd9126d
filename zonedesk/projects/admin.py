from django.contrib import admin

from zonedesk.core.admin import ReadOnlyAdmin
from zonedesk.projects.models import (
    Guarantee,
    MonthlyInvestment,
    NodeLightNotice,
    NodeTemplate,
    Project,
    ProjectNode,
    Replan,
)

# Read-only: projects, nodes, re-plans and monthly investment change only through the services (checked, stamped,
# audited); the templates are data of migration 0001.


@admin.register(NodeTemplate)
class NodeTemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "zone")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "zone", "level", "kind", "state")
    list_filter = ("level", "kind", "state")
    search_fields = ("code", "name")


@admin.register(ProjectNode)
class ProjectNodeAdmin(ReadOnlyAdmin):
    list_display = ("project", "name", "baseline_on", "planned_on", "done_on", "status")
    list_filter = ("status",)


@admin.register(Replan)
class ReplanAdmin(ReadOnlyAdmin):
    list_display = ("node", "from_on", "to_on", "status", "requested_at")
    list_filter = ("status",)


@admin.register(MonthlyInvestment)
class MonthlyInvestmentAdmin(ReadOnlyAdmin):
    list_display = ("project", "month", "planned_wan", "done_wan", "version")
    search_fields = ("project__code", "project__name")


@admin.register(Guarantee)
class GuaranteeAdmin(ReadOnlyAdmin):
    list_display = ("project", "category", "department", "utility", "due_on", "done_on")
    list_filter = ("category",)


@admin.register(NodeLightNotice)
class NodeLightNoticeAdmin(ReadOnlyAdmin):
    list_display = ("node", "light", "planned_on", "on", "recipients")
    list_filter = ("light",)

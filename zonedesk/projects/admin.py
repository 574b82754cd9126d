from django.contrib import admin

from zonedesk.core.admin import ReadOnlyAdmin
from zonedesk.projects.models import Guarantee, NodeTemplate, Project, ProjectNode, Replan

# Read-only: projects, nodes and re-plans change only through the services (checked, stamped,
# audited); the templates are data of migration 0001.


@admin.register(NodeTemplate)
class NodeTemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind")


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


@admin.register(Guarantee)
class GuaranteeAdmin(ReadOnlyAdmin):
    list_display = ("project", "category", "department", "utility", "due_on", "done_on")
    list_filter = ("category",)

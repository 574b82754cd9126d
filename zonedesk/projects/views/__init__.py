"""Pages of key projects: the list with lights, one project with its nodes (complete, re-plan,
decide a re-plan, blocked by a guarantee item) and its element guarantees checklist (add, edit,
done), and the scheduling meeting's list (调度会) with its xlsx export.

Callers import this package; the modules split it by topic.
"""

from zonedesk.projects.views.guarantees import (
    guarantee_add,
    guarantee_done,
    guarantee_edit,
)
from zonedesk.projects.views.invest import (
    investment_import,
    investment_set,
    investment_template,
)
from zonedesk.projects.views.meeting import (
    meeting,
    meeting_export,
)
from zonedesk.projects.views.nodes import (
    node_block,
    node_complete,
    node_replan,
    replan_decide,
    replan_list,
)
from zonedesk.projects.views.projects import (
    dashboard,
    project_create,
    project_detail,
    project_edit,
    project_list,
)
from zonedesk.projects.views.requests import (
    service_raise,
    service_resolve,
    service_respond,
)
from zonedesk.projects.views.templates import (
    template_list,
    template_node_add,
    template_node_edit,
    template_node_move,
    template_node_remove,
    template_restore,
)

__all__ = [
    "dashboard",
    "guarantee_add",
    "guarantee_done",
    "guarantee_edit",
    "investment_import",
    "investment_set",
    "investment_template",
    "meeting",
    "meeting_export",
    "node_block",
    "node_complete",
    "node_replan",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "replan_decide",
    "replan_list",
    "service_raise",
    "service_resolve",
    "service_respond",
    "template_list",
    "template_node_add",
    "template_node_edit",
    "template_node_move",
    "template_node_remove",
    "template_restore",
]

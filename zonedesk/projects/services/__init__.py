"""Every write of key projects: atomic, permission-checked, audited in the same transaction.

A node is completed only through `node_complete` (flows.NODE: refused while a node it waits for
is open); its planned date moves only through a re-plan that a leader approves
(`replan_request`, then `replan_decide`, flows.REPLAN); the baseline never moves.
A service request (7x24) is a casework problem of the investor firm on the round-the-clock clock
(`service_request_raise`); its response and resolution are casework's own steps, taken through
casework's services (`service_request_respond`, `service_request_resolve`).

Callers import this package; the modules split it by topic.
"""

from zonedesk.projects.services.guarantees import (
    DEFAULT_UNITS,
    GUARANTEE_FIELDS,
    GuaranteeData,
    guarantee_create,
    guarantee_done,
    guarantee_edit,
)
from zonedesk.projects.services.invest import (
    INVESTMENT_FIELDS,
    InvestmentChange,
    InvestmentImportResult,
    InvestmentPreview,
    investment_amount_problems,
    investment_import,
    investment_import_preview,
    investment_set,
)
from zonedesk.projects.services.nodes import (
    node_block,
    node_complete,
    node_person_set,
    node_transition,
)
from zonedesk.projects.services.projects import (
    EDIT_FIELDS,
    NODE_FIELDS,
    PROJECT_FIELDS,
    ProjectData,
    node_dates,
    project_create,
    project_edit,
    project_problems,
    template_of,
    templates_ensure,
)
from zonedesk.projects.services.reminders import (
    RemindResult,
    light_recipients,
    lights_remind,
    node_light_notify,
    nodes_light_notify,
)
from zonedesk.projects.services.replans import (
    REPLAN_FIELDS,
    date_words,
    replan_decide,
    replan_request,
)
from zonedesk.projects.services.requests import (
    DEFAULT_SERVICE_HOURS,
    service_hours,
    service_request_raise,
    service_request_resolve,
    service_request_respond,
)
from zonedesk.projects.services.templates import (
    TemplateNodeData,
    template_node_add,
    template_node_edit,
    template_node_move,
    template_node_remove,
    template_restore_default,
)

__all__ = [
    "DEFAULT_SERVICE_HOURS",
    "DEFAULT_UNITS",
    "EDIT_FIELDS",
    "GUARANTEE_FIELDS",
    "INVESTMENT_FIELDS",
    "NODE_FIELDS",
    "PROJECT_FIELDS",
    "REPLAN_FIELDS",
    "GuaranteeData",
    "InvestmentChange",
    "InvestmentImportResult",
    "InvestmentPreview",
    "ProjectData",
    "RemindResult",
    "TemplateNodeData",
    "date_words",
    "guarantee_create",
    "guarantee_done",
    "guarantee_edit",
    "investment_amount_problems",
    "investment_import",
    "investment_import_preview",
    "investment_set",
    "light_recipients",
    "lights_remind",
    "node_block",
    "node_complete",
    "node_dates",
    "node_light_notify",
    "node_person_set",
    "node_transition",
    "nodes_light_notify",
    "project_create",
    "project_edit",
    "project_problems",
    "replan_decide",
    "replan_request",
    "service_hours",
    "service_request_raise",
    "service_request_resolve",
    "service_request_respond",
    "template_node_add",
    "template_node_edit",
    "template_node_move",
    "template_node_remove",
    "template_of",
    "template_restore_default",
    "templates_ensure",
]

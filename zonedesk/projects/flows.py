"""The ways of a project node (open → done) and of a re-plan (requested → approved | refused),
declared once on core.workflow's shape and walked only by services.py."""

from django.utils.translation import gettext_lazy as _

from zonedesk.core.actors import Actor
from zonedesk.core.workflow import Flow, Move
from zonedesk.projects import access
from zonedesk.projects.models import ProjectNode, Replan

N = ProjectNode.Status
R = Replan.Status

ACTOR = "actor"  # the zone's managers, the service officer, the node's person or department
LEADER = "leader"  # a leader over the zone, or the project's leading cadre


def _waiting_for(node: ProjectNode) -> str | None:
    """Refuses completing a node while a node it waits for is open."""
    open_ = [n.name for n in node.depends_on.all() if n.status != N.DONE]
    if open_:
        return _("“%(node)s” waits for %(open)s: complete those first.") % {
            "node": node.name,
            "open": "、".join(f"“{name}”" for name in open_),
        }
    return None


def _node_may(actor: Actor, node: ProjectNode, who: str) -> bool:
    return access.can_act_on_node(actor, node)


def _replan_may(actor: Actor, replan: Replan, who: str) -> bool:
    return access.can_decide_replan(actor, replan.node.project)


NODE = Flow(
    name="projects.node",
    states=N,
    table={
        N.OPEN: {N.DONE: Move(who=ACTOR, guards=(_waiting_for,))},
        N.DONE: {},
    },
    may=_node_may,
    refusals={
        ACTOR: _(
            "Only the zone's leaders, the project's service officer, or the person or "
            "department in charge of the node can complete it."
        )
    },
    refused=_(
        "A node that is “%(from)s” cannot be “%(to)s”. The steps that may follow: %(allowed)s."
    ),
    none_left=_("none: the node is done"),
    event_model="projects.NodeEvent",
    subject="node",
)

REPLAN = Flow(
    name="projects.replan",
    states=R,
    table={
        R.REQUESTED: {
            R.APPROVED: Move(who=LEADER),
            R.REFUSED: Move(who=LEADER, requires={"note": _("Say why the re-plan is refused.")}),
        },
        R.APPROVED: {},
        R.REFUSED: {},
    },
    may=_replan_may,
    refusals={
        LEADER: _("Only a zone leader or the project's leading cadre can decide a re-plan."),
    },
    refused=_(
        "A re-plan that is “%(from)s” cannot be “%(to)s”. The steps that may follow: %(allowed)s."
    ),
    none_left=_("none: the re-plan is decided"),
    event_model="projects.ReplanEvent",
    subject="replan",
)


# A service request (7x24) walks casework's own flow (casework.flows.PROBLEM): from each status,
# the steps its recorded resolution takes to "resolved" (services.service_request_resolve).
TO_RESOLVED = {
    "accepted": ("in_progress", "replied", "resolved"),
    "reopened": ("in_progress", "replied", "resolved"),
    "in_progress": ("replied", "resolved"),
    "replied": ("resolved",),
}

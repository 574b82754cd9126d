"""Nodes over the API: complete, ask for a re-plan, decide it, a project's re-plans, block by a
guarantee item."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.schemas import ConflictOut
from zonedesk.projects import access, selectors, services
from zonedesk.projects.api.projects import _node_out, _one_of, _project, _replan_out
from zonedesk.projects.models import (
    Replan,
)
from zonedesk.projects.schemas import (
    BlockIn,
    CompleteIn,
    DecisionIn,
    NodeOut,
    ReplanIn,
    ReplanOut,
)

router = Router(tags=["projects"])


def _node(request, pk: int):
    node = selectors.node_get(request.user, pk=pk)
    if node is None:
        raise NotFound(_("No such project node."))
    return node


def _node_row(request, node) -> dict:
    project = _project(request, node.project_id)
    return _node_out(next(r for r in selectors.node_rows(request.user, project) if r.node == node))


@router.post("/projects/nodes/{int:pk}/complete", response={200: NodeOut, 409: ConflictOut})
def complete_node(request, pk: int, payload: CompleteIn):
    """Complete a node (its actual date: today unless given, never in the future). 409 while a
    node it waits for is open, when it is done already, or when it changed since `version`;
    403 for someone who may not act on it."""
    node = _node(request, pk)
    services.node_complete(
        actor=request.user,
        node=node,
        done_on=payload.done_on,
        expected_version=payload.version,
    )
    return _node_row(request, node)


@router.post("/projects/nodes/{int:pk}/replans", response={201: ReplanOut, 409: ConflictOut})
def request_replan(request, pk: int, payload: ReplanIn):
    """Ask to move an open node's planned date, with the reason; a leader over the zone or the
    project's leading cadre decides. 400 with field errors (no reason, the same date, a
    re-plan already waiting, a done node); 409 when the node changed since `version`."""
    node = _node(request, pk)
    replan = services.replan_request(
        actor=request.user,
        node=node,
        to_on=payload.to_on,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return Status(201, _replan_out(selectors.replan_get(request.user, pk=replan.pk)))


@router.get("/projects/{int:pk}/replans", response=list[ReplanOut])
def list_replans(request, pk: int):
    """The project's re-plans, newest first, each with its reason and decision."""
    project = _project(request, pk)
    return [_replan_out(r) for r in selectors.replans_of(request.user, project)]


@router.post("/projects/replans/{int:pk}/decision", response=ReplanOut)
def decide_replan(request, pk: int, payload: DecisionIn):
    """Approve (the node's planned date moves; its baseline stays) or refuse (with a note) a
    re-plan: a leader over the zone or the project's leading cadre, not the one who asked for
    it. 409 once it is decided."""
    replan = selectors.replan_get(request.user, pk=pk)
    if replan is None:
        raise NotFound(_("No such re-plan."))
    decisions = (Replan.Status.APPROVED, Replan.Status.REFUSED)
    if payload.decision not in decisions:
        raise ValidationFailed({"decision": _one_of(decisions)})
    services.replan_decide(
        actor=request.user, replan=replan, decision=payload.decision, note=payload.note
    )
    return _replan_out(selectors.replan_get(request.user, pk=pk))


@router.post("/projects/nodes/{int:pk}/block", response={200: NodeOut, 409: ConflictOut})
def block_node(request, pk: int, payload: BlockIn):
    """Mark an open node blocked by an open guarantee item of its project (its delay is then
    the item's), or release it (`guarantee` null): acting on the node. 400 for an item of
    another project, a done item or node, or nothing to release; 409 when the node changed
    since `version`."""
    node = _node(request, pk)
    item = None
    if payload.guarantee is not None:
        item = selectors.project_guarantee(node.project_id, payload.guarantee)
        if item is None:
            if not access.can_act_on_node(request.user, node):
                raise PermissionDenied(_("You cannot mark this node blocked."))
            raise ValidationFailed(
                {"guarantee": [_("The guarantee item must be one of the node's project.")]}
            )
    services.node_block(
        actor=request.user, node=node, guarantee=item, expected_version=payload.version
    )
    return _node_row(request, node)

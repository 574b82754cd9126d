"""Industrial chains over the API: the list with each chain's health, one chain with its node
tree and each node's health, the gaps, a node's firms; suggesting firms for a chain's nodes,
placing one on a node, confirming or rejecting one. The pages' selectors and services: scoping,
permissions, version checks and the audit live there."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from zonedesk.chain import access, health, selectors, services
from zonedesk.chain.models import NodeFirm
from zonedesk.chain.schemas import (
    ChainDecideIn,
    ChainDetailOut,
    ChainFirmOut,
    ChainGapFilterIn,
    ChainGapListOut,
    ChainNodeFirmFilterIn,
    ChainNodeFirmsOut,
    ChainOut,
    ChainPeriodIn,
    ChainPlaceIn,
    ChainSuggestedOut,
    ChainVersionIn,
)
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.schemas import ID_MAX, ConflictOut
from zonedesk.enterprises.selectors import enterprise_get

router = Router(tags=["chains"])

CENT = Decimal("0.01")


def _pct(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _health_out(h: health.NodeHealth | None) -> dict | None:
    if h is None:
        return None
    return {
        "strength": h.strength,
        "flags": list(h.flags),
        "firms": h.firms,
        "own_firms": h.own_firms,
        "reporting": h.reporting,
        "output_wan": h.output_wan.quantize(CENT, rounding=ROUND_HALF_UP),
        "employees": h.employees,
        "yoy_pct": _pct(h.yoy),
        "comparable_firms": h.comparable_firms,
        "new_firms": h.new_firms,
        "largest_share_pct": _pct(h.largest_share),
        "hhi": None if h.hhi is None else h.hhi.quantize(Decimal("0.0001")),
    }


def _chain_out(chain, chain_health: health.ChainHealth, period: Period | None) -> dict:
    return {
        "id": chain.pk,
        "code": chain.code,
        "name": chain.name,
        "zone": chain.zone.code if chain.zone_id else None,
        "area": chain.area.code if chain.area_id else None,
        "leader": str(chain.leader) if chain.leader_id else None,
        "weak_below_firms": chain.weak_below_firms,
        "dominant_share": chain.dominant_share,
        "period": str(period) if period else None,
        "health": _health_out(chain_health.whole),
        "counts": chain_health.counts,
        "version": chain.version,
    }


def _reader(request) -> None:
    if not access.can_view_chains(request.user):
        raise PermissionDenied(_("Your role does not read the industrial chains."))


def _period(value: str) -> Period | None:
    if not value:
        return None
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise ValidationFailed(
            {"period": [_("Enter a month between 2000-01 and 2099-12.")]}
        ) from exc


def _chain(request, pk: int):
    _reader(request)
    chain = selectors.chain_get(request.user, pk=pk)
    if chain is None:
        raise NotFound(_("No such industrial chain."))
    return chain


def _node(request, pk: int):
    _reader(request)
    node = selectors.node_get(request.user, pk=pk)
    if node is None:
        raise NotFound(_("No such chain node."))
    return node


@router.get("/chains", response=list[ChainOut])
def list_chains(request):
    """The chains the caller sees (their zones', and the areas' over or under their unit), each
    with its health in its firms' latest month and how many nodes are gaps, weak or single."""
    _reader(request)
    period, rows = selectors.chain_rows(request.user)
    return [_chain_out(r.chain, r.health, period) for r in rows]


@router.get("/chains/gaps", response=ChainGapListOut)
def list_chain_gaps(request, filters: Query[ChainGapFilterIn]):
    """The target nodes with no confirmed firm (缺链) of every chain the caller sees, then
    (`weak`, the default) the weak and single-point ones: the leads' targets."""
    _reader(request)
    period, rows = selectors.gap_rows(request.user, include_weak=filters.weak)
    return {
        "period": str(period) if period else None,
        "items": [
            {
                "chain_id": r.chain.pk,
                "chain": r.chain.name,
                "node_id": r.node.pk,
                "node": r.node.name,
                "node_code": r.node.code,
                "parent": r.node.parent.name if r.node.parent_id else None,
                "strength": r.health.strength,
                "health": _health_out(r.health),
            }
            for r in rows
        ],
    }


@router.get("/chains/{int:pk}", response=ChainDetailOut)
def get_chain(request, filters: Query[ChainPeriodIn], pk: int = Path(..., ge=1, le=ID_MAX)):
    """A chain's map: its nodes in tree order with their health (recomputed from the monthly
    figures, in `period` or the latest month) and the firms confirmed on each."""
    chain = _chain(request, pk)
    view = selectors.chain_map(request.user, chain, _period(filters.period))
    industries = selectors.node_industries(chain)
    return {
        **_chain_out(chain, view.health, view.period),
        "description": chain.description,
        "can_place": view.can_place,
        "nodes": [
            {
                "id": n.pk,
                "parent_id": n.parent_id,
                "depth": view.depth[n.pk],
                "code": n.code,
                "name": n.name,
                "segment": n.segment,
                "seq": n.seq,
                "description": n.description,
                "key_products": n.key_products,
                "industries": industries.get(n.pk, []),
                "in_target": n.in_target,
                "health": _health_out(view.node_health(n)),
                "firm_ids": [r.firm.pk for r in view.firms.get(n.pk, [])],
            }
            for n in view.nodes
        ],
    }


def _firm_out(row: selectors.FirmRow) -> dict:
    p, f = row.placement, row.figures
    return {
        "id": p.pk,
        "node_id": p.node_id,
        "enterprise_id": p.enterprise_id,
        "enterprise": p.enterprise.name,
        "credit_code": p.enterprise.credit_code,
        "state": p.state,
        "basis": p.basis,
        "decided_by": str(p.decided_by) if p.decided_by_id else None,
        "decided_at": p.decided_at,
        "output_wan": f.output_wan if f else None,
        "output_last_year_wan": f.output_last_year_wan if f else None,
        "yoy_pct": _pct(row.yoy),
        "employees": f.employees if f else None,
        "new": bool(f and f.new),
    }


def _node_firms(request, node, state: str = "", period: Period | None = None) -> dict:
    chain = node.chain
    period = period or selectors.latest_month(request.user, [chain])
    view = selectors.chain_map(request.user, chain, period)
    rows = selectors.node_firm_rows(request.user, node, period)
    states = [state] if state else list(NodeFirm.State.values)
    return {
        "chain_id": chain.pk,
        "node_id": node.pk,
        "node": node.name,
        "period": str(period) if period else None,
        "chain_version": chain.version,
        "can_place": access.can_place_firms(request.user, chain),
        "health": _health_out(view.node_health(node)),
        "firms": [_firm_out(r) for s in states for r in rows[s]],
    }


@router.get("/chains/nodes/{int:pk}/firms", response=ChainNodeFirmsOut)
def list_node_firms(
    request, filters: Query[ChainNodeFirmFilterIn], pk: int = Path(..., ge=1, le=ID_MAX)
):
    """A node's firms the caller sees, confirmed, suggested and rejected (or one `state`), each
    with its month's output, YoY and employees, and the node's health."""
    node = _node(request, pk)
    if filters.state and filters.state not in NodeFirm.State.values:
        raise ValidationFailed({"state": _one_of(NodeFirm.State.values)})
    return _node_firms(request, node, filters.state, _period(filters.period))


def _one_of(values) -> list[str]:
    return [_("Not one of: %(values)s.") % {"values": ", ".join(values)}]


@router.post("/chains/{int:pk}/suggest", response={200: ChainSuggestedOut, 409: ConflictOut})
def suggest_chain_firms(request, payload: ChainVersionIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Suggest firms for every node of the chain from their industry class and main products
    (the administrators, leaders and officers of the chain's own zone); firms already on a node,
    in any state, stay as they are. 409 when the chain changed since `version`."""
    chain = _chain(request, pk)
    done = services.firms_suggest(actor=request.user, chain=chain, expected_version=payload.version)
    chain = _chain(request, pk)
    return {"added": done.added, "kept": done.kept, "version": chain.version}


@router.post("/chains/nodes/{int:pk}/firms", response={201: ChainNodeFirmsOut, 409: ConflictOut})
def place_node_firm(request, payload: ChainPlaceIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Place a firm of the chain's zones on the node by hand, confirmed (a suggestion or a
    rejection of it becomes a confirmation). `version` is the chain's. 400 for a firm that is
    not one of the chain's the caller sees; 403 for who may not place firms."""
    node = _node(request, pk)
    if not access.can_place_firms(request.user, node.chain):
        raise PermissionDenied(
            _(
                "Only the administrators, leaders and officers of the chain's own zone place "
                "its firms; the units over the zone read it."
            )
        )
    firm = enterprise_get(request.user, pk=payload.enterprise_id)
    if firm is None:
        raise ValidationFailed(
            {"enterprise_id": [_("The firm is not one of the chain's firms you can see.")]}
        )
    services.firm_place(
        actor=request.user, node=node, enterprise=firm, expected_version=payload.version
    )
    return Status(201, _node_firms(request, _node(request, pk)))


@router.post("/chains/placements/{int:pk}/decide", response={200: ChainFirmOut, 409: ConflictOut})
def decide_node_firm(request, payload: ChainDecideIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Confirm or reject a firm on a node (or undo: `suggested`); only confirmed firms count in
    the chain's health. `version` is the chain's: 409 when it changed since."""
    _reader(request)
    placement = selectors.placement_get(request.user, pk=pk)
    if placement is None:
        raise NotFound(_("No such firm on a chain node."))
    if payload.state not in NodeFirm.State.values:
        raise ValidationFailed({"state": _one_of(NodeFirm.State.values)})
    services.firm_decide(
        actor=request.user,
        placement=placement,
        state=payload.state,
        expected_version=payload.version,
    )
    node = selectors.node_get(request.user, pk=placement.node_id)
    rows = selectors.node_firm_rows(
        request.user, node, selectors.latest_month(request.user, [node.chain])
    )
    return next(_firm_out(r) for s in rows.values() for r in s if r.placement.pk == pk)

"""Firms on a chain's nodes: suggested from their industry class and main products, then
confirmed or rejected by staff, or placed by hand.

Every action checks the actor (access.can_place_firms), is refused on a stale chain version
(the chain's version covers its nodes and their firms, so a decision made on a page read before
someone else's is refused, not silently applied over it), bumps the version, and is audited on
the chain in the same transaction.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.chain import access
from zonedesk.chain.models import Chain, ChainNode, NodeFirm
from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, version_bump, version_check
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.models import Zone

_SPLIT = re.compile(r"[、,，;；/\s]+")
# A key product shorter than this is not matched against the firms' products (一个字 matches
# too much).
MIN_KEYWORD = 2


def keywords(text: str) -> list[str]:
    """A node's key products as words to look for: 电机、电线电缆 → [电机, 电线电缆]."""
    return [w for w in (p.strip() for p in _SPLIT.split(text or "")) if len(w) >= MIN_KEYWORD]


def product_matches(products: str, words: list[str]) -> bool:
    """Whether a firm's main products mention one of the node's key products."""
    text = (products or "").casefold()
    return any(w.casefold() in text for w in words)


def _check(actor: Actor, chain: Chain) -> None:
    if not access.can_place_firms(actor, chain):
        raise PermissionDenied(
            _(
                "Only the administrators, leaders and officers of the chain's own zone place "
                "its firms; the units over the zone read it."
            )
        )


def chain_firms(actor: Actor, chain: Chain) -> QuerySet[Enterprise]:
    """The firms a chain may hold: those of its zone, or of the zones under its area, that the
    actor sees (the system sees them all)."""
    if chain.zone_id is not None:
        zones = Zone.objects.filter(pk=chain.zone_id)
    else:
        zones = Zone.objects.filter(area__code__startswith=chain.area.scope_prefix)
    base = Enterprise.objects.all() if is_system(actor) else enterprise_scope(actor)
    return base.filter(zone__in=zones.values("pk"))


def _audit(actor: Actor, chain: Chain, changes: dict) -> None:
    audit.record(
        actor=actor, action="update", instance=chain, changes=changes, **audit_scope(chain)
    )


@dataclass(frozen=True)
class Suggested:
    added: int  # new suggestions
    kept: int  # firms already on the node (any state: a rejection is not suggested again)


@transaction.atomic
def firms_suggest(*, actor: Actor, chain: Chain, expected_version: int | None) -> Suggested:
    """Suggest, for every node of the chain, the firms whose industry class starts with one of
    the node's GB/T 4754 codes (basis: industry) or whose main products mention one of its key
    products (basis: product). Firms already on a node, in any state, are left as they are."""
    _check(actor, chain)
    version_check(chain, expected_version)
    nodes = list(chain.nodes.prefetch_related("industries"))
    firms = list(chain_firms(actor, chain).values_list("pk", "industry_code", "main_products"))
    existing = set(
        NodeFirm.objects.filter(node__chain=chain).values_list("node_id", "enterprise_id")
    )
    # The firms by every prefix of their class (division, group, class): a node's codes are
    # looked up, not tested against every firm (a province's chain: 200 nodes x 100,000 firms).
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for firm_id, industry, _products in firms:
        for k in range(2, len(industry or "") + 1):
            by_prefix[industry[:k]].append(firm_id)
    new = []
    for node in nodes:
        found: dict[int, str] = {}
        for code in (i.industry_code for i in node.industries.all()):
            for firm_id in by_prefix.get(code, ()):
                found.setdefault(firm_id, NodeFirm.Basis.INDUSTRY)
        words = keywords(node.key_products)
        if words:
            for firm_id, _industry, products in firms:
                if firm_id not in found and product_matches(products, words):
                    found[firm_id] = NodeFirm.Basis.PRODUCT
        new += [
            NodeFirm(node=node, enterprise_id=firm_id, basis=basis)
            for firm_id, basis in sorted(found.items())
            if (node.pk, firm_id) not in existing
        ]
    NodeFirm.objects.bulk_create(new, batch_size=5000)
    if new:
        version_bump(chain)
        # How many firms each node was suggested (a province's chain: tens of thousands).
        per_node: dict[str, int] = defaultdict(int)
        for p in new:
            per_node[p.node.code] += 1
        _audit(actor, chain, {"suggested": [None, dict(sorted(per_node.items()))]})
    return Suggested(len(new), len(existing))


def _placement(chain: Chain, placement: NodeFirm) -> NodeFirm:
    locked = (
        NodeFirm.objects.select_for_update()
        .select_related("node", "enterprise")
        .filter(pk=placement.pk, node__chain=chain)
        .first()
    )
    if locked is None:
        raise ValidationFailed({"__all__": [_("The firm is no longer on this node.")]})
    return locked


@transaction.atomic
def firm_decide(
    *, actor: Actor, placement: NodeFirm, state: str, expected_version: int | None
) -> NodeFirm:
    """Confirm or reject a firm on a node (or undo: back to suggested)."""
    chain = placement.node.chain
    _check(actor, chain)
    if state not in NodeFirm.State.values:
        raise ValidationFailed({"state": [_("Not a state of a firm on a node.")]})
    version_check(chain, expected_version)
    placement = _placement(chain, placement)
    if placement.enterprise_id not in set(chain_firms(actor, chain).values_list("pk", flat=True)):
        raise PermissionDenied(_("The firm is not one of the chain's firms you can see."))
    before = placement.state
    if before == state:
        return placement
    placement.state = state
    placement.decided_by = user_or_none(actor)
    placement.decided_at = timezone.now() if state != NodeFirm.State.SUGGESTED else None
    placement.save(update_fields=["state", "decided_by", "decided_at"])
    version_bump(chain)
    _audit(
        actor,
        chain,
        {f"{placement.node.code} · {placement.enterprise.name}": [before, state]},
    )
    return placement


@transaction.atomic
def firm_place(
    *, actor: Actor, node: ChainNode, enterprise, expected_version: int | None
) -> NodeFirm:
    """Place a firm on a node by hand, confirmed (a suggestion or a rejection of it becomes a
    confirmation)."""
    chain = node.chain
    _check(actor, chain)
    version_check(chain, expected_version)
    if not chain_firms(actor, chain).filter(pk=enterprise.pk).exists():
        raise ValidationFailed(
            {"enterprise": [_("The firm is not one of the chain's firms you can see.")]}
        )
    placement = (
        NodeFirm.objects.select_for_update().filter(node=node, enterprise=enterprise).first()
    )
    before = placement.state if placement else None
    if placement is None:
        placement = NodeFirm(node=node, enterprise=enterprise, basis=NodeFirm.Basis.MANUAL)
    placement.state = NodeFirm.State.CONFIRMED
    placement.decided_by = user_or_none(actor)
    placement.decided_at = timezone.now()
    placement.save()
    if before == NodeFirm.State.CONFIRMED:
        return placement
    version_bump(chain)
    _audit(actor, chain, {f"{node.code} · {enterprise.name}": [before, placement.state]})
    return placement


@transaction.atomic
def firms_confirm_suggested(*, actor: Actor, node: ChainNode, expected_version: int | None) -> int:
    """Confirm every suggested firm of a node at once; how many."""
    chain = node.chain
    _check(actor, chain)
    version_check(chain, expected_version)
    allowed = chain_firms(actor, chain).values("pk")
    rows = list(
        NodeFirm.objects.select_for_update()
        .filter(node=node, state=NodeFirm.State.SUGGESTED, enterprise__in=allowed)
        .select_related("enterprise")
    )
    if not rows:
        return 0
    now = timezone.now()
    for p in rows:
        p.state, p.decided_by, p.decided_at = NodeFirm.State.CONFIRMED, user_or_none(actor), now
    NodeFirm.objects.bulk_update(rows, ["state", "decided_by", "decided_at"])
    version_bump(chain)
    _audit(
        actor,
        chain,
        {f"{node.code} · {p.enterprise.name}": ["suggested", "confirmed"] for p in rows},
    )
    return len(rows)

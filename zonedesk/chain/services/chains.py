"""A chain and its tree of nodes, written from plain data (the workbook import, the demo).

`chain_save` creates the chain or brings a stored one (same owner and code) to the data: nodes
matched by code are changed in place (their firms stay), new codes are added, and nodes no
longer named are removed with their suggestions; a node that would take confirmed firms with it
(on itself or on removed sub-nodes) is refused, since staff placed those firms by hand and a file
that merely forgot a row must not undo that work. Everything is checked first (codes, parents, loops,
industry codes, thresholds) and nothing is written on any error; the change is audited on the
chain, and a stored chain is refused if it changed since the editor read it (version).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from zonedesk.chain import access
from zonedesk.chain.models import Chain, ChainNode, NodeFirm, NodeIndustry
from zonedesk.core import audit, industry
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, clean, version_bump, version_check


@dataclass(frozen=True)
class NodeData:
    code: str
    name: str
    segment: str
    parent: str = ""  # the parent node's code ("" for a top node)
    description: str = ""
    industries: tuple[str, ...] = ()
    key_products: str = ""
    in_target: bool = True


@dataclass(frozen=True)
class ChainData:
    code: str
    name: str
    zone: object = None  # org.Zone, or
    area: object = None  # org.Area
    description: str = ""
    weak_below_firms: int = 3
    dominant_share: Decimal = Decimal("0.6")
    nodes: tuple[NodeData, ...] = field(default_factory=tuple)


def node_problems(nodes: tuple[NodeData, ...]) -> list[tuple[int, str, str, str]]:
    """What is wrong with the nodes as a tree: (index of the node, field, value, reason)."""
    problems = []
    codes: dict[str, int] = {}
    for i, n in enumerate(nodes):
        if n.code in codes:
            problems.append((i, "code", n.code, _("Another node has this code.")))
        codes.setdefault(n.code, i)
    for i, n in enumerate(nodes):
        if n.parent and n.parent not in codes:
            problems.append((i, "parent", n.parent, _("No node has this code.")))
        elif n.parent == n.code:
            problems.append((i, "parent", n.parent, _("A node cannot be its own parent.")))
        for code in n.industries:
            found = industry.get(code)
            if found is None or found.level == "section":
                problems.append(
                    (i, "industries", code, _("Not a GB/T 4754-2017 division, group or class."))
                )
    parent = {n.code: n.parent for n in nodes}
    for i, n in enumerate(nodes):
        seen, at = {n.code}, n.parent
        while at and at in parent:
            if at in seen:
                problems.append(
                    (i, "parent", n.parent, _("The parents of this node lead back to it."))
                )
                break
            seen.add(at)
            at = parent[at]
    return problems


def _node_values(n: NodeData) -> dict:
    return {
        "name": n.name,
        "segment": n.segment,
        "description": n.description,
        "key_products": n.key_products,
        "in_target": n.in_target,
    }


@dataclass(frozen=True)
class NodeChanges:
    """How many nodes a save added, changed and removed."""

    added: int = 0
    changed: int = 0
    removed: int = 0


def _removal_problems(chain: Chain, stored: dict, removed: set[str]) -> list[str]:
    """One sentence per top removed node whose removed subtree holds confirmed firms."""
    if not removed:
        return []
    by_pk = {n.pk: n for n in stored.values()}
    top: dict[str, str] = {}  # removed code -> code of its highest removed ancestor
    for code in removed:
        at = stored[code]
        while at.parent_id is not None and by_pk[at.parent_id].code in removed:
            at = by_pk[at.parent_id]
        top[code] = at.code
    counts: dict[str, int] = {}
    confirmed = NodeFirm.objects.filter(
        node__chain=chain, node__code__in=removed, state=NodeFirm.State.CONFIRMED
    ).values_list("node__code", flat=True)
    for code in confirmed:
        counts[top[code]] = counts.get(top[code], 0) + 1
    return [
        _(
            "The import would remove the node “%(node)s” (%(code)s) and its %(n)d confirmed "
            "firms (sub-nodes included): keep the node in the file, or reject its firms first."
        )
        % {"node": stored[code].name, "code": code, "n": n}
        for code, n in sorted(counts.items())
    ]


@transaction.atomic
def chain_save(*, actor: Actor, data: ChainData, expected_version: int | None = None) -> Chain:
    """Create the chain, or bring the stored one of the same owner and code to `data`."""
    if not access.can_import_chains(actor):
        raise PermissionDenied(_("Only administrators, leaders and officers define chains."))
    owner = {"zone": data.zone} if data.zone is not None else {"area": data.area}
    chain = Chain.objects.filter(code=data.code, **owner).first()
    created = chain is None
    if created:
        chain = Chain(code=data.code, **owner)
    if not access.can_define_chain(actor, chain):
        raise PermissionDenied(_("The chain's unit is not yours."))
    if not created:
        version_check(chain, expected_version)
    before = {
        "name": chain.name,
        "weak_below_firms": chain.weak_below_firms,
        "dominant_share": str(chain.dominant_share),
    }
    chain.name, chain.description = data.name, data.description
    chain.weak_below_firms, chain.dominant_share = data.weak_below_firms, data.dominant_share
    clean(chain, exclude=["leader"])
    problems = node_problems(data.nodes)
    if problems:
        raise ValidationFailed(
            {"nodes": [f"{data.nodes[i].code} · {f} “{v}”: {why}" for i, f, v, why in problems]}
        )
    stored = (
        {n.code: n for n in chain.nodes.select_related("parent").prefetch_related("industries")}
        if not created
        else {}
    )
    wanted = {n.code for n in data.nodes}
    removed = sorted(set(stored) - wanted)
    refusals = _removal_problems(chain, stored, set(removed))
    if refusals:
        raise ValidationFailed({"nodes": refusals})
    changed = sum(
        1
        for n in data.nodes
        if n.code in stored
        and (
            any(getattr(stored[n.code], k) != v for k, v in _node_values(n).items())
            or (stored[n.code].parent.code if stored[n.code].parent_id else "") != n.parent
            or {industry.normalise(c) for c in n.industries}
            != {i.industry_code for i in stored[n.code].industries.all()}
        )
    )
    chain.save()
    # A kept node under a removed one would go with it (the parent cascades): detach first.
    ChainNode.objects.filter(chain=chain, code__in=wanted).update(parent=None)
    ChainNode.objects.filter(chain=chain, code__in=removed).delete()
    made: dict[str, ChainNode] = {}
    for seq, n in enumerate(data.nodes, start=1):
        node = stored.get(n.code) or ChainNode(chain=chain, code=n.code)
        for name, value in _node_values(n).items():
            setattr(node, name, value)
        node.seq = seq
        node.parent = None
        clean(node, exclude=["parent", "chain"])
        node.save()
        made[n.code] = node
    for n in data.nodes:
        node = made[n.code]
        node.parent = made[n.parent] if n.parent else None
        node.save(update_fields=["parent"])
        codes = {industry.normalise(c) for c in n.industries}
        NodeIndustry.objects.filter(node=node).exclude(industry_code__in=codes).delete()
        have = set(NodeIndustry.objects.filter(node=node).values_list("industry_code", flat=True))
        NodeIndustry.objects.bulk_create(
            [NodeIndustry(node=node, industry_code=c) for c in sorted(codes - have)]
        )
    after = {
        "name": chain.name,
        "weak_below_firms": chain.weak_below_firms,
        "dominant_share": str(chain.dominant_share),
    }
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v or created}
    changes["nodes"] = [sorted(stored), sorted(wanted)]
    if not created:
        version_bump(chain)
    audit.record(
        actor=actor,
        action="create" if created else "update",
        instance=chain,
        changes=changes,
        **audit_scope(chain),
    )
    chain.node_changes = NodeChanges(
        added=len(wanted - set(stored)), changed=changed, removed=len(removed)
    )
    return chain

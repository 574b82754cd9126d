"""Which chains a user sees, and their health from the confirmed firms' latest figures.

The figures are read through monitoring's selectors (`figure_scope`, scoped to the user) as
plain values and handed to the pure `health` module, when asked for: the map is as current as
the last month imported, never a stored copy.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length

from zonedesk.chain import access, health
from zonedesk.chain.models import Chain, ChainNode, NodeFirm, NodeIndustry
from zonedesk.core.collector import no_gc
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import selectors as monitoring
from zonedesk.monitoring.indicators import FirmMonth, is_new
from zonedesk.org.access import UNIT_WIDE_ROLES, is_active
from zonedesk.org.models import Zone
from zonedesk.org.selectors import zone_list


def _ancestor_codes(code: str) -> list[str]:
    """The GB/T 2260 codes of an area and the areas over it: 511723 → 510000, 511700, 511723."""
    return sorted({code[:2] + "0000", code[:4] + "00", code})


def chain_scope(user) -> QuerySet[Chain]:
    """The chains the user may read: of their zones, and of the areas over or under their unit."""
    qs = Chain.objects.select_related("zone__area", "area", "leader")
    if not access.can_view_chains(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.zone_id is not None:
        area = user.zone.area
        return qs.filter(Q(zone_id=user.zone_id) | Q(area__code__in=_ancestor_codes(area.code)))
    if user.area_id is not None:
        area = user.area
        return qs.filter(
            Q(zone__area__code__startswith=area.scope_prefix)
            | Q(area__code__startswith=area.scope_prefix)
            | Q(area__code__in=_ancestor_codes(area.code))
        )
    return qs.none()


def chain_get(user, *, pk: int) -> Chain | None:
    return chain_scope(user).filter(pk=pk).first()


def node_get(user, *, pk: int) -> ChainNode | None:
    return (
        ChainNode.objects.select_related("chain__zone__area", "chain__area", "parent")
        .filter(chain__in=chain_scope(user), pk=pk)
        .first()
    )


def placement_get(user, *, pk: int) -> NodeFirm | None:
    """A firm on a node of a chain the user sees, and of a firm the user sees."""
    return (
        NodeFirm.objects.select_related(
            "node__chain__zone__area", "node__chain__area", "enterprise"
        )
        .filter(
            pk=pk,
            node__chain__in=chain_scope(user),
            enterprise__in=enterprise_scope(user).values("pk"),
        )
        .first()
    )


def placeable_firm(user, node: ChainNode, text: str):
    """The firm of the node's chain the user sees with this credit code or exact name, or None."""
    from zonedesk.chain.services import chain_firms

    text = (text or "").strip()
    if not text:
        return None
    firms = chain_firms(user, node.chain)
    return firms.filter(Q(credit_code=text.upper()) | Q(name=text)).order_by("pk").first()


# The most firms a search for one to place lists: more means the words were too few.
PLACE_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class FirmMatch:
    firm: Enterprise
    state: str  # the firm's state on the node (NodeFirm.State), "" when it is not on it


def placeable_firms(
    user, node: ChainNode, text: str, *, limit: int = PLACE_SEARCH_LIMIT
) -> tuple[list[FirmMatch], bool]:
    """The firms of the node's chain the user sees whose name contains `text` (any case) or
    whose credit code starts with it, at most `limit`, and whether there are more. The exact
    code or name comes first, then names that start with the text, then the others, shorter
    (closer) names before longer ones."""
    from zonedesk.chain.services import chain_firms

    text = (text or "").strip()[:100]
    if not text:
        return [], False
    code = text.upper()
    on_node = NodeFirm.objects.filter(node=node, enterprise=OuterRef("pk")).values("state")[:1]
    qs = (
        chain_firms(user, node.chain)
        .filter(Q(name__icontains=text) | Q(credit_code__startswith=code))
        .annotate(
            rank=Case(
                When(Q(credit_code=code) | Q(name=text), then=Value(0)),
                When(Q(name__istartswith=text) | Q(credit_code__startswith=code), then=Value(1)),
                default=Value(2),
            ),
            name_length=Length("name"),
            node_state=Subquery(on_node),
        )
        .select_related("zone")
        .order_by("rank", "name_length", "name", "pk")
    )
    found = list(qs[: limit + 1])
    matches = [FirmMatch(f, f.node_state or "") for f in found[:limit]]
    return matches, len(found) > limit


def placed_firms(user, chains) -> QuerySet:
    """The firms the user sees that are confirmed on a node of `chains` (a queryset or list)."""
    return enterprise_scope(user).filter(
        chain_nodes__node__chain__in=chains, chain_nodes__state=NodeFirm.State.CONFIRMED
    )


def firm_figures(user, firms: QuerySet, period: Period) -> dict[int, health.FirmFigures]:
    """The month's output and employees of `firms` (a queryset the caller has scoped), the
    same month's output last year and whether each firm is new (新开工, docs/statistics.md),
    through monitoring's selectors (the user's figures only)."""
    rows = (
        monitoring.figure_scope(user)
        .filter(enterprise__in=firms, period__in=[period.first_day, period.last_year.first_day])
        .order_by()
        .values_list(
            "enterprise_id",
            "period",
            "output_value_wan",
            "employees",
            "days_halted",
            "enterprise__production_start",
        )
    )
    return _figures_of(rows.iterator(chunk_size=5000), period)


def _figures_of(rows, period: Period) -> dict[int, health.FirmFigures]:
    """Each firm's figures from its rows of the month and of the same month a year earlier:
    (firm id, month's first day, output, employees, days halted, production start)."""
    since = period.shift(1 - monitoring.new_firm_months()).first_day
    days = period.days
    this_month = period.first_day
    now: dict[int, tuple] = {}
    before: dict[int, Decimal | None] = {}
    started: dict = {}
    for firm_id, day, output, employees, halted, start in rows:
        started[firm_id] = start
        if day == this_month:
            now[firm_id] = (output, employees, halted)
        else:
            before[firm_id] = output
    out = {}
    for firm_id, start in started.items():
        output, employees, halted = now.get(firm_id, (None, None, 0))
        base = before.get(firm_id)
        new = False
        if output is not None:
            month = FirmMonth(firm_id, days, halted or 0, output, production_start=start)
            if month.producing:
                base_month = FirmMonth(firm_id, output_value_wan=base) if base is not None else None
                new = is_new(month, base_month, since)
        out[firm_id] = health.FirmFigures(firm_id, output, base, employees, new)
    return out


def _figure_table(firms: QuerySet[Enterprise], period: Period) -> health.FigureTable:
    """What `health.FigureTable(firm_figures(...))` gives for `firms` (scoped by the caller),
    from the month's rows as integers: no Decimal or object per firm. The new-firm rule is
    `indicators.is_new` on a producing month (`FirmMonth.producing`), as `_figures_of`."""
    since = period.shift(1 - monitoring.new_firm_months()).first_day
    days = period.days
    exp, rows = monitoring.month_scaled(firms, period, since)
    out = []
    for firm_id, output, employees, halted, started, base in rows:
        # Producing: output > 0 and not halted the whole month; then new by its start date,
        # or (start unknown) with no output a year earlier.
        new = (
            output > 0
            and (halted or 0) < days
            and (bool(started) if started is not None else (base is None or base <= 0))
        )
        out.append((firm_id, output, base, employees, new))
    return health.FigureTable.of_scaled(exp, out)


def latest_month(user, chains) -> Period | None:
    """The latest month with figures of any firm confirmed on `chains` that the user sees."""
    if not is_active(user) or not chains:
        return None
    placed = _placements(chains, _visible_firms(user))
    return monitoring.latest_period_among(
        Enterprise.objects.filter(pk__in=placed.values("enterprise_id"))
    )


def _visible_firms(user) -> QuerySet[Enterprise]:
    """`enterprise_scope(user)` in the form cheapest to filter on: every firm when the user sees
    every zone, the zones' firms when they see whole zones (an area's or a zone's staff,
    UNIT_WIDE_ROLES), else the scope itself (an enterprise user's own firm)."""
    if not is_active(user):
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    if user.has_role(*UNIT_WIDE_ROLES):
        zones = list(zone_list(user).values_list("pk", flat=True))
        if not Zone.objects.exclude(pk__in=zones).exists():
            return Enterprise.objects.all()
        return Enterprise.objects.filter(zone_id__in=zones)
    return enterprise_scope(user)


def _placements(chains, visible: QuerySet[Enterprise]) -> QuerySet[NodeFirm]:
    """The confirmed placements on `chains` of the `visible` firms (no filter when they are all
    the firms: the province's leader reads 640,000 placements without a join to the firms)."""
    placed = NodeFirm.objects.filter(
        node__chain_id__in=[c.pk for c in chains], state=NodeFirm.State.CONFIRMED
    ).order_by()
    if visible.query.has_filters():
        placed = placed.filter(enterprise__in=visible.values("pk"))
    return placed


def _specs(chains, placed: QuerySet[NodeFirm]) -> dict[int, list[health.NodeSpec]]:
    """Each chain's nodes with the firms of `placed` on them, by chain id."""
    confirmed: dict[int, list[int]] = defaultdict(list)
    if connection.vendor == "postgresql":
        # One row per node with its firms as an array: the driver's cost is per value, and
        # 640,000 (node, firm) rows cost it five times as much as 4,000 arrays.
        from django.contrib.postgres.aggregates import ArrayAgg

        rows = placed.values("node_id").annotate(firms=ArrayAgg("enterprise_id"))
        confirmed.update(rows.values_list("node_id", "firms"))
    else:
        for node_id, firm_id in placed.values_list("node_id", "enterprise_id").iterator(
            chunk_size=10000
        ):
            confirmed[node_id].append(firm_id)
    out: dict[int, list[health.NodeSpec]] = defaultdict(list)
    for node_id, chain_id, parent_id, in_target in (
        ChainNode.objects.filter(chain_id__in=[c.pk for c in chains])
        .order_by()
        .values_list("pk", "chain_id", "parent_id", "in_target")
    ):
        out[chain_id].append(
            health.NodeSpec(node_id, parent_id, in_target, tuple(confirmed.get(node_id, ())))
        )
    return out


def thresholds(chain: Chain) -> health.Thresholds:
    return health.Thresholds(chain.weak_below_firms, chain.dominant_share)


def healths(
    user, chains: list[Chain], period: Period | None = None
) -> tuple[Period | None, dict[int, health.ChainHealth]]:
    """The health of each of `chains` (read by the user) in `period` (default: the latest month
    of their firms), by chain id: five queries or so whatever the number of chains and firms
    (bench/chain_health.md)."""
    period, found, _figures = _healths(user, chains, period)
    return period, found


def _healths(user, chains, period, *, placed_only: bool = False):
    """`healths`, and the figures read for it (by firm id). `placed_only`: read the figures
    of the chains' firms only (one chain's map), not of every firm the user sees."""
    # Hundreds of thousands of rows, lists and tuples, none in a cycle: without the collector
    # (a third of the CPU time otherwise, bench/chain_health.md).
    with no_gc():
        return _healths_read(user, chains, period, placed_only)


def _healths_read(user, chains, period, placed_only: bool):
    if not is_active(user) or not chains:
        return period, {}, {}
    visible = _visible_firms(user)
    placed = _placements(chains, visible)
    firms = Enterprise.objects.filter(pk__in=placed.values("enterprise_id"))
    if period is None:
        period = monitoring.latest_period_among(firms)
    specs = _specs(chains, placed)
    figures: dict[int, health.FirmFigures] = {}
    if period is None:
        table = health.FigureTable({})
    elif placed_only:
        # One chain's map: its firms' figures, kept for the firm rows.
        figures = _figures_of(monitoring.month_and_year_before(firms, period), period)
        table = health.FigureTable(figures)
    else:
        # Many chains: the user's firms' rows of the month, placed or not (filtering them on
        # the placements would cost the database more than the few rows it saves), as
        # integers straight into the table.
        table = _figure_table(visible, period)
    found = {c.pk: health.chain_health(specs.get(c.pk, []), table, thresholds(c)) for c in chains}
    return period, found, figures


@dataclass(frozen=True)
class FirmRow:
    """A firm on a node, with its month's figures (None: not reported)."""

    placement: NodeFirm
    figures: health.FirmFigures | None

    @property
    def firm(self):
        return self.placement.enterprise

    @property
    def yoy(self) -> Decimal | None:
        f = self.figures
        if f is None or not f.comparable:
            return None
        return health.change(f.output_wan, f.output_last_year_wan)


@dataclass
class ChainMap:
    chain: Chain
    period: Period | None
    health: health.ChainHealth
    nodes: list[ChainNode]  # in tree order (a parent before its children, by seq and code)
    firms: dict[int, list[FirmRow]] = field(default_factory=dict)  # confirmed, by node id
    depth: dict[int, int] = field(default_factory=dict)
    can_place: bool = False

    def node_health(self, node: ChainNode) -> health.NodeHealth:
        return self.health.nodes[node.pk]


def _tree_order(nodes: list[ChainNode]) -> tuple[list[ChainNode], dict[int, int]]:
    by_parent: dict[int | None, list[ChainNode]] = defaultdict(list)
    ids = {n.pk for n in nodes}
    for n in nodes:
        by_parent[n.parent_id if n.parent_id in ids else None].append(n)
    ordered, depth = [], {}
    stack = [(n, 0) for n in reversed(sorted(by_parent[None], key=lambda n: (n.seq, n.code)))]
    seen = set()
    while stack:
        node, d = stack.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        ordered.append(node)
        depth[node.pk] = d
        kids = sorted(by_parent.get(node.pk, []), key=lambda n: (n.seq, n.code))
        stack.extend((k, d + 1) for k in reversed(kids))
    return ordered, depth


def chain_map(user, chain: Chain, period: Period | None = None) -> ChainMap:
    """A chain's nodes, their health and confirmed firms with the month's figures (the map)."""
    period, found, figures = _healths(user, [chain], period, placed_only=True)
    nodes, depth = _tree_order(list(chain.nodes.all()))
    firms: dict[int, list[FirmRow]] = defaultdict(list)
    placements = (
        NodeFirm.objects.filter(
            node__chain=chain,
            state=NodeFirm.State.CONFIRMED,
            enterprise__in=enterprise_scope(user).values("pk"),
        )
        .select_related("enterprise")
        .order_by("enterprise__name", "pk")
    )
    for p in placements:
        firms[p.node_id].append(FirmRow(p, figures.get(p.enterprise_id)))
    empty = health.chain_health([], {})
    return ChainMap(
        chain=chain,
        period=period,
        health=found.get(chain.pk, empty),
        nodes=nodes,
        firms=dict(firms),
        depth=depth,
        can_place=access.can_place_firms(user, chain),
    )


def node_firm_rows(user, node: ChainNode, period: Period | None) -> dict[str, list[FirmRow]]:
    """Every firm on the node the user sees, by state (suggested, confirmed, rejected)."""
    placements = list(
        NodeFirm.objects.filter(node=node, enterprise__in=enterprise_scope(user).values("pk"))
        .select_related("enterprise", "decided_by")
        .order_by("enterprise__name", "pk")
    )
    figures = {}
    if period is not None and placements:
        firms = enterprise_scope(user).filter(pk__in=[p.enterprise_id for p in placements])
        figures = firm_figures(user, firms, period)
    out: dict[str, list[FirmRow]] = {s: [] for s in NodeFirm.State.values}
    for p in placements:
        out[p.state].append(FirmRow(p, figures.get(p.enterprise_id)))
    return out


@dataclass(frozen=True)
class ChainRow:
    chain: Chain
    health: health.ChainHealth

    @property
    def whole(self) -> health.NodeHealth | None:
        return self.health.whole


def chain_rows(user) -> tuple[Period | None, list[ChainRow]]:
    """The chains the user sees with their health in their firms' latest month."""
    chains = list(chain_scope(user).order_by("code", "pk"))
    period, found = healths(user, chains)
    empty = health.chain_health([], {})
    return period, [ChainRow(c, found.get(c.pk, empty)) for c in chains]


@dataclass(frozen=True)
class GapRow:
    chain: Chain
    node: ChainNode
    health: health.NodeHealth


def gap_rows(user, *, include_weak: bool = True) -> tuple[Period | None, list[GapRow]]:
    """The target nodes with no confirmed firm (缺链), then (`include_weak`) the weak and
    single-point ones, of every chain the user sees."""
    chains = list(chain_scope(user).order_by("code", "pk"))
    period, found = healths(user, chains)
    nodes = {n.pk: n for n in ChainNode.objects.filter(chain__in=chains).select_related("parent")}
    rank = {health.GAP: 0, health.WEAK: 1, health.SINGLE: 2}
    rows = []
    for chain in chains:
        for node_id, h in found.get(chain.pk, health.chain_health([], {})).nodes.items():
            if node_id == 0 or h.strength not in rank:
                continue
            if h.strength != health.GAP and not include_weak:
                continue
            rows.append(GapRow(chain, nodes[node_id], h))
    rows.sort(key=lambda r: (rank[r.health.strength], r.chain.code, r.node.seq, r.node.code))
    return period, rows


def node_industries(chain: Chain) -> dict[int, list[str]]:
    """The GB/T 4754 codes of each of the chain's nodes, by node id (one query)."""
    out: dict[int, list[str]] = defaultdict(list)
    for node_id, code in (
        NodeIndustry.objects.filter(node__chain=chain)
        .order_by("node_id", "industry_code")
        .values_list("node_id", "industry_code")
    ):
        out[node_id].append(code)
    return dict(out)

"""A chain's health, node by node, from its confirmed firms' figures. Pure Python: no Django.

Per node, over the confirmed firms of its sub-tree (a firm on two nodes of one sub-tree counts
once in their common ancestors):
- firms: how many; reporting: how many reported the month;
- output_wan: Σ the month's output (万元) of the reporting firms; employees: Σ their employees;
- YoY on the comparable basis (可比口径, docs/statistics.md): (ΣA − ΣB) / ΣB over the firms that
  reported output this month and in the same month last year, new firms (新开工) left out; the
  new firms' count and output are given apart, never as a growth rate;
- concentration: the largest firm's share of the month's output, and the Herfindahl–Hirschman
  index HHI = Σ sᵢ² over the firms' shares sᵢ (1 = one firm makes everything; 1/n = n equal
  firms);
- flags, only for nodes in the target map (目标图谱; a node outside it is shown, never flagged):
  gap (缺链) with no confirmed firm; weak (弱链/短板) with fewer than `weak_below_firms`; single
  point of failure when one firm makes `dominant_share` or more of the output.

`strength` is the worst flag (gap, weak, single, healthy), what the map colours a node by.
"""

from collections.abc import Iterable, Mapping
from functools import partial

from zonedesk.chain.health.arrays import subtree_sums
from zonedesk.chain.health.figures import (
    GAP,
    HEALTHY,
    OUTSIDE,
    SINGLE,
    STRENGTHS,
    WEAK,
    ZERO,
    ChainHealth,
    FirmFigures,
    NodeHealth,
    NodeSpec,
    Thresholds,
    combine,
    measure,
)
from zonedesk.chain.health.packed import FigureTable, _from_sums
from zonedesk.monitoring.indicators import change

DEFAULT_THRESHOLDS = Thresholds()

__all__ = [
    "GAP",
    "HEALTHY",
    "OUTSIDE",
    "SINGLE",
    "STRENGTHS",
    "WEAK",
    "ZERO",
    "ChainHealth",
    "FigureTable",
    "FirmFigures",
    "NodeHealth",
    "NodeSpec",
    "Thresholds",
    "chain_health",
    "chain_health_walked",
    "change",
    "combine",
    "measure",
]


def _post_order(roots: list[int], children: dict[int, list[int]]) -> list[int]:
    """Every node under the roots, children before parents."""
    order, stack = [], [(r, False) for r in reversed(roots)]
    while stack:
        node_id, done = stack.pop()
        if done:
            order.append(node_id)
        else:
            stack.append((node_id, True))
            stack.extend((c, False) for c in reversed(children[node_id]))
    return order


def chain_health(
    nodes: Iterable[NodeSpec],
    figures: Mapping[int, FirmFigures],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ChainHealth:
    """Every node's health; a parent's over its whole sub-tree. Node id 0 is the whole chain
    (never flagged). A node whose parent is not among `nodes` is a root.

    Each node's firms are summed once, where they are placed; a parent adds its children's
    totals to its own firms' and takes away a firm counted twice (on two nodes of its sub-tree:
    only a firm on several nodes can be, and these are few). Parents that loop (which the
    services refuse) are left to `chain_health_walked`, which gives the same figures."""
    nodes = list(nodes)
    specs = {n.node_id: n for n in nodes}
    children: dict[int, list[int]] = {i: [] for i in specs}
    roots = []
    for n in specs.values():
        if n.parent_id is not None and n.parent_id in specs:
            children[n.parent_id].append(n.node_id)
        else:
            roots.append(n.node_id)
    order = _post_order(roots, children)
    if len(order) != len(specs):
        walked = figures.figures if isinstance(figures, FigureTable) else figures
        return chain_health_walked(nodes, walked, thresholds)
    table = figures if isinstance(figures, FigureTable) else FigureTable(figures)
    arrays = _arrays_for(table, specs)
    if arrays is not None:
        return _from_arrays(specs, order, roots, children, table, arrays, thresholds)
    own = {i: frozenset(s.firm_ids) for i, s in specs.items()}
    # The firms on several nodes: met again on a later node (set operations, in C).
    placed: set[int] = set()
    again: set[int] = set()
    for firms in own.values():
        again |= placed.intersection(firms)
        placed |= firms
    multi = frozenset(again)
    indexed = bool(placed) and table.cover(min(placed), max(placed))
    totals: dict[int, tuple] = {}
    shared: dict[int, frozenset[int]] = {}  # the sub-tree's firms that sit on several nodes
    subtree: dict[int, frozenset[int]] = {}

    def total_of(mine: frozenset[int], kids: list[int]) -> tuple[tuple, frozenset[int]]:
        # The node's own firms and its children's totals added up, less one count of a firm
        # for each part beyond the first that holds it (only firms on several nodes can be).
        seen = set(mine & multi) if multi else set()
        counted_again: list[int] = []
        for k in kids:
            if shared[k]:
                counted_again.extend(seen & shared[k])
                seen |= shared[k]
        t = table.total(mine, indexed=indexed)
        if kids:
            t = table.plus([t, *(totals[k] for k in kids)])
        if counted_again:
            t = table.minus(t, counted_again, indexed=indexed)
        return t, frozenset(seen)

    out: dict[int, NodeHealth] = {}
    for node_id in order:
        kids = children[node_id]
        mine = own[node_id]
        totals[node_id], shared[node_id] = total_of(mine, kids)
        subtree[node_id] = mine.union(*(subtree[k] for k in kids))
        spec = specs[node_id]
        out[node_id] = _from_sums(
            node_id,
            subtree[node_id],
            spec.in_target,
            len(mine),
            thresholds,
            table.row(totals[node_id]),
        )
    if specs:
        every = frozenset().union(*(subtree[r] for r in roots))
        whole, _shared = total_of(frozenset(), roots)
        out[0] = _from_sums(0, every, False, 0, thresholds, table.row(whole))
    return ChainHealth(out, tuple(roots), {k: tuple(v) for k, v in children.items()})


def _arrays_for(table: FigureTable, specs: dict[int, NodeSpec]) -> tuple | None:
    """The table's numpy arrays when every placed firm id can index them, else None."""
    if not table.packed:
        return None
    lowest = min((min(s.firm_ids) for s in specs.values() if s.firm_ids), default=None)
    if lowest is None:
        return None
    highest = max(max(s.firm_ids) for s in specs.values() if s.firm_ids)
    if not table.cover(lowest, highest):
        return None
    return table.arrays


class _Subtrees:
    """Each node's sub-tree firms as a set, made only when a node's `firm_ids` is asked."""

    def __init__(self, specs: dict[int, NodeSpec], children: dict[int, list[int]], roots):
        self.specs, self.children, self.roots = specs, children, roots
        self.found: dict[int, frozenset[int]] = {}

    def of(self, node_id: int) -> frozenset[int]:
        if node_id == 0:
            return frozenset().union(*(self.of(r) for r in self.roots))
        for current in _post_order([node_id], self.children):
            if current not in self.found:
                self.found[current] = frozenset(self.specs[current].firm_ids).union(
                    *(self.found[c] for c in self.children[current])
                )
        return self.found[node_id]


def _from_arrays(specs, order, roots, children, table, arrays, thresholds) -> ChainHealth:
    """`chain_health` from counts and sums over the placements (`arrays.subtree_sums`)."""
    sums = subtree_sums(
        order,
        {i: s.parent_id if s.parent_id in specs else None for i, s in specs.items()},
        {i: s.firm_ids for i, s in specs.items()},
        arrays,
    )
    subtrees = _Subtrees(specs, children, roots)
    out: dict[int, NodeHealth] = {}
    for node_id in [*order, 0]:
        in_target = specs[node_id].in_target if node_id else False
        out[node_id] = _from_sums(
            node_id,
            (sums.firms[node_id], partial(subtrees.of, node_id)),
            in_target,
            sums.own[node_id],
            thresholds,
            table.row((sums.packed[node_id], sums.rank[node_id])),
        )
    return ChainHealth(out, tuple(roots), {k: tuple(v) for k, v in children.items()})


def chain_health_walked(
    nodes: Iterable[NodeSpec],
    figures: Mapping[int, FirmFigures],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ChainHealth:
    """What `chain_health` gives, the straightforward way: every node's sub-tree firms walked
    (a parent combined from its children only when they share no firm). Kept as the reference
    the fast path is tested against, and for a tree whose parents loop."""
    specs = {n.node_id: n for n in nodes}
    children: dict[int, list[int]] = {i: [] for i in specs}
    roots = []
    for n in specs.values():
        if n.parent_id is not None and n.parent_id in specs:
            children[n.parent_id].append(n.node_id)
        else:
            roots.append(n.node_id)
    subtree: dict[int, frozenset[int]] = {}

    def firms_under(node_id: int) -> frozenset[int]:
        # Iterative post-order: a chain may be deep, and Python's recursion limit is not.
        # A node met again on its own path (a loop of parents, which the services refuse) adds
        # nothing: the walk ends whatever the stored tree.
        stack, open_ = [(node_id, False)], set()
        while stack:
            current, done = stack.pop()
            if current in subtree:
                continue
            if done:
                found = set(specs[current].firm_ids)
                for c in children[current]:
                    found |= subtree.get(c, frozenset())
                subtree[current] = frozenset(found)
                open_.discard(current)
            elif current not in open_:
                open_.add(current)
                stack.append((current, True))
                stack.extend((c, False) for c in children[current] if c not in subtree)
        return subtree[node_id]

    out: dict[int, NodeHealth] = {}

    def health_of(node_id: int) -> NodeHealth:
        # Children before parents (iteratively); a parent whose own firms and children's
        # sub-trees share no firm is combined from them, else its firms are walked again.
        stack, open_ = [(node_id, False)], set()
        while stack:
            current, done = stack.pop()
            if current in out:
                continue
            spec = specs[current]
            own = frozenset(spec.firm_ids)
            if not done and current not in open_:
                open_.add(current)
                stack.append((current, True))
                stack.extend((c, False) for c in children[current] if c not in out)
                continue
            if not done:
                continue
            firms = firms_under(current)
            kids = [out[c] for c in children[current] if c in out]
            disjoint = len(kids) == len(children[current]) and len(firms) == len(own) + sum(
                k.firms for k in kids
            )
            kw = {"in_target": spec.in_target, "own_firms": len(own), "thresholds": thresholds}
            if disjoint and kids:
                parts = [*kids, measure(current, own, figures, in_target=False)] if own else kids
                out[current] = combine(current, firms, parts, **kw)
            else:
                out[current] = measure(current, firms, figures, **kw)
        return out[node_id]

    for node_id in specs:
        health_of(node_id)
    if specs:
        every = frozenset().union(*(subtree[r] for r in roots))
        out[0] = measure(0, every, figures, in_target=False, thresholds=thresholds)
    return ChainHealth(out, tuple(roots), {k: tuple(v) for k, v in children.items()})

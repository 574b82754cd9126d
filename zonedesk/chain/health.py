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

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat

from zonedesk.monitoring.indicators import change

ZERO = Decimal(0)

GAP = "gap"
WEAK = "weak"
SINGLE = "single"
HEALTHY = "healthy"
OUTSIDE = "outside"  # not in the target map, no confirmed firm: shown grey, never flagged
STRENGTHS = (GAP, WEAK, SINGLE, HEALTHY, OUTSIDE)


@dataclass(frozen=True)
class FirmFigures:
    """One firm's month: its output and employees (None: not reported), the output of the same
    month last year (None: no report then) and whether it is new (新开工) in the month."""

    firm_id: int
    output_wan: Decimal | None = None
    output_last_year_wan: Decimal | None = None
    employees: int | None = None
    new: bool = False

    @property
    def comparable(self) -> bool:
        return (
            not self.new and self.output_wan is not None and self.output_last_year_wan is not None
        )


@dataclass(frozen=True)
class NodeSpec:
    """A node of the tree: its parent (None: a root), whether it is in the target map, and the
    ids of the firms confirmed on it."""

    node_id: int
    parent_id: int | None = None
    in_target: bool = True
    firm_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    weak_below_firms: int = 3
    dominant_share: Decimal = Decimal("0.6")


@dataclass(frozen=True)
class NodeHealth:
    node_id: int
    in_target: bool
    firm_ids: frozenset[int]  # the sub-tree's confirmed firms
    own_firms: int  # confirmed on the node itself
    reporting: int
    output_wan: Decimal
    employees: int
    comparable_firms: int
    comparable_output_wan: Decimal
    comparable_last_year_wan: Decimal
    new_firms: int
    new_output_wan: Decimal
    largest_firm_id: int | None
    largest_share: Decimal | None
    hhi: Decimal | None
    gap: bool
    weak: bool
    single_point: bool
    largest_output_wan: Decimal = ZERO
    sum_of_squares: Decimal = ZERO  # Σ oᵢ² of the firms' outputs: HHI = Σ oᵢ² / O²

    @property
    def firms(self) -> int:
        return len(self.firm_ids)

    @property
    def yoy(self) -> Decimal | None:
        """Output growth on the comparable basis (a fraction); None without a positive base."""
        if not self.comparable_firms:
            return None
        return change(self.comparable_output_wan, self.comparable_last_year_wan)

    @property
    def strength(self) -> str:
        if self.gap:
            return GAP
        if self.weak:
            return WEAK
        if self.single_point:
            return SINGLE
        return HEALTHY if self.in_target or self.firm_ids else OUTSIDE

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(
            name
            for name, on in ((GAP, self.gap), (WEAK, self.weak), (SINGLE, self.single_point))
            if on
        )


@dataclass(frozen=True)
class ChainHealth:
    nodes: dict[int, NodeHealth]  # by node id, every node of the tree
    roots: tuple[int, ...]
    children: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def gaps(self) -> list[NodeHealth]:
        return [h for h in self.nodes.values() if h.gap]

    def count(self, strength: str) -> int:
        return self.counts[strength]

    @property
    def counts(self) -> dict[str, int]:
        """How many nodes (not the whole chain) are of each strength."""
        out = dict.fromkeys(STRENGTHS, 0)
        for node_id, h in self.nodes.items():
            if node_id:
                out[h.strength] += 1
        return out

    @property
    def whole(self) -> "NodeHealth | None":
        """The chain as one node (its roots' firms, each once); None for an empty chain."""
        return self.nodes.get(0)


def measure(
    node_id: int,
    firm_ids: frozenset[int],
    figures: Mapping[int, FirmFigures],
    *,
    in_target: bool = True,
    own_firms: int = 0,
    thresholds: Thresholds = Thresholds(),
) -> NodeHealth:
    """A node's figures and flags over `firm_ids` (each firm once)."""
    reporting = employees = cmp_n = new_n = 0
    output = cmp_out = cmp_base = new_out = ZERO
    outputs: list[tuple[Decimal, int]] = []
    for firm_id in firm_ids:
        f = figures.get(firm_id)
        if f is None:
            continue
        if f.output_wan is not None:
            reporting += 1
            output += f.output_wan
            outputs.append((f.output_wan, firm_id))
            if f.new:
                new_n += 1
                new_out += f.output_wan
        if f.employees is not None:
            employees += f.employees
        if f.comparable:
            cmp_n += 1
            cmp_out += f.output_wan
            cmp_base += f.output_last_year_wan
    top, largest_id = max(outputs, key=lambda o: (o[0], -o[1])) if outputs else (ZERO, None)
    squares = sum((o * o for o, _id in outputs), ZERO)
    return _finish(
        node_id,
        firm_ids,
        in_target,
        own_firms,
        thresholds,
        (reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out),
        (top, largest_id, squares),
    )


def _finish(node_id, firm_ids, in_target, own_firms, thresholds, sums, largest) -> NodeHealth:
    reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out = sums
    top, largest_id, squares = largest
    share = hhi = None
    if output > 0:
        share = top / output
        hhi = squares / (output * output)
    else:
        largest_id = None
    gap = in_target and not firm_ids
    return NodeHealth(
        node_id=node_id,
        in_target=in_target,
        firm_ids=firm_ids,
        own_firms=own_firms,
        reporting=reporting,
        output_wan=output,
        employees=employees,
        comparable_firms=cmp_n,
        comparable_output_wan=cmp_out,
        comparable_last_year_wan=cmp_base,
        new_firms=new_n,
        new_output_wan=new_out,
        largest_firm_id=largest_id,
        largest_share=share,
        hhi=hhi,
        gap=gap,
        weak=in_target and not gap and len(firm_ids) < thresholds.weak_below_firms,
        single_point=in_target and share is not None and share >= thresholds.dominant_share,
        largest_output_wan=top,
        sum_of_squares=squares,
    )


def combine(
    node_id: int,
    firm_ids: frozenset[int],
    parts: list[NodeHealth],
    *,
    in_target: bool,
    own_firms: int,
    thresholds: Thresholds,
) -> NodeHealth:
    """A node's health from the healths of disjoint parts of its firms (its own firms and each
    child's sub-tree, none sharing a firm): sums add up, the largest firm is the parts' largest,
    Σ oᵢ² adds up. What `measure` would give over the union, without walking every firm again."""
    fields = (
        "reporting",
        "output_wan",
        "employees",
        "comparable_firms",
        "comparable_output_wan",
        "comparable_last_year_wan",
        "new_firms",
        "new_output_wan",
    )
    sums = tuple(sum((getattr(p, f) for p in parts), 0) for f in fields)
    sums = tuple(Decimal(v) if isinstance(v, Decimal) else v for v in sums)
    candidates = [
        (p.largest_output_wan, -p.largest_firm_id, p.largest_firm_id)
        for p in parts
        if p.largest_firm_id is not None
    ]
    top, _neg, largest_id = max(candidates) if candidates else (ZERO, 0, None)
    squares = sum((p.sum_of_squares for p in parts), ZERO)
    sums = (
        sums[0],
        Decimal(sums[1]),
        sums[2],
        sums[3],
        Decimal(sums[4]),
        Decimal(sums[5]),
        sums[6],
        Decimal(sums[7]),
    )
    return _finish(
        node_id, firm_ids, in_target, own_firms, thresholds, sums, (top, largest_id, squares)
    )


class FigureTable:
    """The figures of many firms (`figures`, by firm id) ready to be summed over sets of them:
    built once for every chain of a page (`chain_health` builds one when handed a mapping).

    A total is (sums, rank): the nine sums of `_row` and the largest firm's rank. When every
    amount fits (`_Packed`), a firm's sums are one integer and a set of firms is summed by
    adding integers; else by adding its rows column by column. Either way the Decimals that
    come out are the ones adding the firms' amounts one by one gives, digits and exponent."""

    def __init__(self, figures: Mapping[int, FirmFigures] | None = None):
        self.figures = figures if figures is not None else {}
        self._packed = _Packed.of(self.figures)
        self._rows = None
        if self._packed is None:
            self._rows = {firm_id: _row(firm_id, f) for firm_id, f in self.figures.items()}

    @property
    def packed(self) -> bool:
        return self._packed is not None

    def cover(self, lowest: int, highest: int) -> bool:
        """Whether firm ids from `lowest` to `highest` can be looked up by list index (packed,
        and not much sparser than the table's firms): then `total(..., indexed=True)`."""
        return self._packed is not None and self._packed.cover(lowest, highest)

    def total(self, firm_ids, *, indexed: bool = False) -> tuple:
        """The total of `firm_ids` (a collection; each counted as often as it is in it).
        `indexed`: every id is within what `cover` accepted."""
        if self._packed is not None:
            return self._packed.total(firm_ids, indexed)
        r = _sum_rows(list(map(self._rows.get, firm_ids, repeat(_EMPTY_ROW))))
        return r[:9], r[9]

    def plus(self, totals: list[tuple]) -> tuple:
        if self._packed is not None:
            return sum(t[0] for t in totals), max(t[1] for t in totals)
        r = _sum_rows([(*t[0], t[1]) for t in totals])
        return r[:9], r[9]

    def minus(self, total: tuple, firm_ids, *, indexed: bool = False) -> tuple:
        """`total` without one count of each of `firm_ids` (firms it counted more than once: its
        largest firm stays, being one of them or another)."""
        less = self.total(firm_ids, indexed=indexed)[0]
        if self._packed is not None:
            return total[0] - less, total[1]
        return tuple(x - y for x, y in zip(total[0], less, strict=True)), total[1]

    def row(self, total: tuple) -> tuple:
        """The total as a row of `_row`'s columns."""
        if self._packed is not None:
            return self._packed.row(total)
        return (*total[0], total[1])


# Decimal's default context keeps 28 digits: sums that stay under them are exact, in any order.
_EXACT = 10**28


class _Packed:
    """Each firm's nine sums as one integer, side by side in bit fields each wide enough for the
    field's sum over every firm of the table, and its rank (output, then the lower id) as
    another integer: adding integers adds every field at once, exactly (no carry crosses a
    field), with no object per firm and column. Only when every amount is ≥ 0 with one same
    number of decimal places and every total stays within Decimal's 28 exact digits."""

    def __init__(self, packed, rank, shifts, masks, id_bits, top_id, exp):
        self.packed, self.rank = packed, rank
        self.shifts, self.masks = shifts, masks
        self.id_bits, self.id_mask, self.top_id = id_bits, (1 << id_bits) - 1, top_id
        self.exp = exp
        self.by_index: tuple[list, list] | None = None

    def cover(self, lowest: int, highest: int) -> bool:
        # A list index is a third of a dict lookup's time at province scale; a list as long as
        # the highest id, only while ids are not much sparser than the firms.
        if lowest < 0 or highest > 8 * len(self.packed) + 4096:
            return False
        size = max(highest, self.top_id) + 1
        if self.by_index is None or len(self.by_index[0]) < size:
            packed, rank = [0] * size, [-1] * size
            for firm_id, v in self.packed.items():
                packed[firm_id] = v
            for firm_id, v in self.rank.items():
                rank[firm_id] = v
            self.by_index = packed, rank
        return True

    @classmethod
    def of(cls, figures: Mapping[int, FirmFigures]) -> "_Packed | None":
        quantum = None  # the first amount: every other must have its exponent
        scale = 1
        scaled = {}
        for firm_id, f in figures.items():
            employees = f.employees or 0
            if firm_id < 0 or employees < 0:
                return None
            o = f.output_wan
            if o is None:
                scaled[firm_id] = (0, 0, employees, 0, 0, 0, 0, 0, 0)
                continue
            if quantum is None:
                exp = o.as_tuple().exponent
                if not isinstance(exp, int) or exp > 0:
                    return None
                quantum, scale = o, -exp
            if o.is_signed() or not o.same_quantum(quantum):
                return None
            value = int(o.scaleb(scale))
            base = 0
            cmp = f.comparable
            if cmp:
                b = f.output_last_year_wan
                if b.is_signed() or not b.same_quantum(quantum):
                    return None
                base = int(b.scaleb(scale))
            new = f.new
            scaled[firm_id] = (
                1,
                value,
                employees,
                1 if cmp else 0,
                value if cmp else 0,
                base,
                1 if new else 0,
                value if new else 0,
                value * value,  # what o * o is in Decimal while under 28 digits (checked)
            )
        totals = [sum(c) for c in zip(*scaled.values(), strict=True)] or [0] * 9
        if max(totals) >= _EXACT:
            return None
        widths = [t.bit_length() + 1 for t in totals]
        shifts = [sum(widths[:i]) for i in range(9)]
        masks = [(1 << w) - 1 for w in widths]
        _s0, s1, s2, s3, s4, s5, s6, s7, s8 = shifts
        packed = {
            firm_id: a0
            | a1 << s1
            | a2 << s2
            | a3 << s3
            | a4 << s4
            | a5 << s5
            | a6 << s6
            | a7 << s7
            | a8 << s8
            for firm_id, (a0, a1, a2, a3, a4, a5, a6, a7, a8) in scaled.items()
        }
        top_id = max(figures, default=0)
        id_bits = top_id.bit_length() + 1
        rank = {
            firm_id: (values[1] << id_bits) | (top_id - firm_id)
            for firm_id, values in scaled.items()
            if values[0]
        }
        exp = -scale if quantum is not None else 0
        return cls(packed, rank, shifts, masks, id_bits, top_id, exp)

    def total(self, firm_ids, indexed: bool = False) -> tuple:
        if indexed:
            packed, rank = self.by_index
            return (
                sum(map(packed.__getitem__, firm_ids)),
                max(map(rank.__getitem__, firm_ids), default=-1),
            )
        return (
            sum(map(self.packed.get, firm_ids, repeat(0))),
            max(map(self.rank.get, firm_ids, repeat(-1)), default=-1),
        )

    def row(self, total: tuple) -> tuple:
        sums, best = total
        v = [(sums >> shift) & mask for shift, mask in zip(self.shifts, self.masks, strict=True)]
        e = self.exp

        def amount(scaled: int, count: int, exp: int = e) -> Decimal:
            # What ZERO + the firms' amounts gives: their exponent, or ZERO's for none.
            return Decimal(scaled).scaleb(exp) if count else ZERO

        rank = _LOW
        if best >= 0:
            rank = (Decimal(best >> self.id_bits).scaleb(e), -(self.top_id - (best & self.id_mask)))
        return (
            v[0],
            amount(v[1], v[0]),
            v[2],
            v[3],
            amount(v[4], v[3]),
            amount(v[5], v[3]),
            v[6],
            amount(v[7], v[6]),
            amount(v[8], v[0], 2 * e),
            rank,
        )


# A firm's row: reporting (0/1), output, employees, comparable (0/1), comparable output and
# base, new (0/1), new output, output², and its rank for the largest firm: (output, −id).
_LOW = (Decimal("-Infinity"), 0)
_EMPTY_ROW = (0, ZERO, 0, 0, ZERO, ZERO, 0, ZERO, ZERO, _LOW)


def _row(firm_id: int, f: FirmFigures) -> tuple:
    o = f.output_wan
    employees = f.employees if f.employees is not None else 0
    if o is None:
        return (0, ZERO, employees, 0, ZERO, ZERO, 0, ZERO, ZERO, _LOW)
    cmp = f.comparable
    return (
        1,
        o,
        employees,
        1 if cmp else 0,
        o if cmp else ZERO,
        f.output_last_year_wan if cmp else ZERO,
        1 if f.new else 0,
        o if f.new else ZERO,
        o * o,
        (o, -firm_id),
    )


def _sum_rows(rows: list[tuple]) -> tuple:
    """Column sums of rows (firms' rows or other sums), the largest rank of the last column."""
    if not rows:
        return _EMPTY_ROW
    if len(rows) == 1:
        return rows[0]
    c = tuple(zip(*rows, strict=True))
    return (
        sum(c[0]),
        sum(c[1], ZERO),
        sum(c[2]),
        sum(c[3]),
        sum(c[4], ZERO),
        sum(c[5], ZERO),
        sum(c[6]),
        sum(c[7], ZERO),
        sum(c[8], ZERO),
        max(c[9]),
    )


def _from_sums(node_id, firm_ids, in_target, own_firms, thresholds, sums) -> NodeHealth:
    reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out, squares, rank = sums
    top, largest_id = (rank[0], -rank[1]) if reporting else (ZERO, None)
    return _finish(
        node_id,
        firm_ids,
        in_target,
        own_firms,
        thresholds,
        (reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out),
        (top, largest_id, squares),
    )


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
    thresholds: Thresholds = Thresholds(),
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
    own = {i: frozenset(s.firm_ids) for i, s in specs.items()}
    placements = Counter()
    for firms in own.values():
        placements.update(firms)
    multi = frozenset(f for f, n in placements.items() if n > 1)
    indexed = bool(placements) and table.cover(min(placements), max(placements))
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


def chain_health_walked(
    nodes: Iterable[NodeSpec],
    figures: Mapping[int, FirmFigures],
    thresholds: Thresholds = Thresholds(),
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

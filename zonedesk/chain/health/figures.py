"""The figures of a chain's nodes and their health, one node at a time (`measure`) or from its
parts (`combine`): the types the package shares. Pure Python: no Django."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

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
    firms: int  # the sub-tree's confirmed firms, each once
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
    # The sub-tree's firm ids, or what gives them when first asked (`chain_health` counts the
    # firms without making a set per node): not compared, `firms` is.
    ids: "frozenset[int] | Callable[[], frozenset[int]]" = field(
        default=frozenset(), compare=False, repr=False
    )

    @property
    def firm_ids(self) -> frozenset[int]:
        """The sub-tree's confirmed firms."""
        ids = self.ids
        if not isinstance(ids, frozenset):
            ids = frozenset(ids())
            object.__setattr__(self, "ids", ids)  # computed once; the dataclass is frozen
        return ids

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
        return HEALTHY if self.in_target or self.firms else OUTSIDE

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
    """The node's health; `firm_ids` a set, or (count, what gives the set when asked)."""
    if isinstance(firm_ids, tuple):
        firms, ids = firm_ids
    else:
        firms, ids = len(firm_ids), frozenset(firm_ids)
    reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out = sums
    top, largest_id, squares = largest
    share = hhi = None
    if output > 0:
        share = top / output
        hhi = squares / (output * output)
    else:
        largest_id = None
    gap = in_target and not firms
    return NodeHealth(
        node_id=node_id,
        in_target=in_target,
        firms=firms,
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
        weak=in_target and not gap and firms < thresholds.weak_below_firms,
        single_point=in_target and share is not None and share >= thresholds.dominant_share,
        largest_output_wan=top,
        sum_of_squares=squares,
        ids=ids,
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

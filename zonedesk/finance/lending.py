"""Inter-firm lending (企业间互助): the legal ceiling of a private loan's rate and the guarantee
graph (担保圈). Pure Python, no Django.

**The rate ceiling.** 《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》:

- as amended by 法释〔2020〕6号 (in force 2020-08-20), Art. 26, kept as Art. 25 by
  法释〔2020〕17号 (in force 2021-01-01): the courts do not uphold an agreed rate above **four
  times the one-year loan prime rate (一年期贷款市场报价利率, LPR) in force when the contract is
  made** (合同成立时), the LPR being the one the National Interbank Funding Center publishes
  monthly on the PBoC's authority since 2019-08-20;
- before, 法释〔2015〕18号 (in force 2015-09-01), Art. 26: an agreed rate up to **24%** a year is
  upheld; above **36%** the excess interest is void; between the two, interest already paid is
  not returned (自然债务).

Which applies is decided by the contract date (the day the contract is made, 合同成立):
on or after 2020-08-20 the LPR rule; from 2015-09-01 to 2020-08-19 the 24%/36% rule (so a
contract of 2019-08-20 to 2020-08-19 is judged at 24%, not 4 × LPR, although an LPR existed:
the transitional article, Art. 32 of 法释〔2020〕6号 / Art. 31 of 法释〔2020〕17号, applies the
old rule to its interest up to 2020-08-19 and four times the LPR at the time of suit to its
interest from 2020-08-20, which a register cannot know). A contract before 2015-09-01 fell under
the 1991 opinions (four times the PBoC's benchmark rate of the same kind), which this table does
not hold: its ceiling is unknown (None), never a guess.

**The LPR table** is `data/lpr.csv` (date, one_year_pct, five_year_pct: the "5年期以上" rate),
one row per monthly announcement from 2019-08-20 to the last row, as published by the National
Interbank Funding Center (全国银行间同业拆借中心, www.chinamoney.com.cn, 贷款市场报价利率) and
relayed by the PBoC. An announcement is made on the 20th of the month (the next working day when
the 20th is not one) at 9:00 and is in force from that day until the next. A date more than
`STALE_AFTER_DAYS` after the last row is past what the table knows (`LprTable.knows`): the
ceiling is still given with the last rate, marked uncertain, until the table is extended.

**The guarantee graph.** An edge is guarantor → borrower: the guarantor answers for the
borrower's debt. When a firm defaults, its creditors call on its guarantors, so a default spreads
**against** the edges: from the borrower to each firm that guarantees it, then to the firms that
guarantee those, and so on (`default_reach`). A guarantee circle (担保圈, 互保/联保) is a set of firms
each of which is, through some chain, a guarantor of every other: a strongly connected component
of two or more firms (Tarjan's algorithm, iterative). A firm guaranteeing itself is no guarantee:
`edge_problems` refuses it at entry, and the graph leaves such an edge out and lists it.
"""

import csv
import datetime as dt
from bisect import bisect_right
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import pairwise
from pathlib import Path

LPR_CSV = Path(__file__).parent / "data" / "lpr.csv"
LPR_START = dt.date(2019, 8, 20)  # the first announcement after the LPR reform
RULE_2015_START = dt.date(2015, 9, 1)  # 法释〔2015〕18号 in force
RULE_2020_START = dt.date(2020, 8, 20)  # 法释〔2020〕6号 in force
STALE_AFTER_DAYS = 35  # a month and a few days: the next announcement is overdue
LPR_MULTIPLE = Decimal(4)
PROTECTED_2015_PCT = Decimal(24)
VOID_2015_PCT = Decimal(36)

# The regimes of `Ceiling.regime`.
LPR_4X = "lpr_4x"  # 法释〔2020〕6号/17号: 4 × the one-year LPR at the contract date
FIXED_2015 = "fixed_2015"  # 法释〔2015〕18号: 24% upheld, above 36% void
BEFORE_2015 = "before_2015"  # the 1991 opinions: not held here, ceiling unknown

SOURCE_2020 = "法释〔2020〕17号 第二十五条（原法释〔2020〕6号 第二十六条）"
SOURCE_2015 = "法释〔2015〕18号 第二十六条"
SOURCE_1991 = "最高人民法院关于人民法院审理借贷案件的若干意见（1991）第六条"


@dataclass(frozen=True)
class Lpr:
    """One announcement: in force from `date` until the next."""

    date: dt.date
    one_year_pct: Decimal
    five_year_pct: Decimal


@dataclass(frozen=True)
class LprTable:
    """The announcements in date order."""

    rows: tuple[Lpr, ...]

    def __post_init__(self):
        dates = [r.date for r in self.rows]
        if not dates:
            raise ValueError("the LPR table is empty")
        if any(b <= a for a, b in pairwise(dates)):
            raise ValueError("the LPR table's dates must be strictly increasing")

    @property
    def last(self) -> Lpr:
        return self.rows[-1]

    def in_force(self, day: dt.date) -> Lpr | None:
        """The latest announcement on or before `day` (None before the first)."""
        i = bisect_right([r.date for r in self.rows], day)
        return self.rows[i - 1] if i else None

    def knows(self, day: dt.date) -> bool:
        """Whether `day` is within what the table covers (not past its last row by more than a
        month's announcement)."""
        return (day - self.last.date).days <= STALE_AFTER_DAYS


def read_lpr(path: Path = LPR_CSV) -> LprTable:
    """The table of a CSV file (date, one_year_pct, five_year_pct); a bad row raises ValueError
    naming its line."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                rows.append(
                    Lpr(
                        dt.date.fromisoformat(row["date"].strip()),
                        _pct(row["one_year_pct"]),
                        _pct(row["five_year_pct"]),
                    )
                )
            except (KeyError, ValueError, AttributeError, InvalidOperation) as exc:
                raise ValueError(f"{path.name}, line {line}: {exc}") from exc
    return LprTable(tuple(rows))


def _pct(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite() or not 0 < value < 100:
        raise ValueError(f"a rate must be a percentage between 0 and 100: {text!r}")
    return value


@cache
def lpr_table() -> LprTable:
    """The shipped table (data/lpr.csv), read once."""
    return read_lpr()


@dataclass(frozen=True)
class Ceiling:
    """The legal ceiling of a private loan's annual rate (%) for a contract date.

    `ceiling_pct`: the highest rate the courts uphold (None: unknown); `void_above_pct`: above
    it the excess interest is void (2015 rule only); `lpr`: the announcement used (LPR rule);
    `certain`: False when the contract date is past what the LPR table knows."""

    contract_date: dt.date
    regime: str
    ceiling_pct: Decimal | None
    void_above_pct: Decimal | None = None
    lpr: Lpr | None = None
    certain: bool = True
    source: str = ""


def rate_ceiling(contract_date: dt.date, table: LprTable | None = None) -> Ceiling:
    """The ceiling in force for a contract made on `contract_date` (see the module's docstring)."""
    if contract_date < RULE_2015_START:
        return Ceiling(contract_date, BEFORE_2015, None, certain=False, source=SOURCE_1991)
    if contract_date < RULE_2020_START:
        return Ceiling(
            contract_date, FIXED_2015, PROTECTED_2015_PCT, VOID_2015_PCT, source=SOURCE_2015
        )
    table = table or lpr_table()
    lpr = table.in_force(contract_date)
    if lpr is None:  # a table that starts after 2020-08-20 (a test's, or a truncated file)
        return Ceiling(contract_date, LPR_4X, None, certain=False, source=SOURCE_2020)
    return Ceiling(
        contract_date,
        LPR_4X,
        LPR_MULTIPLE * lpr.one_year_pct,
        lpr=lpr,
        certain=table.knows(contract_date),
        source=SOURCE_2020,
    )


def rate_above_ceiling(
    rate_pct: Decimal, contract_date: dt.date, table: LprTable | None = None
) -> bool | None:
    """Whether an agreed annual rate (%) is above the legal ceiling at the contract date (a rate
    equal to it is not); None when the ceiling is unknown (a contract before 2015-09-01)."""
    ceiling = rate_ceiling(contract_date, table).ceiling_pct
    if ceiling is None:
        return None
    return Decimal(rate_pct) > ceiling


def rate_void_part(
    rate_pct: Decimal, contract_date: dt.date, table: LprTable | None = None
) -> Decimal | None:
    """Under the 2015 rule, the points above 36% whose interest is void (0 if none); None under
    the other regimes (the LPR rule does not split the rate: all above the ceiling is not
    upheld)."""
    ceiling = rate_ceiling(contract_date, table)
    if ceiling.void_above_pct is None:
        return None
    return max(Decimal(rate_pct) - ceiling.void_above_pct, Decimal(0))


# --- The guarantee graph ----------------------------------------------------------------------


@dataclass(frozen=True)
class Guarantee:
    """`guarantor` answers for `borrower`'s debt up to `amount_wan` (万元)."""

    guarantor: Hashable
    borrower: Hashable
    amount_wan: Decimal = Decimal(0)


def edge_problems(edge: Guarantee) -> list[str]:
    """Why a guarantee cannot be registered, as codes: "self_guarantee" (a firm guaranteeing
    itself), "amount_negative"."""
    problems = []
    if edge.guarantor == edge.borrower:
        problems.append("self_guarantee")
    if Decimal(edge.amount_wan) < 0:
        problems.append("amount_negative")
    return problems


def _order(node: Hashable):
    """Sort firms of mixed key types deterministically (ints by value, then strings)."""
    return (type(node).__name__, node)


@dataclass(frozen=True)
class Circle:
    """A guarantee circle: its firms (sorted), one cycle through them (the first firm repeated at
    the end, e.g. A → B → C → A: A guarantees B, B guarantees C, C guarantees A) and the sum of
    the guarantees among its firms."""

    firms: tuple
    cycle: tuple
    amount_wan: Decimal


@dataclass(frozen=True)
class Reach:
    """The firms a default reaches, each with its distance (1: guarantees the defaulter
    directly), and `amount_wan`: the guarantees these firms gave for the defaulter or for one
    another, i.e. what a full cascade could call on them (an upper bound: a firm that pays
    stops the chain behind it)."""

    firm: Hashable
    distance: dict = field(default_factory=dict)
    amount_wan: Decimal = Decimal(0)

    @property
    def firms(self) -> list:
        return sorted(self.distance, key=lambda f: (self.distance[f], _order(f)))


class GuaranteeGraph:
    """The guarantees as adjacency in both directions; parallel edges between the same two firms
    are summed; self-guarantees are left out and kept in `self_guarantees`."""

    def __init__(self, edges: Iterable[Guarantee]):
        self.guarantees: dict[Hashable, dict[Hashable, Decimal]] = {}  # guarantor -> borrowers
        self.guarantors: dict[Hashable, dict[Hashable, Decimal]] = {}  # borrower -> guarantors
        self.self_guarantees: list[Guarantee] = []
        for edge in edges:
            if edge.guarantor == edge.borrower:
                self.self_guarantees.append(edge)
                continue
            for a, b, table in (
                (edge.guarantor, edge.borrower, self.guarantees),
                (edge.borrower, edge.guarantor, self.guarantors),
            ):
                table.setdefault(b, {})
                out = table.setdefault(a, {})
                out[b] = out.get(b, Decimal(0)) + Decimal(edge.amount_wan)

    @property
    def firms(self) -> list:
        return sorted(self.guarantees, key=_order)

    def circles(self) -> list[Circle]:
        """Every guarantee circle (strongly connected component of 2+ firms), largest first."""
        found = []
        for component in _strongly_connected(self.guarantees, self.firms):
            if len(component) < 2:
                continue
            members = set(component)
            firms = tuple(sorted(component, key=_order))
            amount = sum(
                (v for f in firms for b, v in self.guarantees[f].items() if b in members),
                Decimal(0),
            )
            found.append(Circle(firms, self._cycle(firms[0], members), amount))
        return sorted(found, key=lambda c: (-len(c.firms), [_order(f) for f in c.firms]))

    def _cycle(self, start: Hashable, members: set) -> tuple:
        """The shortest cycle from `start` back to it inside the component (BFS)."""
        parent: dict = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in sorted(self.guarantees[node], key=_order):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return (*reversed(path), start)
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        raise AssertionError("a strongly connected component has a cycle")  # pragma: no cover

    def default_reach(self, firm: Hashable) -> Reach:
        """The firms liable, directly or down the chain, if `firm` defaults: its guarantors, their
        guarantors, and so on (BFS against the edges). The firm itself is not in it, even when a
        circle leads back to it."""
        distance: dict = {}
        amount = Decimal(0)
        queue = deque([firm])
        seen = {firm}
        while queue:
            node = queue.popleft()
            depth = distance.get(node, 0)
            for guarantor, value in sorted(self.guarantors.get(node, {}).items(), key=_key0):
                if guarantor == firm:
                    continue  # the defaulter's own guarantees are not called from it
                amount += value
                if guarantor not in seen:
                    seen.add(guarantor)
                    distance[guarantor] = depth + 1
                    queue.append(guarantor)
        return Reach(firm, distance, amount)

    def in_circle(self) -> dict:
        """firm -> the index of its circle in `circles()` (firms in no circle absent)."""
        return {f: i for i, c in enumerate(self.circles()) for f in c.firms}


def _key0(item):
    return _order(item[0])


def _strongly_connected(graph: dict, nodes: list) -> list[list]:
    """Tarjan's strongly connected components, iterative (no recursion limit on long chains)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    components: list[list] = []
    counter = 0

    def successors(node):
        return sorted(graph.get(node, {}), key=_order)

    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def guarantee_circles(edges: Iterable[Guarantee]) -> list[Circle]:
    """The guarantee circles of a list of guarantees (see `GuaranteeGraph.circles`)."""
    return GuaranteeGraph(edges).circles()


def default_reach(edges: Iterable[Guarantee], firm: Hashable) -> Reach:
    """The firms a default of `firm` reaches (see `GuaranteeGraph.default_reach`)."""
    return GuaranteeGraph(edges).default_reach(firm)

"""亩均效益 (per-mu) evaluation, 亩均论英雄: a firm's yearly indicators per mu of land, a weighted
score and a grade A/B/C/D. Pure: plain values in, plain values out (no Django).

Indicators of a firm for a year (definitions and sources in docs/statistics.md):

    tax_per_mu          亩均税收       = Σ tax paid (万元) / land in use (亩)
    value_added_per_mu  亩均增加值     = value added (万元) / land in use (亩)
    value_added_per_tce 单位能耗增加值 = value added (万元) / Σ energy use (吨标准煤)
    labour_productivity 全员劳动生产率 = value added (万元) / average employees (persons)
    rd_share            R&D 经费占比   = R&D spending (万元) / Σ main business revenue (万元)

Value added is the yearly figure where it is reported. Where it is not, it is estimated from the
year's output value and the result says so (`output_as_value_added`): output times the
population's value-added rate (Σ value added / Σ output over the firms that report both), or the
output itself when no firm of the population reports value added. Output alone would overstate
value added by the inputs it contains (3-4 times in manufacturing) and put every firm that does
not report it at the top.

Score (the method of Zhejiang's county evaluations, e.g. 黄岩区 2022: score = Σ indicator ÷
benchmark × points): each indicator divided by its benchmark, the mean of that indicator over the
graded firms of the population (the zone), times the indicator's points. A firm without a value
for an indicator scores 0 on it (a missing report is not rewarded); an indicator no firm of the
population has is left out for all (it would rank nobody). Grades by rank: the best `cutoffs["A"]`
share of the graded firms are A, up to `cutoffs["B"]` B, up to `cutoffs["C"]` C, the rest D
(ties broken by firm id, so a grading is reproducible).

A firm with no land area recorded, no monthly figure in the year, closed or under construction
is not graded, with the reason. So is a firm with no output all year (halted the whole year,
未参评): the Zhejiang-style evaluations grade the firms in production, and a halted firm
graded D would sit among the firms that produce little per mu; it is counted apart.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

INDICATORS = (
    "tax_per_mu",
    "value_added_per_mu",
    "value_added_per_tce",
    "labour_productivity",
    "rd_share",
)
GRADES = ("A", "B", "C", "D")


class NotGraded:
    """Why a firm has no grade (the reason codes; labels are the caller's)."""

    NO_LAND = "no_land"
    NO_FIGURES = "no_figures"
    CLOSED = "closed"
    CONSTRUCTION = "construction"  # a project being built: evaluated from its first year
    NOT_PRODUCING = "not_producing"  # reported months, no output in any: halted all year


@dataclass(frozen=True)
class FirmYear:
    """A firm's inputs for one year. Sums over the months it reported; None: not reported."""

    firm: int
    land_mu: float | None
    months: int  # months with a figure in the year
    tax_wan: float | None = None
    output_wan: float | None = None
    value_added_wan: float | None = None  # the yearly figure, when reported
    energy_tce: float | None = None
    employees_avg: float | None = None
    revenue_wan: float | None = None
    rd_wan: float | None = None
    excluded: str | None = None  # a NotGraded code the registry decides (closed, construction)


@dataclass(frozen=True)
class Evaluation:
    firm: int
    indicators: dict[str, float | None]
    output_as_value_added: bool
    score: float | None = None
    grade: str | None = None
    not_graded: str | None = None  # a NotGraded code when grade is None
    rank: int | None = None
    points: dict[str, float] = field(default_factory=dict)


def scheme_problem(weights, cutoffs) -> str | None:
    """Why weights and cut-offs do not make a scheme (None when they do)."""
    if not isinstance(weights, dict) or not weights:
        return "weights: give points for at least one indicator"
    unknown = set(weights) - set(INDICATORS)
    if unknown:
        return f"weights: unknown indicator(s) {', '.join(sorted(unknown))}"
    if any(not isinstance(v, int | float) or v < 0 for v in weights.values()):
        return "weights: points must be numbers ≥ 0"
    if not isinstance(cutoffs, dict) or set(cutoffs) != {"A", "B", "C"}:
        return "cutoffs: give the cumulative shares of A, B and C"
    shares = [cutoffs[g] for g in ("A", "B", "C")]
    if any(not isinstance(v, int | float) for v in shares) or not (
        0 <= shares[0] <= shares[1] <= shares[2] <= 1
    ):
        return "cutoffs: 0 ≤ A ≤ B ≤ C ≤ 1"
    return None


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom <= 0:
        return None
    return top / bottom


def value_added_rate(firms: Iterable[FirmYear]) -> float:
    """Σ value added / Σ output over the firms reporting both (1.0 when none does)."""
    va = out = 0.0
    for f in firms:
        if f.value_added_wan is not None and f.output_wan:
            va += f.value_added_wan
            out += f.output_wan
    return va / out if out > 0 else 1.0


def indicators(f: FirmYear, rate: float = 1.0) -> tuple[dict[str, float | None], bool]:
    """The firm's indicators, and whether value added was estimated from output (at `rate`)."""
    stand_in = f.value_added_wan is None and f.output_wan is not None
    va = f.value_added_wan if f.value_added_wan is not None else f.output_wan
    if stand_in:
        va *= rate
    return (
        {
            "tax_per_mu": _ratio(f.tax_wan, f.land_mu),
            "value_added_per_mu": _ratio(va, f.land_mu),
            "value_added_per_tce": _ratio(va, f.energy_tce),
            "labour_productivity": _ratio(va, f.employees_avg),
            "rd_share": _ratio(f.rd_wan, f.revenue_wan),
        },
        stand_in,
    )


def grade_of(rank: int, graded: int, cutoffs: dict) -> str:
    """The grade of the `rank`-th best (1-based) of `graded` firms."""
    share = rank / graded
    for g in ("A", "B", "C"):
        if share <= cutoffs[g] + 1e-12:
            return g
    return "D"


def _grades(graded: int, cutoffs: dict) -> list[str]:
    """`grade_of` of every rank 1..graded, in one pass (the share only grows with the rank)."""
    bounds = [cutoffs[g] + 1e-12 for g in ("A", "B", "C")]
    out, g = [], 0
    for rank in range(1, graded + 1):
        share = rank / graded
        while g < len(bounds) and share > bounds[g]:
            g += 1
        out.append(GRADES[g])
    return out


def evaluate(firms: Iterable[FirmYear], weights: dict, cutoffs: dict) -> list[Evaluation]:
    """Grade one population (a zone's firms) for one year: every firm's evaluation, by firm id.

    Called for every zone of a province (100,000 firms): the objects are built positionally
    and the grades found in one pass (docs/benchmarks.md, per-mu grading)."""
    firms = list(firms)
    rate = value_added_rate(firms)
    rows, out = [], []
    for f in firms:
        values, stand_in = indicators(f, rate)
        if f.excluded:
            out.append(Evaluation(f.firm, values, stand_in, None, None, f.excluded))
        elif f.land_mu is None or f.land_mu <= 0:
            out.append(Evaluation(f.firm, values, stand_in, None, None, NotGraded.NO_LAND))
        elif f.months == 0:
            out.append(Evaluation(f.firm, values, stand_in, None, None, NotGraded.NO_FIGURES))
        elif f.output_wan is not None and f.output_wan <= 0:
            out.append(Evaluation(f.firm, values, stand_in, None, None, NotGraded.NOT_PRODUCING))
        else:
            rows.append((f.firm, values, stand_in))
    benchmarks = {}
    for name in weights:
        present = [v[name] for _f, v, _s in rows if v[name] is not None]
        mean = sum(present) / len(present) if present else 0.0
        if mean > 0:
            benchmarks[name] = mean
    weighted = [(name, weights[name], bench) for name, bench in benchmarks.items()]
    scored = []
    for firm, values, stand_in in rows:
        points = {name: w * (values[name] or 0.0) / bench for name, w, bench in weighted}
        scored.append((sum(points.values()), firm, values, stand_in, points))
    scored.sort(key=lambda r: (-r[0], r[1]))
    grades = _grades(len(scored), cutoffs)
    for rank, (score, firm, values, stand_in, points) in enumerate(scored, start=1):
        # Positional, in Evaluation's field order (score, grade, not_graded, rank, points).
        out.append(Evaluation(firm, values, stand_in, score, grades[rank - 1], None, rank, points))
    out.sort(key=lambda e: e.firm)
    return out


def distribution(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """Firms per grade, "not_producing" for the firms halted all year (未参评) and "none" for
    the other firms not graded (no land, no figures, closed, under construction)."""
    counts = dict.fromkeys((*GRADES, "not_producing", "none"), 0)
    for e in evaluations:
        if e.grade:
            counts[e.grade] += 1
        else:
            counts["not_producing" if e.not_graded == NotGraded.NOT_PRODUCING else "none"] += 1
    return counts


def moved(
    this_year: Iterable[Evaluation], last_year: Iterable[Evaluation]
) -> list[tuple[int, str, str]]:
    """(firm, last year's grade, this year's) for the firms graded both years in another class."""
    before = {e.firm: e.grade for e in last_year if e.grade}
    return [
        (e.firm, before[e.firm], e.grade)
        for e in this_year
        if e.grade and e.firm in before and before[e.firm] != e.grade
    ]

"""The month's production indicators for a set of firms. Pure Python: no Django, no database.

Definitions (the ones a zone's work summary uses):
- A firm is *producing* in a month when its output is positive and it was not halted all month.
- Comparisons are like-for-like (同口径): the firms that reported this month, each against its
  own figure for the same month last year (同比) or the previous month (环比).
- A producing firm with no output in the same month last year is *new*: it is classed
  'above' and flagged, and never given an (infinite) growth rate of its own.
- A producing firm's *capacity class* compares its output with the same month last year:
  'level' within ±band (default 5 %, inclusive), otherwise 'above' or 'below'.
- The aggregate YoY change of a figure is (ΣA − ΣB) / ΣB over the reporting firms; it splits
  exactly into the part brought by the new firms and the part from the others, each as a
  fraction of the same ΣB (shown as percentage points).

Every rate is an exact Decimal fraction (0.1278 = 12.78 %); rounding is for display only
(`percent`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

MEASURES = (
    "output_value_wan",
    "revenue_wan",
    "electricity_kwh",
    "water_t",
    "employees",
    "export_value_wan",
    "orders_wan",
)
DEFAULT_BAND = Decimal("0.05")
ZERO = Decimal(0)


@dataclass(frozen=True)
class FirmMonth:
    """One firm's reported figures for one month (None: not reported)."""

    firm_id: int
    days_in_month: int = 30
    days_halted: int = 0
    output_value_wan: Decimal | None = None
    revenue_wan: Decimal | None = None
    electricity_kwh: Decimal | None = None
    water_t: Decimal | None = None
    employees: int | None = None
    export_value_wan: Decimal | None = None
    orders_wan: Decimal | None = None

    @property
    def producing(self) -> bool:
        return (
            self.output_value_wan is not None
            and self.output_value_wan > 0
            and self.days_halted < self.days_in_month
        )

    def value(self, measure: str) -> Decimal | None:
        v = getattr(self, measure)
        return None if v is None else Decimal(v)


class CapacityClass(StrEnum):
    ABOVE = "above"
    LEVEL = "level"
    BELOW = "below"


def change(current: Decimal | None, base: Decimal | None) -> Decimal | None:
    """(current − base) / base, or None when either is missing or the base is not positive."""
    if current is None or base is None or base <= 0:
        return None
    return (Decimal(current) - Decimal(base)) / Decimal(base)


UNUSUAL_CHANGE = Decimal("0.5")


def unusual(
    current: Decimal | None, *bases: Decimal | None, limit: Decimal = UNUSUAL_CHANGE
) -> bool:
    """Whether output moved by more than `limit` (±50 %) against any known base (the previous
    month, the same month last year): worth a second look before it is confirmed."""
    return any((r := change(current, b)) is not None and abs(r) > limit for b in bases)


def percent(rate: Decimal | None, places: int = 2) -> Decimal | None:
    """A rate as a percentage rounded half-up for display: 0.127849 -> Decimal('12.78')."""
    if rate is None:
        return None
    return (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FirmClass:
    firm_id: int
    capacity_class: CapacityClass
    new: bool
    output_change: Decimal | None  # None for new firms


def classify(current: FirmMonth, base: FirmMonth | None, band: Decimal = DEFAULT_BAND) -> FirmClass:
    """The capacity class of a producing firm against the same month last year."""
    base_output = base.value("output_value_wan") if base is not None else None
    rate = change(current.value("output_value_wan"), base_output)
    if rate is None:
        return FirmClass(current.firm_id, CapacityClass.ABOVE, True, None)
    if abs(rate) <= band:
        cls = CapacityClass.LEVEL
    elif rate > 0:
        cls = CapacityClass.ABOVE
    else:
        cls = CapacityClass.BELOW
    return FirmClass(current.firm_id, cls, False, rate)


@dataclass(frozen=True)
class Aggregate:
    """One figure summed over the reporting firms, with its changes."""

    measure: str
    current: Decimal  # Σ this month over the firms that reported the figure
    firms: int  # how many firms reported it
    last_year: Decimal  # Σ the same firms' figure a year earlier (missing counts as 0)
    previous: Decimal | None  # Σ the same firms' figure a month earlier; None without that month
    yoy: Decimal | None
    mom: Decimal | None
    new_part: Decimal | None  # the share of `yoy` brought by new firms
    existing_part: Decimal | None  # the rest: new_part + existing_part == yoy exactly
    new_delta: Decimal = ZERO  # Σ (this month − a year earlier) over the new firms


def aggregate(
    measure: str,
    current: Decimal,
    firms: int,
    last_year: Decimal,
    previous: Decimal | None,
    new_delta: Decimal,
) -> Aggregate:
    """One figure's totals with the rates derived from them (sums add up across zones)."""
    yoy = change(current, last_year) if firms else None
    new_part = new_delta / last_year if yoy is not None else None
    return Aggregate(
        measure=measure,
        current=current,
        firms=firms,
        last_year=last_year,
        previous=previous,
        yoy=yoy,
        mom=change(current, previous) if firms else None,
        new_part=new_part,
        existing_part=_exact_difference(yoy, new_part) if yoy is not None else None,
        new_delta=new_delta,
    )


@dataclass(frozen=True)
class MonthSummary:
    reporting: int  # firms with figures this month
    producing: int
    classes: Mapping[CapacityClass, tuple[int, ...]]  # firm ids per class, producing firms only
    new_firms: tuple[int, ...]  # producing firms without output a year earlier
    firms: Mapping[int, FirmClass]  # producing firms
    aggregates: Mapping[str, Aggregate]
    halted: tuple[int, ...]  # reporting, not producing
    not_reported: tuple[int, ...]  # reported a year earlier, not this month
    band: Decimal = DEFAULT_BAND
    falls: tuple[FirmClass, ...] = field(default=())  # producing firms, largest fall first

    def count(self, cls: CapacityClass) -> int:
        return len(self.classes[cls])


def _exact_difference(a: Decimal, b: Decimal) -> Decimal:
    """a − b without rounding, so that b + (a − b) == a holds exactly in the default context."""
    with localcontext() as ctx:
        ctx.prec = 80
        return a - b


def _by_firm(rows: Iterable[FirmMonth]) -> dict[int, FirmMonth]:
    out: dict[int, FirmMonth] = {}
    for row in rows:
        if row.firm_id in out:
            raise ValueError(f"firm {row.firm_id} appears twice in one month")
        out[row.firm_id] = row
    return out


def summarise(
    current: Iterable[FirmMonth],
    last_year: Iterable[FirmMonth] = (),
    previous: Iterable[FirmMonth] | None = None,
    *,
    band: Decimal = DEFAULT_BAND,
) -> MonthSummary:
    """The month's indicators. `previous` is the month before (None: unknown, no 环比)."""
    now = _by_firm(current)
    base = _by_firm(last_year)
    prev = _by_firm(previous) if previous is not None else None

    firms: dict[int, FirmClass] = {}
    for firm_id, row in now.items():
        if row.producing:
            firms[firm_id] = classify(row, base.get(firm_id), band)
    new = {f for f, c in firms.items() if c.new}

    aggregates = {}
    for measure in MEASURES:
        cur_total = last_total = ZERO
        new_delta = ZERO
        prev_total: Decimal | None = ZERO if prev is not None else None
        reported = 0
        for firm_id, row in now.items():
            value = getattr(row, measure)  # Decimal or int: the sums below are exact Decimals
            if value is None:
                continue
            reported += 1
            b = base.get(firm_id)
            b_value = (getattr(b, measure) if b is not None else None) or ZERO
            cur_total += value
            last_total += b_value
            if firm_id in new:
                new_delta += value - b_value
            if prev is not None:
                p = prev.get(firm_id)
                prev_total += (getattr(p, measure) if p is not None else None) or ZERO
        aggregates[measure] = aggregate(
            measure, cur_total, reported, last_total, prev_total, new_delta
        )
    return _summary(
        reporting=len(now),
        firms=firms,
        aggregates=aggregates,
        halted=(f for f, r in now.items() if not r.producing),
        not_reported=set(base) - set(now),
        band=band,
    )


def _summary(*, reporting, firms, aggregates, halted, not_reported, band) -> MonthSummary:
    """A MonthSummary from its firms' classes: the per-class tuples and falls are derived."""
    new = tuple(sorted(f for f, c in firms.items() if c.new))
    classes = {
        cls: tuple(sorted(f for f, c in firms.items() if c.capacity_class == cls and not c.new))
        for cls in CapacityClass
    }
    classes[CapacityClass.ABOVE] = tuple(sorted(classes[CapacityClass.ABOVE] + new))
    falls = tuple(
        sorted(
            (c for c in firms.values() if c.output_change is not None and c.output_change < 0),
            key=lambda c: (c.output_change, c.firm_id),
        )
    )
    return MonthSummary(
        reporting=reporting,
        producing=len(firms),
        classes=classes,
        new_firms=new,
        firms=firms,
        aggregates=aggregates,
        halted=tuple(sorted(halted)),
        not_reported=tuple(sorted(not_reported)),
        band=band,
        falls=falls,
    )


def merge(parts: Iterable[MonthSummary], *, band: Decimal = DEFAULT_BAND) -> MonthSummary:
    """The summary of several disjoint sets of firms (zones) as if summarised together: counts
    and sums add up, rates are derived again from the sums (so they are exact, not averaged)."""
    parts = list(parts)
    if any(p.band != band for p in parts):
        raise ValueError("summaries of different capacity bands cannot be merged")
    firms: dict[int, FirmClass] = {}
    for p in parts:
        firms.update(p.firms)
    aggregates = {}
    for measure in MEASURES:
        ms = [p.aggregates[measure] for p in parts]
        previous = [a.previous for a in ms]
        aggregates[measure] = aggregate(
            measure,
            sum((a.current for a in ms), ZERO),
            sum(a.firms for a in ms),
            sum((a.last_year for a in ms), ZERO),
            None if any(v is None for v in previous) else sum(previous, ZERO),
            sum((a.new_delta for a in ms), ZERO),
        )
    return _summary(
        reporting=sum(p.reporting for p in parts),
        firms=firms,
        aggregates=aggregates,
        halted=[f for p in parts for f in p.halted],
        not_reported=[f for p in parts for f in p.not_reported],
        band=band,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def summary_to_json(s: MonthSummary) -> dict:
    """A summary as JSON-ready data (exact decimals as strings), read back by summary_from_json."""
    return {
        "reporting": s.reporting,
        "band": str(s.band),
        "firms": [
            [c.firm_id, c.capacity_class.value, c.new, _text(c.output_change)]
            for c in s.firms.values()
        ],
        "halted": list(s.halted),
        "not_reported": list(s.not_reported),
        "aggregates": {
            m: [str(a.current), a.firms, str(a.last_year), _text(a.previous), str(a.new_delta)]
            for m, a in s.aggregates.items()
        },
    }


def summary_from_json(data: dict) -> MonthSummary:
    classes = {c.value: c for c in CapacityClass}  # a dict look-up: Enum(value) is slow
    firms = {
        f: FirmClass(f, classes[cls], new, None if rate is None else Decimal(rate))
        for f, cls, new, rate in data["firms"]
    }
    aggregates = {
        m: aggregate(m, Decimal(cur), n, Decimal(last), _number(prev), Decimal(delta))
        for m, (cur, n, last, prev, delta) in data["aggregates"].items()
    }
    return _summary(
        reporting=data["reporting"],
        firms=firms,
        aggregates=aggregates,
        halted=data["halted"],
        not_reported=data["not_reported"],
        band=Decimal(data["band"]),
    )


@dataclass(frozen=True)
class YearToDate:
    """累计: the sums of months 1..t this year and last year, for one figure."""

    measure: str
    months: int
    current: Decimal
    last_year: Decimal
    yoy: Decimal | None


def year_to_date(
    measure: str, current: Iterable[Decimal | None], last_year: Iterable[Decimal | None]
) -> YearToDate:
    """Monthly totals for January..t of both years (missing months count as 0)."""
    cur = [Decimal(v or 0) for v in current]
    base = [Decimal(v or 0) for v in last_year][: len(cur)]
    cur_total, base_total = sum(cur, ZERO), sum(base, ZERO)
    return YearToDate(measure, len(cur), cur_total, base_total, change(cur_total, base_total))

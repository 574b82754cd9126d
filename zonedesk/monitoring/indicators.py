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

import heapq
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from functools import cached_property

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
    return FirmClass(current.firm_id, _class_of(rate, band), False, rate)


def _class_of(rate: Decimal, band: Decimal) -> CapacityClass:
    if abs(rate) <= band:
        return CapacityClass.LEVEL
    return CapacityClass.ABOVE if rate > 0 else CapacityClass.BELOW


@dataclass(frozen=True)
class Aggregate:
    """One figure summed over the reporting firms, with its changes (derived from the sums when
    first read: a province adds 200 zones' sums up and reads only its own rates)."""

    measure: str
    current: Decimal  # Σ this month over the firms that reported the figure
    firms: int  # how many firms reported it
    last_year: Decimal  # Σ the same firms' figure a year earlier (missing counts as 0)
    previous: Decimal | None  # Σ the same firms' figure a month earlier; None without that month
    new_delta: Decimal = ZERO  # Σ (this month − a year earlier) over the new firms

    @cached_property
    def yoy(self) -> Decimal | None:
        return change(self.current, self.last_year) if self.firms else None

    @cached_property
    def mom(self) -> Decimal | None:
        return change(self.current, self.previous) if self.firms else None

    @cached_property
    def new_part(self) -> Decimal | None:
        """The share of `yoy` brought by new firms (percentage points as a fraction)."""
        return self.new_delta / self.last_year if self.yoy is not None else None

    @cached_property
    def existing_part(self) -> Decimal | None:
        """The rest of `yoy`: new_part + existing_part == yoy exactly."""
        return _exact_difference(self.yoy, self.new_part) if self.yoy is not None else None


def aggregate(
    measure: str,
    current: Decimal,
    firms: int,
    last_year: Decimal,
    previous: Decimal | None,
    new_delta: Decimal,
) -> Aggregate:
    """One figure's totals (sums add up across zones); its rates are derived when read."""
    return Aggregate(measure, current, firms, last_year, previous, new_delta)


def _encode(changes: Iterable[tuple[int, Decimal]]) -> str:
    """Firms' output changes as text, "id:rate;…" ordered by (rate, id): the falls come first."""
    return ";".join(f"{f}:{r}" for f, r in sorted(changes, key=lambda fr: (fr[1], fr[0])))


def _decode(text: str, limit: int | None = None) -> list[tuple[Decimal, int]]:
    """(rate, id) of the first `limit` firms of an `_encode`d text (all with None)."""
    if not text:
        return []
    items = text.split(";") if limit is None else text.split(";", limit)[:limit]
    return [(Decimal(r), int(f)) for f, _, r in (item.partition(":") for item in items)]


@dataclass(frozen=True, eq=False)
class MonthSummary:
    """The month's counts and sums, and which firm is in which class.

    The per-firm part (each producing firm's output change) is kept as text in `changes` (one
    text per summarised set of firms: a merge of 200 zones keeps their 200 texts) and read only
    when asked for: a province's month is counted and summed from its zones without building a
    hundred thousand firm objects; naming the ten largest falls reads ten firms of each zone.
    """

    reporting: int  # firms with figures this month
    producing: int
    counts: Mapping[CapacityClass, int]  # producing firms per class (new firms are 'above')
    new_firms: tuple[int, ...]  # producing firms without output a year earlier
    aggregates: Mapping[str, Aggregate]
    halted: tuple[int, ...]  # reporting, not producing
    not_reported: tuple[int, ...]  # reported a year earlier, not this month
    band: Decimal = DEFAULT_BAND
    # `_encode`d output changes of the producing firms that are not new, one text per part.
    changes: tuple[str, ...] = ()

    def count(self, cls: CapacityClass) -> int:
        return self.counts[cls]

    @cached_property
    def firms(self) -> dict[int, FirmClass]:
        """Every producing firm's class and output change (None for new firms)."""
        out = {f: FirmClass(f, CapacityClass.ABOVE, True, None) for f in self.new_firms}
        for text in self.changes:
            for rate, f in _decode(text):
                out[f] = FirmClass(f, _class_of(rate, self.band), False, rate)
        return out

    @cached_property
    def classes(self) -> dict[CapacityClass, tuple[int, ...]]:
        """Firm ids per class, producing firms only (new firms are 'above')."""
        ids: dict[CapacityClass, list[int]] = {cls: [] for cls in CapacityClass}
        for c in self.firms.values():
            ids[c.capacity_class].append(c.firm_id)
        return {cls: tuple(sorted(found)) for cls, found in ids.items()}

    @cached_property
    def falls(self) -> tuple[FirmClass, ...]:
        """The producing firms whose output fell, largest fall first."""
        return self.top_falls(None)

    def top_falls(self, n: int | None) -> tuple[FirmClass, ...]:
        """The first n of `falls` (all with None), reading only n firms of each part."""
        heads = [[(r, f) for r, f in _decode(text, n) if r < 0] for text in self.changes]
        return tuple(
            FirmClass(f, _class_of(r, self.band), False, r)
            for r, f in itertools.islice(heapq.merge(*heads), n)
        )

    def _key(self) -> tuple:
        return (
            self.reporting,
            self.producing,
            dict(self.counts),
            self.new_firms,
            dict(self.aggregates),
            self.halted,
            self.not_reported,
            self.band,
            self.firms,
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, MonthSummary):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # mutable-looking equality: not a dict key


_EXACT = Context(prec=80)


def _exact_difference(a: Decimal, b: Decimal) -> Decimal:
    """a − b without rounding, so that b + (a − b) == a holds exactly in the default context."""
    return _EXACT.subtract(a, b)


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
    """A MonthSummary from its producing firms' classes (`FirmClass` by id)."""
    counts = dict.fromkeys(CapacityClass, 0)
    for c in firms.values():
        counts[c.capacity_class] += 1
    return MonthSummary(
        reporting=reporting,
        producing=len(firms),
        counts=counts,
        new_firms=tuple(sorted(f for f, c in firms.items() if c.new)),
        aggregates=aggregates,
        halted=tuple(sorted(halted)),
        not_reported=tuple(sorted(not_reported)),
        band=band,
        changes=(_encode((f, c.output_change) for f, c in firms.items() if not c.new),),
    )


def merge(parts: Iterable[MonthSummary], *, band: Decimal = DEFAULT_BAND) -> MonthSummary:
    """The summary of several disjoint sets of firms (zones) as if summarised together: counts
    and sums add up, rates are derived again from the sums (so they are exact, not averaged)."""
    parts = list(parts)
    if any(p.band != band for p in parts):
        raise ValueError("summaries of different capacity bands cannot be merged")
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
    return MonthSummary(
        reporting=sum(p.reporting for p in parts),
        producing=sum(p.producing for p in parts),
        counts={cls: sum(p.counts[cls] for p in parts) for cls in CapacityClass},
        new_firms=tuple(sorted(f for p in parts for f in p.new_firms)),
        aggregates=aggregates,
        halted=tuple(sorted(f for p in parts for f in p.halted)),
        not_reported=tuple(sorted(f for p in parts for f in p.not_reported)),
        band=band,
        changes=tuple(text for p in parts for text in p.changes if text),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# The layout of summary_to_json; a stored summary of another version is not read.
SUMMARY_VERSION = 2


def summary_to_json(s: MonthSummary) -> dict:
    """A summary as JSON-ready data (exact decimals as strings), read back by summary_from_json."""
    changes = (
        s.changes[0]
        if len(s.changes) == 1
        else _encode((f, c.output_change) for f, c in s.firms.items() if not c.new)
    )
    return {
        "v": SUMMARY_VERSION,
        "reporting": s.reporting,
        "band": str(s.band),
        "counts": {cls.value: n for cls, n in s.counts.items()},
        "new": list(s.new_firms),
        "changes": changes,
        "halted": list(s.halted),
        "not_reported": list(s.not_reported),
        "aggregates": {
            m: [str(a.current), a.firms, str(a.last_year), _text(a.previous), str(a.new_delta)]
            for m, a in s.aggregates.items()
        },
    }


def summary_from_json(data: dict) -> MonthSummary:
    """The summary summary_to_json wrote (of SUMMARY_VERSION): its firms are read when used."""
    if data.get("v") != SUMMARY_VERSION:
        raise ValueError(f"a stored summary of version {data.get('v')}, not {SUMMARY_VERSION}")
    counts = {cls: data["counts"][cls.value] for cls in CapacityClass}
    aggregates = {
        m: aggregate(m, Decimal(cur), n, Decimal(last), _number(prev), Decimal(delta))
        for m, (cur, n, last, prev, delta) in data["aggregates"].items()
    }
    return MonthSummary(
        reporting=data["reporting"],
        producing=sum(counts.values()),
        counts=counts,
        new_firms=tuple(data["new"]),
        aggregates=aggregates,
        halted=tuple(data["halted"]),
        not_reported=tuple(data["not_reported"]),
        band=Decimal(data["band"]),
        changes=(data["changes"],),
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

"""The month's production indicators for a set of firms. Pure Python: no Django, no database.

Definitions (the ones a zone's work summary uses; docs/statistics.md, "Production monitoring"):
- A firm is *producing* in a month when its output is positive and it was not halted all month.
- Comparisons are like-for-like (同口径): the firms that reported this month, each against its
  own figure for the same month last year (同比); 环比 (month on month) over the firms that gave
  the figure both this month and the previous month (a firm missing either month is out of both
  sides, the one rule for missing reports).
- A producing firm is *new* (新开工) when its production start date (投产日期) falls on or after
  `new_since` (the first day of the month `NEW_FIRM_MONTHS` − 1 months before this one: within the
  last 12 months by default). A firm without a start date falls back to "no output in the same
  month last year". A new firm is classed 'above' and flagged, never given a rate of its own.
- A producing firm that started before the window but had no output in the same month last year
  (halted, or not reporting then) is *resumed* (复产): classed 'above' like a new firm (output
  against nothing), flagged and counted apart, and its part of the growth is shown apart too.
- The *comparable basis* (可比口径) of a figure sums it over the same firms in both periods: the
  firms that reported it this month and in the same month last year, new firms left out.
- A producing firm's *capacity class* compares its output with the same month last year:
  'level' within ±band (default 5 %, inclusive), otherwise 'above' or 'below'.
- The aggregate YoY change of a figure is (ΣA − ΣB) / ΣB over the reporting firms; it splits
  exactly into the part brought by the new firms and the part from the others, each as a
  fraction of the same ΣB (shown as percentage points).

Every rate is an exact Decimal fraction (0.1278 = 12.78 %); rounding is for display only
(`percent`).
"""

import datetime as dt
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
    production_start: dt.date | None = None  # the firm's 投产日期 (None: unknown)

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
    output_change: Decimal | None  # None for new and resumed firms
    resumed: bool = False


def is_new(current: FirmMonth, base: FirmMonth | None, new_since: dt.date | None) -> bool:
    """Whether a producing firm is new: started production on or after `new_since`; a firm of
    unknown start (or with no `new_since` given) is new when it had no output a year earlier."""
    started = current.production_start
    if new_since is not None and started is not None:
        return started >= new_since
    base_output = base.value("output_value_wan") if base is not None else None
    return base_output is None or base_output <= 0


def classify(
    current: FirmMonth,
    base: FirmMonth | None,
    band: Decimal = DEFAULT_BAND,
    *,
    new_since: dt.date | None = None,
) -> FirmClass:
    """The capacity class of a producing firm against the same month last year."""
    if is_new(current, base, new_since):
        return FirmClass(current.firm_id, CapacityClass.ABOVE, True, None)
    base_output = base.value("output_value_wan") if base is not None else None
    rate = change(current.value("output_value_wan"), base_output)
    if rate is None:  # started before the window, nothing a year earlier: resumed
        return FirmClass(current.firm_id, CapacityClass.ABOVE, False, None, resumed=True)
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
    resumed_delta: Decimal = ZERO  # Σ (this month − a year earlier) over the resumed firms
    # The comparable basis (可比口径): Σ over the firms that gave the figure in both months, new
    # firms left out; how many they are.
    comparable_current: Decimal = ZERO
    comparable_last_year: Decimal = ZERO
    comparable_firms: int = 0
    # 环比: Σ this month over the firms that gave the figure this month and the month before
    # (`previous` is their Σ of the month before), and how many they are.
    mom_current: Decimal = ZERO
    mom_firms: int = 0

    @cached_property
    def yoy(self) -> Decimal | None:
        return change(self.current, self.last_year) if self.firms else None

    @cached_property
    def mom(self) -> Decimal | None:
        """(ΣA_t − ΣA_t−1) / ΣA_t−1 over the firms that gave the figure in both months."""
        if not self.mom_firms or self.previous is None:
            return None
        return change(self.mom_current, self.previous)

    @cached_property
    def new_part(self) -> Decimal | None:
        """The share of `yoy` brought by new firms (percentage points as a fraction)."""
        return self.new_delta / self.last_year if self.yoy is not None else None

    @cached_property
    def resumed_part(self) -> Decimal | None:
        """The share of `yoy` brought by resumed firms (percentage points as a fraction)."""
        return self.resumed_delta / self.last_year if self.yoy is not None else None

    @cached_property
    def existing_part(self) -> Decimal | None:
        """The rest of `yoy`: new_part + resumed_part + existing_part == yoy exactly."""
        if self.yoy is None:
            return None
        return _exact_difference(_exact_difference(self.yoy, self.new_part), self.resumed_part)

    @cached_property
    def comparable_yoy(self) -> Decimal | None:
        """(ΣA − ΣB) / ΣB over the comparable firms (可比口径), None without a positive base."""
        if not self.comparable_firms:
            return None
        return change(self.comparable_current, self.comparable_last_year)


def aggregate(
    measure: str,
    current: Decimal,
    firms: int,
    last_year: Decimal,
    previous: Decimal | None,
    new_delta: Decimal,
    resumed_delta: Decimal = ZERO,
    comparable_current: Decimal = ZERO,
    comparable_last_year: Decimal = ZERO,
    comparable_firms: int = 0,
    mom_current: Decimal = ZERO,
    mom_firms: int = 0,
) -> Aggregate:
    """One figure's totals (sums add up across zones); its rates are derived when read."""
    return Aggregate(
        measure,
        current,
        firms,
        last_year,
        previous,
        new_delta,
        resumed_delta,
        comparable_current,
        comparable_last_year,
        comparable_firms,
        mom_current,
        mom_firms,
    )


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
    counts: Mapping[CapacityClass, int]  # producing firms per class (new, resumed: 'above')
    new_firms: tuple[int, ...]  # producing firms started within the new-firm window
    aggregates: Mapping[str, Aggregate]
    halted: tuple[int, ...]  # reporting, not producing
    not_reported: tuple[int, ...]  # reported a year earlier, not this month
    band: Decimal = DEFAULT_BAND
    # `_encode`d output changes of the producing firms that are not new, one text per part.
    changes: tuple[str, ...] = ()
    resumed_firms: tuple[int, ...] = ()  # producing, started earlier, no output a year earlier
    new_months: int | None = None  # the new-firm window it was computed with (None: by output)

    def count(self, cls: CapacityClass) -> int:
        return self.counts[cls]

    @cached_property
    def firms(self) -> dict[int, FirmClass]:
        """Every producing firm's class and output change (None for new firms)."""
        out = {f: FirmClass(f, CapacityClass.ABOVE, True, None) for f in self.new_firms}
        for f in self.resumed_firms:
            out[f] = FirmClass(f, CapacityClass.ABOVE, False, None, resumed=True)
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
            self.resumed_firms,
            self.new_months,
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
    new_since: dt.date | None = None,
    new_months: int | None = None,
) -> MonthSummary:
    """The month's indicators. `previous` is the month before (None: unknown, no 环比);
    `new_since` the first day of the new-firm window (`new_months` long) ending this month."""
    now = _by_firm(current)
    base = _by_firm(last_year)
    prev = _by_firm(previous) if previous is not None else None

    firms: dict[int, FirmClass] = {}
    for firm_id, row in now.items():
        if row.producing:
            firms[firm_id] = classify(row, base.get(firm_id), band, new_since=new_since)
    new = {f for f, c in firms.items() if c.new}
    resumed = {f for f, c in firms.items() if c.resumed}

    aggregates = {}
    for measure in MEASURES:
        cur_total = last_total = new_delta = resumed_delta = cmp_cur = cmp_last = mom_cur = ZERO
        prev_total: Decimal | None = ZERO if prev is not None else None
        reported = comparable = mom_n = 0
        for firm_id, row in now.items():
            value = getattr(row, measure)  # Decimal or int: the sums below are exact Decimals
            if value is None:
                continue
            reported += 1
            b = base.get(firm_id)
            b_given = getattr(b, measure) if b is not None else None
            b_value = b_given or ZERO
            cur_total += value
            last_total += b_value
            if firm_id in new:
                new_delta += value - b_value
            elif b_given is not None:  # the same firm gave the figure in both months
                comparable += 1
                cmp_cur += value
                cmp_last += b_given
            if firm_id in resumed:
                resumed_delta += value - b_value
            if prev is not None:  # 环比: only a firm that gave the figure in both months
                p = prev.get(firm_id)
                p_given = getattr(p, measure) if p is not None else None
                if p_given is not None:
                    mom_n += 1
                    mom_cur += value
                    prev_total += p_given
        aggregates[measure] = aggregate(
            measure,
            cur_total,
            reported,
            last_total,
            prev_total,
            new_delta,
            resumed_delta,
            cmp_cur,
            cmp_last,
            comparable,
            mom_cur,
            mom_n,
        )
    return _summary(
        reporting=len(now),
        firms=firms,
        aggregates=aggregates,
        halted=(f for f, r in now.items() if not r.producing),
        not_reported=set(base) - set(now),
        band=band,
        new_months=new_months if new_since is not None else None,
    )


def _summary(
    *, reporting, firms, aggregates, halted, not_reported, band, new_months=None
) -> MonthSummary:
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
        changes=(
            _encode((f, c.output_change) for f, c in firms.items() if c.output_change is not None),
        ),
        resumed_firms=tuple(sorted(f for f, c in firms.items() if c.resumed)),
        new_months=new_months,
    )


def merge(parts: Iterable[MonthSummary], *, band: Decimal = DEFAULT_BAND) -> MonthSummary:
    """The summary of several disjoint sets of firms (zones) as if summarised together: counts
    and sums add up, rates are derived again from the sums (so they are exact, not averaged)."""
    parts = list(parts)
    if any(p.band != band for p in parts):
        raise ValueError("summaries of different capacity bands cannot be merged")
    windows = {p.new_months for p in parts if p.new_months is not None}
    if len(windows) > 1:
        raise ValueError("summaries of different new-firm windows cannot be merged")
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
            sum((a.resumed_delta for a in ms), ZERO),
            sum((a.comparable_current for a in ms), ZERO),
            sum((a.comparable_last_year for a in ms), ZERO),
            sum(a.comparable_firms for a in ms),
            sum((a.mom_current for a in ms), ZERO),
            sum(a.mom_firms for a in ms),
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
        resumed_firms=tuple(sorted(f for p in parts for f in p.resumed_firms)),
        new_months=windows.pop() if windows else None,
    )


from zonedesk.monitoring.indicators.stored import (  # noqa: E402
    SUMMARY_VERSION,
    summary_from_json,
    summary_to_json,
)
from zonedesk.monitoring.indicators.year import (  # noqa: E402
    HALTED_FIRMS_LISTED,
    HaltedDays,
    YearToDate,
    halted_days,
    matched_sums,
    merge_halted,
    year_to_date,
)

__all__ = [
    "DEFAULT_BAND",
    "HALTED_FIRMS_LISTED",
    "MEASURES",
    "SUMMARY_VERSION",
    "ZERO",
    "Aggregate",
    "CapacityClass",
    "FirmClass",
    "FirmMonth",
    "HaltedDays",
    "MonthSummary",
    "YearToDate",
    "aggregate",
    "change",
    "classify",
    "halted_days",
    "is_new",
    "matched_sums",
    "merge",
    "merge_halted",
    "percent",
    "summarise",
    "summary_from_json",
    "summary_to_json",
    "unusual",
    "year_to_date",
]

"""The year so far: average days halted and year-to-date sums. Pure Python."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zonedesk.monitoring.indicators import MEASURES, ZERO, FirmMonth, change

# A firm's days halted are listed by name for a scope of up to this many such firms.
HALTED_FIRMS_LISTED = 500


@dataclass(frozen=True)
class HaltedDays:
    """Average days halted (平均停工天数) of the year so far: over the firms producing in the
    month that were halted on at least one day from January to it (the firms that resumed after
    a halt), Σ of their days halted in those months ÷ their number. Firms halted all month (not
    producing) and firms never halted are outside it; a month a firm did not report adds
    nothing (its days are unknown). `by_firm` lists (firm id, days) when asked for (a zone)."""

    months: int  # January..t: how many months it covers
    firms: int
    days: int
    by_firm: tuple[tuple[int, int], ...] = ()

    @property
    def average(self) -> Decimal | None:
        """Σ days ÷ firms as an exact fraction (None without such firms); shown as whole days."""
        return Decimal(self.days) / Decimal(self.firms) if self.firms else None

    @property
    def average_days(self) -> int | None:
        """The average rounded half-up to whole days, as it is stated."""
        avg = self.average
        return None if avg is None else int(avg.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Stocks (时点指标): a month-end count, not a month's flow. Their year to date is the value at
# the end of its last month; adding months up would count the same people and orders again.
STOCKS = frozenset({"employees", "orders_wan"})


def halted_days(
    month: Iterable[FirmMonth], year_so_far: Iterable[FirmMonth], *, months: int
) -> HaltedDays:
    """HaltedDays of the firms of `month` (one month's rows) from `year_so_far` (their rows of
    January..that month, that month included): the firms producing in the month, each with Σ of
    its days halted in those months where it has any. `by_firm` is listed for up to
    HALTED_FIRMS_LISTED firms."""
    producing = {f.firm_id for f in month if f.producing}
    days: dict[int, int] = defaultdict(int)
    for f in year_so_far:
        if f.days_halted > 0 and f.firm_id in producing:
            days[f.firm_id] += f.days_halted
    listed = tuple(sorted(days.items())) if len(days) <= HALTED_FIRMS_LISTED else ()
    return HaltedDays(months, len(days), sum(days.values()), listed)


def merge_halted(parts: Iterable[HaltedDays], *, months: int) -> HaltedDays:
    """The HaltedDays of disjoint sets of firms (zones) as if computed together: a part lists its
    firms whenever it has no more than HALTED_FIRMS_LISTED, so the merge can list them too."""
    parts = list(parts)
    firms = sum(p.firms for p in parts)
    listed = ()
    if firms <= HALTED_FIRMS_LISTED:
        listed = tuple(sorted(pair for p in parts for pair in p.by_firm))
    return HaltedDays(months, firms, sum(p.days for p in parts), listed)


def matched_sums(
    current: Mapping[int, Sequence],
    last_year: Mapping[int, Sequence],
    new: Collection[int] = frozenset(),
) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    """Each figure's Σ over the firms that gave it this month and Σ of the same firms' figure a
    year earlier (0 where not given): what `summarise` gives as an Aggregate's `current` and
    `last_year`, without classifying the firms; then the comparable basis (可比口径), Σ over the
    firms that gave it in both months, the `new` firms (new this month) left out: the
    Aggregate's `comparable_current` and `comparable_last_year`. `current` and `last_year` map
    a firm's id to its figures in MEASURES order."""
    out = {}
    for i, measure in enumerate(MEASURES):
        cur = base = cmp_cur = cmp_base = ZERO
        for firm_id, values in current.items():
            value = values[i]
            if value is None:
                continue
            cur += value
            before = last_year.get(firm_id)
            given = before[i] if before is not None else None
            base += given or ZERO
            if given is not None and firm_id not in new:
                cmp_cur += value
                cmp_base += given
        out[measure] = (cur, base, cmp_cur, cmp_base)
    return out


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

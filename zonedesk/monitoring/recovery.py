"""追赶测算: the uniform YoY growth the rest of the year needs. Pure Python: no Django.

With last year's monthly totals B1..B12, this year's A1..At and an annual growth target r,
the year ends at (1 + r)·ΣB when every remaining month grows by

    g = ((1 + r)·ΣB − ΣA(1..t) − ΣB(t+1..12)) / ΣB(t+1..12)

over the same month of last year. r = 0 gives the growth needed just to catch up.

What-if: if H days in all are lost to halts over the remaining months (the way a zone states
it: "疫情期间平均停产时间按 45 天算"), the days that are worked must carry the whole remaining
output, so the growth needed on them is (1 + g)·D / W − 1, with D the calendar days of the
remaining months and W = D − H the days worked (H < D: some day must be worked).
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


def required_growth(
    last_year: Sequence[Decimal], actual: Sequence[Decimal], target: Decimal = ZERO
) -> Decimal | None:
    """g above, or None when no month remains or the remaining months had no output."""
    if len(last_year) != 12:
        raise ValueError("last year needs 12 monthly figures")
    t = len(actual)
    if t > 12:
        raise ValueError("at most 12 months of actual figures")
    base = [Decimal(v or 0) for v in last_year]
    remaining = sum(base[t:], ZERO)
    if t == 12 or remaining <= 0:
        return None
    done = sum((Decimal(v or 0) for v in actual), ZERO)
    return ((1 + Decimal(target)) * sum(base, ZERO) - done - remaining) / remaining


def remaining_days(year: int, through_month: int) -> int:
    """D: the calendar days of the months after `through_month` (184 after June)."""
    return sum(calendar.monthrange(year, m)[1] for m in range(through_month + 1, 13))


def with_halted_days(
    growth: Decimal | None, year: int, through_month: int, halted_days: int
) -> Decimal | None:
    """The growth needed on the days worked if `halted_days` days in all of the remaining months
    are lost to halts; None without a growth or when no day would be left to work."""
    if growth is None:
        return None
    days = remaining_days(year, through_month)
    worked = days - halted_days
    if worked <= 0:
        return None
    return (1 + growth) * days / worked - 1


@dataclass(frozen=True)
class Recovery:
    year: int
    through_month: int  # t: the last month with actual figures
    target: Decimal | None  # the annual growth target r (0.08); None when the zone has none
    last_year_total: Decimal  # ΣB(1..12)
    last_year_to_date: Decimal  # ΣB(1..t)
    actual_to_date: Decimal  # ΣA(1..t)
    remaining_base: Decimal  # ΣB(t+1..12)
    catch_up: Decimal | None  # g for r = 0
    to_target: Decimal | None  # g for r = target
    halted_days: int = 0  # the what-if's H: days lost over the rest of the year (0: no what-if)
    catch_up_if_halted: Decimal | None = None
    to_target_if_halted: Decimal | None = None

    @property
    def ytd_change(self) -> Decimal | None:
        if self.last_year_to_date <= 0:
            return None
        return (self.actual_to_date - self.last_year_to_date) / self.last_year_to_date


def recovery(
    *,
    year: int,
    last_year: Sequence[Decimal],
    actual: Sequence[Decimal],
    target: Decimal | None = None,
    halted_days: int = 0,
) -> Recovery:
    t = len(actual)
    base = [Decimal(v or 0) for v in last_year]
    catch_up = required_growth(base, actual)
    to_target = required_growth(base, actual, target) if target is not None else None
    return Recovery(
        year=year,
        through_month=t,
        target=target,
        last_year_total=sum(base, ZERO),
        last_year_to_date=sum(base[:t], ZERO),
        actual_to_date=sum((Decimal(v or 0) for v in actual), ZERO),
        remaining_base=sum(base[t:], ZERO),
        catch_up=catch_up,
        to_target=to_target,
        halted_days=halted_days,
        catch_up_if_halted=with_halted_days(catch_up, year, t, halted_days)
        if halted_days
        else None,
        to_target_if_halted=(
            with_halted_days(to_target, year, t, halted_days) if halted_days else None
        ),
    )


# --- the forecast: output expected from new production (the key projects) --------------------
#
# Monitoring sits below the apps that know what will start producing (projects), so it does not
# read them: they hand it plain `Addition`s through the settings hook
# ZONEDESK["RECOVERY_PIPELINES"] (selectors.pipeline), and the arithmetic is here.


@dataclass(frozen=True)
class Addition:
    """Output expected from a month on by firms not yet producing: the key projects' expected
    annual output at full production (`annual`, 万元) from their planned month of first
    production (`year`, `month`), spread evenly: annual / 12 a month. `count`: how many
    projects it sums (a pipeline hands them in by month)."""

    label: str
    year: int
    month: int
    annual: Decimal
    count: int = 1


def added_by_month(year: int, through_month: int, additions: Sequence[Addition]) -> list[Decimal]:
    """What the additions bring to each month of `year` (12 values): annual / 12 from the
    later of the addition's first month and the month after `through_month` (the months with
    actual figures already hold whatever was produced; a project late on its plan starts
    adding the coming month, not the past ones) to December; nothing from a later year."""
    out = [ZERO] * 12
    for a in additions:
        if a.year > year or a.annual <= 0:
            continue
        first = max(a.month if a.year == year else 1, through_month + 1)
        for m in range(first, 13):
            out[m - 1] += Decimal(a.annual) / 12
    return out


@dataclass(frozen=True)
class Forecast:
    """The year's output if the remaining months produce as in the same months last year and
    the additions start when planned: ΣA(1..t) + ΣB(t+1..12) + the additions' part of the
    remaining months; against the annual target (1 + r)·ΣB."""

    year: int
    through_month: int
    actual_to_date: Decimal  # ΣA(1..t)
    remaining_base: Decimal  # ΣB(t+1..12)
    added: Decimal  # the additions' output over months t+1..12
    added_items: int  # additions that add something this year
    total: Decimal  # the year's forecast output
    last_year_total: Decimal  # ΣB(1..12)
    target_total: Decimal | None  # (1 + r)·ΣB; None without a target

    @property
    def growth(self) -> Decimal | None:
        """The forecast year on last year: total / ΣB − 1."""
        if self.last_year_total <= 0:
            return None
        return self.total / self.last_year_total - 1

    @property
    def share_of_target(self) -> Decimal | None:
        """How much of the annual target the forecast reaches (1 = the target exactly)."""
        if self.target_total is None or self.target_total <= 0:
            return None
        return self.total / self.target_total

    @property
    def share_without(self) -> Decimal | None:
        """The same share without the additions (what the projects bring is the difference)."""
        if self.target_total is None or self.target_total <= 0:
            return None
        return (self.total - self.added) / self.target_total


def forecast(rec: Recovery, additions: Sequence[Addition]) -> Forecast | None:
    """The forecast of `rec`'s year with `additions`; None when no month of the year remains."""
    if rec.through_month >= 12:
        return None
    by_month = added_by_month(rec.year, rec.through_month, additions)
    added = sum(by_month, ZERO)
    # While a month remains, every addition of this year or before adds to it.
    counted = sum(a.count for a in additions if a.year <= rec.year and a.annual > 0)
    total = rec.actual_to_date + rec.remaining_base + added
    return Forecast(
        year=rec.year,
        through_month=rec.through_month,
        actual_to_date=rec.actual_to_date,
        remaining_base=rec.remaining_base,
        added=added,
        added_items=counted,
        total=total,
        last_year_total=rec.last_year_total,
        target_total=(1 + rec.target) * rec.last_year_total if rec.target is not None else None,
    )

"""Key projects' investment in figures: plain data, no Django (selectors read the monthly rows,
this module adds them up; docs/statistics.md defines each figure).

A project's row of a month holds its planned and its completed investment (万元). For a year Y
counted through month M (the first day of a month of Y):
- the **year's plan** is the sum of the planned investment of Y's twelve months (a plan entered
  for a month after M counts: it is the year's plan);
- **planned to date** and **completed to date** add the months January to M;
- the **completion rate** is completed to date / the year's plan (None when the plan is 0).
Zone totals are the same sums over the projects, and per level and per kind.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the month's first day
    planned: Decimal
    done: Decimal


@dataclass(frozen=True)
class YearFigures:
    year: int
    through: dt.date  # the last month counted (its first day)
    planned_year: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    done_to_date: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return completion_rate(self.done_to_date, self.planned_year)

    def __add__(self, other: "YearFigures") -> "YearFigures":
        return YearFigures(
            self.year,
            self.through,
            self.planned_year + other.planned_year,
            self.planned_to_date + other.planned_to_date,
            self.done_to_date + other.done_to_date,
        )


def completion_rate(done: Decimal, planned: Decimal) -> Decimal | None:
    """Completed / planned as a fraction (0.5 is half), None when nothing was planned."""
    if planned <= 0:
        return None
    return Decimal(done) / Decimal(planned)


def year_figures(rows: Iterable[MonthRow], *, through: dt.date) -> YearFigures:
    """One project's (or any set of rows') figures of `through`'s year, counted through it."""
    year, last = through.year, through.replace(day=1)
    planned_year = planned = done = ZERO
    for r in rows:
        if r.month.year != year:
            continue
        planned_year += r.planned
        if r.month <= last:
            planned += r.planned
            done += r.done
    return YearFigures(year, last, planned_year, planned, done)


def done_between(rows: Iterable[MonthRow], first: dt.date, last: dt.date) -> Decimal:
    """The investment completed in the months from `first` to `last` (both included)."""
    first, last = first.replace(day=1), last.replace(day=1)
    return sum((r.done for r in rows if first <= r.month <= last), ZERO)


@dataclass(frozen=True)
class ProjectRows:
    level: str
    kind: str
    rows: tuple[MonthRow, ...]


@dataclass(frozen=True)
class ZoneTotals:
    all: YearFigures
    by_level: dict[str, YearFigures] = field(default_factory=dict)
    by_kind: dict[str, YearFigures] = field(default_factory=dict)


def zone_totals(projects: Iterable[ProjectRows], *, through: dt.date) -> ZoneTotals:
    """The projects' figures added up: all of them, per level and per kind (a level or kind
    with no project is absent)."""
    empty = YearFigures(through.year, through.replace(day=1))
    total, by_level, by_kind = empty, {}, {}
    for p in projects:
        figures = year_figures(p.rows, through=through)
        total = total + figures
        by_level[p.level] = by_level.get(p.level, empty) + figures
        by_kind[p.kind] = by_kind.get(p.kind, empty) + figures
    return ZoneTotals(total, by_level, by_kind)

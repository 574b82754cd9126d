"""China's public holidays and make-up working days (调休上班), as the State Council's General
Office publishes them each year (国务院办公厅关于XXXX年部分节假日安排的通知). Pure Python, no Django.

The base is the `chinese-calendar` package (PyPI), which carries every notice since 2004 and
gets the next year's when its notice is out (usually in November): `OFFICIAL` below, the years
it covers in `OFFICIAL_YEARS`. The administrators' own days (casework.CalendarDay, the admin)
override it day by day and cover the years it does not have yet (workdays.py merges the two).
A year covered by neither is counted on ordinary weeks, and a due date that depends on it is
flagged (Problem.due_uncertain).

data/holidays_cn.csv is the file migration 0002 loaded before the package was the base (2020,
with the Spring Festival extended to 2 February by 国办发明电〔2020〕1号, and 2026; it agrees
with the package, see tests/casework/test_holidays.py); `read()` also loads an administrator's
file (`zonedesk casework holidays --load FILE`), e.g. a new year's notice before the package
has it.
"""

import csv
import datetime as dt
from pathlib import Path

import chinese_calendar

DATA = Path(__file__).parent / "data" / "holidays_cn.csv"
KINDS = ("holiday", "workday")
HOLIDAY, WORKDAY = KINDS

PACKAGE_VERSION = chinese_calendar.__version__
SOURCE = f"chinese-calendar {PACKAGE_VERSION}"


def _official() -> dict[dt.date, str]:
    days = dict.fromkeys(chinese_calendar.holidays, HOLIDAY)
    # No date is in both (checked in the tests); were one, the working day would win, as the
    # package's own is_workday() decides.
    days.update(dict.fromkeys(chinese_calendar.workdays, WORKDAY))
    return days


# date -> "holiday" | "workday": days that are not what their weekday says, per the notices.
OFFICIAL: dict[dt.date, str] = _official()
OFFICIAL_YEARS: frozenset[int] = frozenset(day.year for day in OFFICIAL)
_BY_YEAR: dict[int, dict[dt.date, str]] = {}
for _day, _kind in OFFICIAL.items():
    _BY_YEAR.setdefault(_day.year, {})[_day] = _kind


def official(year: int) -> dict[dt.date, str]:
    """The year's holidays and make-up working days per the package ({} for a year it lacks)."""
    return dict(_BY_YEAR.get(year, {}))


def read(path: Path = DATA) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) rows; a bad row raises ValueError naming its line."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                day = dt.date.fromisoformat(row["date"].strip())
                kind = row["kind"].strip()
                if kind not in KINDS:
                    raise ValueError(f"kind must be one of {KINDS}")
            except (KeyError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path.name}, line {line}: {exc}") from exc
            rows.append((day, kind, (row.get("name") or "").strip()))
    return rows

"""A month as a value: Period(2020, 6), written "2020-06", stored as the month's first day.

Pure Python (no Django), so indicator and recovery code can use it without a database.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12 or not 100 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, value: "str | dt.date | Period") -> "Period":
        """A month from "2020-06", "2020/6", "2020年6月", a date or a Period, between FIRST and
        LAST (what anyone may enter; comparisons reach two years back from it)."""
        if isinstance(value, Period):
            period = value
        elif isinstance(value, dt.date):
            period = cls(value.year, value.month)
        else:
            m = _PATTERN.match(str(value))
            if not m:
                raise ValueError(f"not a month: {value!r}")
            period = cls(int(m.group(1)), int(m.group(2)))
        if not FIRST <= period <= LAST:
            raise ValueError(f"not a month between {FIRST} and {LAST}: {value!r}")
        return period

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def shift(self, months: int) -> "Period":
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    @property
    def previous(self) -> "Period":
        return self.shift(-1)

    @property
    def last_year(self) -> "Period":
        """The same month a year earlier (the base of 同比)."""
        return Period(self.year - 1, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


FIRST = Period(2000, 1)  # the earliest month anyone may enter or ask for
LAST = Period(2099, 12)

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
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, value: "str | dt.date | Period") -> "Period":
        """ "2020-06", "2020/6", "2020年6月", a date or a Period; ValueError otherwise."""
        if isinstance(value, Period):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month)
        m = _PATTERN.match(str(value))
        if not m:
            raise ValueError(f"not a month: {value!r}")
        return cls(int(m.group(1)), int(m.group(2)))

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

"""The periods a report covers: a month (2020-06), a quarter (2020-Q2), a half year (2020-H1,
2020-H2) or a year (2020)."""

import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zonedesk.core.period import Period

_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_HALF = re.compile(r"(\d{4})-?[Hh]([12])")
_YEAR = re.compile(r"(\d{4})")


@dataclass(frozen=True)
class ReportPeriod:
    """A run of whole months a report covers, with its code and its kind."""

    kind: str  # "month", "quarter", "half" or "year"
    first: Period
    last: Period
    code: str  # as typed back into a form or a command: 2020-06, 2020-Q2, 2020-H1, 2020

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def label(self) -> str:
        """As written in a text, in the active language: 2020年6月, 2020年第2季度, 2020年上半年,
        2020年."""
        if self.kind == "month":
            return date_format(self.first.first_day, "YEAR_MONTH_FORMAT")
        if self.kind == "quarter":
            return _("%(year)d, quarter %(quarter)d") % {
                "year": self.year,
                "quarter": (self.first.month + 2) // 3,
            }
        if self.kind == "half":
            if self.first.month == 1:
                return _("the first half of %(year)d") % {"year": self.year}
            return _("the second half of %(year)d") % {"year": self.year}
        return _("the year %(year)d") % {"year": self.year}

    def __str__(self) -> str:
        return self.code


def parse(value: str) -> ReportPeriod:
    """The period written as 2020-06 (or any way Period.parse reads a month), 2020-Q2, 2020-H1
    or 2020; ValueError when it is none of them, or a month outside the months anyone may enter."""
    text = (value or "").strip()
    for pattern, kind, length in ((_QUARTER, "quarter", 3), (_HALF, "half", 6)):
        found = pattern.fullmatch(text)
        if found:
            year, n = int(found[1]), int(found[2])
            first = Period.parse(f"{year}-{length * (n - 1) + 1:02d}")
            letter = "Q" if kind == "quarter" else "H"
            return ReportPeriod(kind, first, first.shift(length - 1), f"{year}-{letter}{n}")
    if _YEAR.fullmatch(text):
        first = Period.parse(f"{text}-01")
        return ReportPeriod("year", first, first.shift(11), text)
    month = Period.parse(text)
    return ReportPeriod("month", month, month, str(month))


def months(value: str) -> tuple[Period, Period, str]:
    """A month's or a quarter's first and last month and its name; ValueError when it is
    neither (the difficulties report's periods)."""
    found = parse(value)
    if found.kind not in ("month", "quarter"):
        raise ValueError(f"not a month or a quarter: {value!r}")
    return found.first, found.last, found.label

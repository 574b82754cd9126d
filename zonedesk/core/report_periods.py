"""The periods a report covers: a month (2020-06) or a quarter (2020-Q2)."""

import re

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zonedesk.core.period import Period


def months(value: str) -> tuple[Period, Period, str]:
    """Its first and last month and its name; ValueError when it is neither."""
    quarter = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", value.strip())
    if quarter:
        year, q = int(quarter[1]), int(quarter[2])
        first = Period.parse(f"{year}-{3 * q - 2:02d}")
        label = _("%(year)d, quarter %(quarter)d") % {"year": year, "quarter": q}
        return first, first.shift(2), label
    month = Period.parse(value)
    return month, month, date_format(month.first_day, "YEAR_MONTH_FORMAT")

"""Chinese-first number formats: 万元 with separators, rates to 2 places, masked phones."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()
TWO = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def wan(value, places: int = 2):
    """12345.678 -> "12,345.68" (the unit 万元 is written by the template)."""
    d = _decimal(value)
    if d is None:
        return "—"
    q = Decimal(1).scaleb(-int(places))
    return number_format(d.quantize(q, rounding=ROUND_HALF_UP), int(places), force_grouping=True)


@register.filter
def pct(value):
    """A rate (0.1278) as a percentage rounded half-up to 2 places: "12.78%"."""
    d = _decimal(value)
    if d is None:
        return "—"
    return f"{(d * 100).quantize(TWO, rounding=ROUND_HALF_UP)}%"


@register.filter
def count(value):
    """An integer with thousands separators."""
    if value is None:
        return "—"
    return number_format(value, 0, force_grouping=True)


@register.filter
def points(value):
    """A difference of rates in percentage points: 0.0861 -> "8.61 个百分点" / "8.61 points"."""
    d = _decimal(value)
    if d is None:
        return "—"
    return gettext("%(value)s points") % {"value": (d * 100).quantize(TWO, rounding=ROUND_HALF_UP)}


@register.filter
def file_errors(errors):
    """An import's refusals of the whole file (core.xlsx.CellError without a row)."""
    return [e for e in errors or () if not e.row]


@register.filter
def cell_errors(errors):
    """An import's problems of cells and rows, numbered as the spreadsheet shows them."""
    return [e for e in errors or () if e.row]


@register.filter
def pull(value):
    """A part of a growth rate in points, as officials word it: 0.0792 -> "拉动增长 7.92 个百分点",
    -0.0035 -> "下拉 0.35 个百分点" (reports.sections.words.pull words the paragraph the same)."""
    d = _decimal(value)
    if d is None:
        return "—"
    shown = (d * 100).quantize(TWO, rounding=ROUND_HALF_UP)
    if shown < 0:
        return gettext("pulling it down by %(points)s points") % {"points": -shown}
    return gettext("adding %(points)s points") % {"points": shown}


@register.filter
def tenk(value):
    """A quantity in units of ten thousand (万): 1234500 kWh -> 123.45 (万千瓦时)."""
    d = _decimal(value)
    return None if d is None else d / 10000

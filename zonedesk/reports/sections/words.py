"""How the sections write numbers, changes, months and paragraphs in the active language."""

import re
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core.period import Period
from zonedesk.monitoring.indicators import percent
from zonedesk.reports.document import figure

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])|%%")


def fill(template: str, values: dict, **keys: str) -> str:
    """`template % values`, with the values named in `keys` marked as figures (placeholder ->
    figure key): the translated sentences keep their msgids, "%(count)d" included."""

    def one(m: re.Match) -> str:
        if m.group(0) == "%%":
            return "%"
        name, conversion = m.group(1), m.group(2)
        value = values[name]
        text = str(int(value)) if conversion == "d" else str(value)
        return figure(text, keys[name]) if name in keys else text

    return _PLACEHOLDER.sub(one, template)


def chinese() -> bool:
    """Whether the active language is Chinese (no spaces between sentences, no lower case)."""
    return (get_language() or "").startswith("zh")


def paragraph(sentences: list[str]) -> str:
    """The sentences as one paragraph (Chinese sentences are not separated by spaces)."""
    return ("" if chinese() else " ").join(sentences)


def rate(value: Decimal | None, key: str = "") -> str:
    """12.78%: the absolute value, rounded half-up to 2 places (marked as the figure `key`)."""
    shown = percent(abs(value)) if value is not None else None
    text = "—" if shown is None else f"{shown}%"
    return figure(text, key) if key and shown is not None else text


def change(value: Decimal | None, key: str = "") -> str:
    """'增加 12.78%' / '下降 3.10%' / '持平', as the summary words a change (the rate marked as
    the figure `key`)."""
    if value is None:
        return _("not comparable (no figures a year earlier)")
    shown = percent(value)
    if shown > 0:
        return _("up %(rate)s") % {"rate": rate(value, key)}
    if shown < 0:
        return _("down %(rate)s") % {"rate": rate(value, key)}
    return _("unchanged")


def pull(value: Decimal, key: str = "") -> str:
    """A part of a growth rate as officials word it: '拉动增长 7.92 个百分点' / '下拉 0.35 个百分点'
    (the points marked as the figure `key`): '占' would read as a share of the total, which a
    part larger than the total (7.92 points of 2.19%) cannot be."""
    shown = percent(value)
    text = str(abs(shown))
    points = figure(text, key) if key else text
    if shown < 0:
        return _("pulling it down by %(points)s points") % {"points": points}
    return _("adding %(points)s points") % {"points": points}


def month_label(period: Period) -> str:
    """'2020年6月' / 'June 2020'."""
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")


def target_rate(value: Decimal) -> str:
    """A target as set: 8% rather than 8.00%."""
    shown = (value * 100).normalize()
    return f"{shown:f}%"

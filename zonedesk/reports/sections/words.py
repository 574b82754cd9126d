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


def direction_key(key: str) -> str:
    """The figure key of the words that give a change its direction (增加 / 下降 / 持平)."""
    return f"{key}_direction"


def _directed(template: str, name: str, figure_text: str, key: str) -> str:
    """`template % {name: figure_text}` with the words before the figure (else after it), which
    say up or down, marked as the figure `direction_key(key)`: the rate is shown without its
    sign, so a draft whose growth became a decline of the same size would otherwise still
    match the data (reports.drafts.stale_figures compares marked figures)."""
    if not key:
        return template % {name: figure_text}
    before, _hole, after = (template % {name: "\0"}).partition("\0")
    side = before if before.strip() else after
    words = side.strip()
    if words:
        marked = side.replace(words, figure(words, direction_key(key)), 1)
        before, after = (marked, after) if side is before else (before, marked)
    return f"{before}{figure_text}{after}"


def change(value: Decimal | None, key: str = "") -> str:
    """'增加 12.78%' / '下降 3.10%' / '持平', as the summary words a change (the rate marked as
    the figure `key`, the words of its direction as `key`_direction)."""
    if value is None:
        return _("not comparable (no figures a year earlier)")
    shown = percent(value)
    if shown > 0:
        return _directed(_("up %(rate)s"), "rate", rate(value, key), key)
    if shown < 0:
        return _directed(_("down %(rate)s"), "rate", rate(value, key), key)
    return figure(_("unchanged"), direction_key(key)) if key else _("unchanged")


def pull(value: Decimal, key: str = "") -> str:
    """A part of a growth rate as officials word it: '拉动增长 7.92 个百分点' / '下拉 0.35 个百分点'
    (the points marked as the figure `key`, the words of their direction as `key`_direction):
    '占' would read as a share of the total, which a part larger than the total (7.92 points
    of 2.19%) cannot be."""
    shown = percent(value)
    text = str(abs(shown))
    points = figure(text, key) if key else text
    if shown < 0:
        return _directed(_("pulling it down by %(points)s points"), "points", points, key)
    return _directed(_("adding %(points)s points"), "points", points, key)


def month_label(period: Period) -> str:
    """'2020年6月' / 'June 2020'."""
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")


def target_rate(value: Decimal) -> str:
    """A target as set: 8% rather than 8.00%."""
    shown = (value * 100).normalize()
    return f"{shown:f}%"

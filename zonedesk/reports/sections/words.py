"""How the sections write numbers, changes, months and paragraphs in the active language."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core.period import Period
from zonedesk.monitoring.indicators import percent


def chinese() -> bool:
    """Whether the active language is Chinese (no spaces between sentences, no lower case)."""
    return (get_language() or "").startswith("zh")


def paragraph(sentences: list[str]) -> str:
    """The sentences as one paragraph (Chinese sentences are not separated by spaces)."""
    return ("" if chinese() else " ").join(sentences)


def rate(value: Decimal | None) -> str:
    """12.78%: the absolute value, rounded half-up to 2 places."""
    shown = percent(abs(value)) if value is not None else None
    return "—" if shown is None else f"{shown}%"


def change(value: Decimal | None) -> str:
    """'增加 12.78%' / '下降 3.10%' / '持平', as the summary words a change."""
    if value is None:
        return _("not comparable (no figures a year earlier)")
    shown = percent(value)
    if shown > 0:
        return _("up %(rate)s") % {"rate": rate(value)}
    if shown < 0:
        return _("down %(rate)s") % {"rate": rate(value)}
    return _("unchanged")


def month_label(period: Period) -> str:
    """'2020年6月' / 'June 2020'."""
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")


def target_rate(value: Decimal) -> str:
    """A target as set: 8% rather than 8.00%."""
    shown = (value * 100).normalize()
    return f"{shown:f}%"

"""The as-of date of a zone: the one date its policies are judged on.

A firm is decided on the facts of its latest reported month; a document is in force, or not
yet, or no longer, on a date. The two must be the same moment, or a new measure silently
matches nothing (issue 17: the preview counted firms on the zone's latest month while the
document's validity was checked against the calendar). So a zone has one as-of date:

    the last day of the zone's latest reported month (any of its firms' monthly figures),
    never later than today; today when the zone has no figures yet.

Everything in policies uses it: which measures are in force when firms are matched, the rule
editor's preview and the message after a save, whether a firm may still be told of a benefit,
the measures a firm does not qualify for, the 在施 / 未生效 / 已失效 badges of the pages and the
API. A document covering several zones (a city's) is judged on each zone's own date. See
docs/statistics.md, "Policy validity and the as-of date".
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.selectors import latest_period_of

IN_FORCE, NOT_YET, EXPIRED = "in_force", "not_yet", "expired"
STATUS_LABELS = {
    IN_FORCE: pgettext_lazy("policy validity", "In force"),  # 在施
    NOT_YET: pgettext_lazy("policy validity", "Not yet in force"),  # 未生效
    EXPIRED: pgettext_lazy("policy validity", "Expired"),  # 已失效
}


def validity(document, on: dt.date) -> str:
    """in_force, not_yet or expired: the document on a date (its first and last day included)."""
    if on < document.valid_from:
        return NOT_YET
    if document.valid_to is not None and on > document.valid_to:
        return EXPIRED
    return IN_FORCE


@dataclass(frozen=True)
class AsOf:
    """A zone's as-of date, and the month it comes from (None: no figures, so today)."""

    date: dt.date
    period: Period | None

    def status(self, document) -> str:
        return validity(document, self.date)

    def in_force(self, document) -> bool:
        return self.status(document) == IN_FORCE

    @property
    def from_figures(self) -> bool:
        return self.period is not None


def _last_day(period: Period) -> dt.date:
    return dt.date(period.year, period.month, period.days)


def zone_as_of(zone, *, today: dt.date | None = None) -> AsOf:
    """The zone's as-of date (a Zone or its id). Reference data, not scoped: every user who
    sees any of the zone judges its policies on the same date."""
    today = today or timezone.localdate()
    zone_id = getattr(zone, "pk", zone)
    if zone_id is None:
        return AsOf(today, None)
    period = latest_period_of(Enterprise.objects.filter(zone_id=zone_id))
    if period is None:
        return AsOf(today, None)
    return AsOf(min(_last_day(period), today), period)


def firm_as_of(enterprise) -> AsOf:
    """The as-of date of the firm's zone, kept on the instance: a page that checks many of a
    firm's benefits (their next steps) reads it once."""
    cached = getattr(enterprise, "_policies_as_of", None)
    if cached is None:
        cached = zone_as_of(enterprise.zone_id)
        enterprise._policies_as_of = cached
    return cached


def zone_dates(zone_ids, *, today: dt.date | None = None) -> dict[int, AsOf]:
    """The as-of date of each of these zones (one query per zone, on the figures' index)."""
    return {z: zone_as_of(z, today=today) for z in sorted(set(zone_ids))}


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Documents (through `prefix`, e.g. "measure__document__") in force on a date."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def by_date(zone_ids, *, today: dt.date | None = None) -> list[tuple[dt.date, list[int]]]:
    """The zones grouped by their as-of date, earliest first."""
    groups: dict[dt.date, list[int]] = {}
    for zone_id, as_of in zone_dates(zone_ids, today=today).items():
        groups.setdefault(as_of.date, []).append(zone_id)
    return sorted(groups.items())

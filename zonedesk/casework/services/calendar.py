"""The working-day calendar: public holidays and make-up working days (administrators)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.models import CalendarDay
from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.services import clean


@transaction.atomic
def calendar_day_set(*, actor: Actor, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Declare a public holiday or a make-up working day (administrators)."""
    if not access.can_edit_calendar(actor):
        raise PermissionDenied(_("Only an administrator can change the working-day calendar."))
    day = CalendarDay.objects.filter(date=date).first()
    created = day is None
    before = {} if created else audit.snapshot(day, ["kind", "name"])
    day = day or CalendarDay(date=date)
    day.kind, day.name = kind, name.strip()
    clean(day, exclude=["date"] if not created else ())
    day.save()
    changes = audit.diff(before, audit.snapshot(day, ["kind", "name"]))
    if changes:
        audit.record(
            actor=actor, action="create" if created else "update", instance=day, changes=changes
        )
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Actor, day: CalendarDay) -> None:
    if not access.can_edit_calendar(actor):
        raise PermissionDenied(_("Only an administrator can change the working-day calendar."))
    audit.record(
        actor=actor,
        action="delete",
        instance=day,
        changes={"kind": [day.kind, None], "name": [day.name, None]},
    )
    day.delete()


@transaction.atomic
def holidays_load(*, actor: Actor, rows: Iterable[tuple[dt.date, str, str]]) -> int:
    """Set the given (date, kind, name) days; returns how many were added or changed."""
    changed = 0
    for date, kind, name in rows:
        existing = CalendarDay.objects.filter(date=date, kind=kind, name=name).exists()
        if not existing:
            calendar_day_set(actor=actor, date=date, kind=kind, name=name)
            changed += 1
    return changed

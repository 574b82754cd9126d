"""一企一员、一企一策 counted for the work summary: how many firms have their liaison officer and
their own plan, the contacts of a period, the problems raised, resolved and overdue, the
actions of the firms' plans and the firms past their contact plan, over a zone or an area's
zones."""

import datetime as dt

from django.db.models import Count, Max, Q
from django.utils import timezone

from zonedesk.casework.liaison import LiaisonFacts
from zonedesk.casework.models import Contact, ContactPlan, PlanAction
from zonedesk.casework.selectors.contacts import late_firms
from zonedesk.casework.selectors.overview import _bounds
from zonedesk.casework.selectors.problems import (
    UNIT_READERS,
    _day_after,
    overdue_on,
    problem_scope,
)
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import is_active
from zonedesk.org.selectors import zone_list


def liaison(
    user, *, zones, first: Period, last: Period, today: dt.date | None = None
) -> LiaisonFacts | None:
    """The liaison work of the zones (each one the user's) from `first` to `last`; None when
    the user is not staff of the unit or a zone is not theirs. What is resolved, overdue or
    late is counted as it stood at the period's end (`today`, if that is earlier)."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*UNIT_READERS)):
        return None
    ids = sorted({z.pk for z in zones})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    today = today or timezone.localdate()
    start, _ = _bounds(first)
    _, end = _bounds(last)
    on = min(today, last.shift(1).first_day - dt.timedelta(days=1))
    firms = enterprise_scope(user).filter(zone__in=ids).exclude(status=Enterprise.Status.CLOSED)
    counted = firms.aggregate(
        firms=Count("id"),
        with_officer=Count("id", filter=Q(officer__isnull=False)),
        officers=Count("officer", distinct=True),
    )
    plans = ContactPlan.objects.filter(enterprise__in=firms).aggregate(
        n=Count("id"), at_risk=Count("id", filter=Q(at_risk=True)), newest=Max("updated_at")
    )
    contacts = Contact.objects.filter(
        enterprise__in=firms, date__gte=first.first_day, date__lte=on
    ).aggregate(
        n=Count("id"),
        visits=Count("id", filter=Q(kind__in=Contact.VISIT_KINDS)),
        firms=Count("enterprise", distinct=True),
    )
    problems = problem_scope(user).filter(enterprise__zone__in=ids)
    # Resolved and overdue as they stood at the period's end (today, if earlier), not now.
    raised = problems.filter(created_at__gte=start, created_at__lt=end).aggregate(
        n=Count("id"), resolved=Count("id", filter=Q(resolved_at__lt=_day_after(on)))
    )
    overdue = len(overdue_on(problems, on))
    actions = PlanAction.objects.filter(
        enterprise__in=firms, due_on__gte=first.first_day, due_on__lte=on
    ).aggregate(n=Count("id"), done=Count("id", filter=Q(status=PlanAction.Status.DONE)))
    late = late_firms(firms, today=on)
    newest = [
        plans["newest"],
        problems.aggregate(t=Max("updated_at"))["t"],
        Contact.objects.filter(enterprise__in=firms).aggregate(t=Max("created_at"))["t"],
        PlanAction.objects.filter(enterprise__in=firms).aggregate(t=Max("created_at"))["t"],
    ]
    return LiaisonFacts(
        firms=counted["firms"],
        with_officer=counted["with_officer"],
        officers=counted["officers"],
        with_plan=plans["n"],
        at_risk=plans["at_risk"],
        contacts=contacts["n"],
        visits=contacts["visits"],
        firms_contacted=contacts["firms"],
        raised=raised["n"],
        resolved=raised["resolved"],
        overdue=overdue,
        actions=actions["n"],
        actions_done=actions["done"],
        late=len(late),
        never_contacted=sum(1 for r in late if r.days_overdue is None),
        late_on=on,
        as_of=max((t for t in newest if t is not None), default=None),
    )

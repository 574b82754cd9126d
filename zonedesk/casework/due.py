"""What casework has due for a user, for the notification centre and the daily digest
(notices.registry discovers `DUE`): the officer's firms whose contact is overdue, and the
problem deadlines waiting on the user."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from zonedesk.casework import selectors
from zonedesk.notices.registry import DueItem, Kind, Provider
from zonedesk.org.models import Role

DUE = [
    Provider(kind=Kind.PROBLEM_DUE, items="zonedesk.casework.due.problem_deadlines", order=10),
    Provider(kind=Kind.CONTACT_DUE, items="zonedesk.casework.due.contacts", order=20),
]


def contacts(user, *, today: dt.date) -> list[DueItem]:
    """The firms assigned to the user whose visit or call is overdue by their plan."""
    if not user.has_role(Role.OFFICER):  # a leader's unit-wide list is the escalation page
        return []
    rows = [r for r in selectors.contacts_due(user, today=today) if r.officer_id == user.pk]
    out = []
    for r in rows:
        if r.never_contacted:
            detail = _("Never contacted")
        elif r.never_visited:
            detail = _("Never visited")
        else:
            detail = _("Contact %(n)d days overdue") % {"n": r.days_overdue}
        out.append(
            DueItem(
                kind=Kind.CONTACT_DUE,
                title=_("Contact %(firm)s") % {"firm": r.enterprise.name},
                detail=detail,
                link=reverse("casework:contact_new", args=[r.enterprise.pk]),
                overdue=True,
            )
        )
    return out


def problem_deadlines(user, *, today: dt.date) -> list[DueItem]:
    """The open problems due soon or overdue that wait on the user."""
    within = settings.ZONEDESK["NOTICE_DUE_WITHIN_DAYS"]
    return [
        DueItem(
            kind=Kind.PROBLEM_DUE,
            title=_("%(firm)s: %(title)s") % {"firm": p.enterprise.name, "title": p.title},
            detail=p.get_status_display(),
            link=reverse("casework:problem", args=[p.pk]),
            due_on=p.due_at,
            overdue=p.due_at < today,
        )
        for p in selectors.problems_due_for(user, today=today, within_days=within)
    ]

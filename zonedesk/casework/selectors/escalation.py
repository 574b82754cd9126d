"""The leaders' escalation page: what is late in their unit and who should act on it.

Three lists, each row with the person responsible (to remind) and whether a reminder about it
went out today: the overdue problems (also counted by department and by liaison officer), the
firms past their contact plan, and the benefits that have stayed in one step longer than
ZONEDESK["BENEFIT_STUCK_WORKDAYS"] working days (the working-day calendar of casework.workdays,
counted from the event that moved the benefit into its step)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.selectors.contacts import contacts_due
from zonedesk.casework.selectors.problems import overdue_for_leader
from zonedesk.casework.workdays import work_calendar
from zonedesk.notices import selectors as notices
from zonedesk.org.models import User
from zonedesk.policies import selectors as policies

PROBLEM, CONTACT, BENEFIT = "problem", "contact", "benefit"
KINDS = (PROBLEM, CONTACT, BENEFIT)


def about(kind: str, pk: int) -> str:
    """The key a reminder about an item is filed under (one per item and day)."""
    return {
        PROBLEM: f"casework.problem:{pk}",
        CONTACT: f"enterprises.enterprise:{pk}:contact",
        BENEFIT: f"policies.entitlement:{pk}",
    }[kind]


@dataclass(frozen=True)
class Late:
    """One late item: what, of which firm, how late, who should act, where to look."""

    kind: str
    pk: int
    title: str
    firm: str
    zone: str
    detail: str
    days: int | None
    responsible: object  # a User, or None when nobody is named
    link: str
    officer: str = ""  # the firm's liaison officer, by name
    reminded: bool = False

    @property
    def about(self) -> str:
        return about(self.kind, self.pk)


@dataclass(frozen=True)
class Count:
    name: str
    n: int
    most_days: int


@dataclass
class Escalation:
    today: dt.date
    stuck_after: int
    problems: list[Late] = field(default_factory=list)
    by_department: list[Count] = field(default_factory=list)
    by_officer: list[Count] = field(default_factory=list)
    contacts: list[Late] = field(default_factory=list)
    benefits: list[Late] = field(default_factory=list)


def _counts(rows: list[Late], key) -> list[Count]:
    groups: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row.days or 0)
    return sorted(
        (Count(name, len(days), max(days)) for name, days in groups.items()),
        key=lambda c: (-c.n, -c.most_days, c.name),
    )


def _problems(user, today: dt.date) -> list[Late]:
    out = []
    for p in overdue_for_leader(user, today).select_related("enterprise__zone"):
        out.append(
            Late(
                kind=PROBLEM,
                pk=p.pk,
                title=p.title,
                firm=p.enterprise.name,
                zone=p.enterprise.zone.name,
                detail=p.department.name if p.department_id else _("No department yet"),
                days=(today - p.due_at).days,
                responsible=p.assignee or p.enterprise.officer,
                link=reverse("casework:problem", args=[p.pk]),
                officer=str(p.enterprise.officer) if p.enterprise.officer_id else "",
            )
        )
    return out


def _contacts(user, today: dt.date) -> list[Late]:
    out = []
    for r in contacts_due(user, today=today):
        firm = r.enterprise
        if r.never_contacted:
            detail = _("Never contacted")
        elif r.never_visited:
            detail = _("Never visited")
        else:
            detail = _("Contact %(n)d days overdue") % {"n": r.days_overdue}
        out.append(
            Late(
                kind=CONTACT,
                pk=firm.pk,
                title=firm.name,
                firm=firm.name,
                zone=firm.zone.name,
                detail=detail,
                days=r.days_overdue,
                responsible=firm.officer,
                link=reverse("casework:plan", args=[firm.pk]),
            )
        )
    return out


def _benefits(user, today: dt.date, after: int) -> list[Late]:
    # A step longer than `after` working days is longer than `after` calendar days: the
    # database narrows by calendar days, the work calendar decides. Plain values, not models:
    # a zone can have a thousand benefits waiting.
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=after), dt.time()))
    rows = list(
        policies.open_since(user, before=cutoff).values_list(
            "pk",
            "since",
            "state",
            "measure__title",
            "enterprise_id",
            "enterprise__name",
            "enterprise__zone__name",
            "enterprise__officer_id",
        )
    )
    if not rows:
        return []
    first = min(timezone.localdate(r[1]) for r in rows)
    calendar = work_calendar(first, today)
    # Working days from each day to `today`, counted once backwards over the span (benefits
    # waiting for years would otherwise each walk their years day by day).
    left: dict[dt.date, int] = {}
    count, day = 0, today
    while day >= first:
        left[day] = count
        count += calendar.is_working_day(day)
        day -= dt.timedelta(days=1)
    officers = User.objects.in_bulk({r[7] for r in rows if r[7] is not None})
    states = policies.state_labels()
    out = []
    for pk, since, state, title, firm_id, firm, zone, officer_id in rows:
        entered = timezone.localdate(since)
        waited = left[entered]
        if waited <= after:
            continue
        out.append(
            Late(
                kind=BENEFIT,
                pk=pk,
                title=title,
                firm=firm,
                zone=zone,
                detail=_("%(state)s since %(day)s")
                % {"state": states.get(state, state), "day": entered.isoformat()},
                days=waited,
                responsible=officers.get(officer_id),
                link=reverse("policies:firm", args=[firm_id]),
            )
        )
    return sorted(out, key=lambda r: (-(r.days or 0), r.firm))


def escalation(user, *, today: dt.date) -> Escalation | None:
    """What is late in the leader's unit (None for anyone else)."""
    if not access.can_escalate(user):
        return None
    after = settings.ZONEDESK["BENEFIT_STUCK_WORKDAYS"]
    found = Escalation(today=today, stuck_after=after)
    found.problems = _problems(user, today)
    found.contacts = _contacts(user, today)
    found.benefits = _benefits(user, today, after)
    every = found.problems + found.contacts + found.benefits
    sent = notices.reminded(abouts=[r.about for r in every], day=today)
    for name in ("problems", "contacts", "benefits"):
        setattr(
            found,
            name,
            [r if r.about not in sent else _reminded(r) for r in getattr(found, name)],
        )
    found.by_department = _counts(found.problems, lambda r: r.detail)
    found.by_officer = _counts(found.problems, lambda r: r.officer or _("No liaison officer"))
    return found


def _reminded(row: Late) -> Late:
    return replace(row, reminded=True)


def late_item(user, *, kind: str, pk: int, today: dt.date) -> Late | None:
    """One row of the user's escalation page, if it is on it (else None)."""
    if kind not in KINDS or not access.can_escalate(user):
        return None
    if kind == PROBLEM:
        rows = _problems(user, today)
    elif kind == CONTACT:
        rows = _contacts(user, today)
    else:
        rows = _benefits(user, today, settings.ZONEDESK["BENEFIT_STUCK_WORKDAYS"])
    return next((r for r in rows if r.pk == pk), None)

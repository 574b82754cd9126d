"""Raising a problem, the deadlines of its steps, and the daily escalation of overdue ones.

Deadlines are counted in working days (`settings.ZONEDESK["CASE_LIMITS"]`, the calendar of
workdays.py: the official arrangements overridden by CalendarDay); the steps that set them are
in steps.py. A deadline that spans a year with no official arrangement is counted on ordinary
weeks and flagged (`due_uncertain`). `on` (the date of a step) exists for the
demo loader and tests that replay history; pages and the API do not pass it.
"""

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.flows import ESCALATED, OPEN, PROBLEM, SUBMITTED
from zonedesk.casework.models import Contact, Problem, ProblemEvent
from zonedesk.casework.workdays import work_calendar
from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.services import audit_scope, clean

S = Problem.Status
DEFAULT_LIMITS = {"accept": 1, "reply": 3, "resolve": 15, "resolve_extended": 30}
PROBLEM_FIELDS = (
    "enterprise",
    "category",
    "title",
    "description",
    "raised_by",
    "raised_via",
    "contact",
    "severity",
    "anonymous",
    "status",
    "due_at",
    "due_uncertain",
    "officer",
    "respond_by",
    "resolve_by",
)


def limits() -> dict[str, int]:
    """Working days allowed per step, from settings.ZONEDESK["CASE_LIMITS"]."""
    return {**DEFAULT_LIMITS, **settings.ZONEDESK.get("CASE_LIMITS", {})}


class Hours(NamedTuple):
    """The round-the-clock clock of a problem: hours to respond and to resolve, counted from
    the instant it was raised, every hour of the night and the weekend alike."""

    respond: int
    resolve: int


class Deadline(NamedTuple):
    """A due date, and whether a year it spans was counted on ordinary weeks."""

    on: dt.date
    uncertain: bool


def deadline(start: dt.date, n: int) -> Deadline:
    """The n-th working day after `start`, flagged when a year from `start` to it has no
    official arrangement."""
    # 30 working days fit in 60 calendar days even with a week-long holiday; 3 x n is ample.
    calendar = work_calendar(start, start + dt.timedelta(days=3 * n + 14))
    due = calendar.add_working_days(start, n)
    return Deadline(due, not calendar.knows(start, due))


def moment(on: dt.date | None, at: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """The date of a step and its time stamp (noon of `on` when replaying history; `at`, an
    instant, when the round-the-clock clock records a step at the hour it happened)."""
    if at is not None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        return timezone.localdate(at), at
    now = timezone.now()
    if on is None or on == timezone.localdate(now):
        return timezone.localdate(now), now
    return on, timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


def uncertain_payload(problem: Problem) -> dict:
    """The event payload's mark of a deadline counted on ordinary weeks (nothing otherwise)."""
    return {"due_uncertain": True} if problem.due_uncertain else {}


def _via_of(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return {
        Contact.Kind.ON_SITE: Problem.Via.VISIT,
        Contact.Kind.PHONE: Problem.Via.PHONE,
        Contact.Kind.ONLINE: Problem.Via.ONLINE,
        Contact.Kind.FIRM_CAME: Problem.Via.FIRM,
    }[contact.kind]


def submit(
    *,
    actor: Actor,
    enterprise,
    category: str,
    title: str,
    description: str,
    raised_via: str | None,
    severity: str,
    anonymous: bool,
    contact: Contact | None,
    on: dt.date | None,
    officer=None,
    hours: Hours | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """problem_submit without its own transaction (contact_log raises several in one)."""
    if not access.can_submit(actor, enterprise, officer):
        raise PermissionDenied(
            _(
                "Only the firm itself, its liaison officer or a zone leader can raise a "
                "problem for %(firm)s."
            )
            % {"firm": enterprise}
        )
    if raised_via is None:
        raised_via = _via_of(contact) or (
            Problem.Via.ONLINE if access.is_member(actor, enterprise) else None
        )
    if raised_via is None:
        raise ValidationFailed({"raised_via": [_("Say how the problem was raised.")]})
    today, now = moment(on, at)
    due = deadline(today, limits()["accept"])
    problem = Problem(
        enterprise=enterprise,
        category=category,
        title=title.strip(),
        description=description.strip(),
        raised_by=user_or_none(actor),
        raised_via=raised_via,
        contact=contact,
        severity=severity,
        anonymous=anonymous,
        status=PROBLEM.initial,
        due_at=due.on,
        due_uncertain=due.uncertain,
        created_at=now,
        officer=officer,
        respond_by=now + dt.timedelta(hours=hours.respond) if hours else None,
        resolve_by=now + dt.timedelta(hours=hours.resolve) if hours else None,
    )
    clean(problem)
    problem.save()
    PROBLEM.event(
        actor=actor,
        obj=problem,
        move=SUBMITTED,
        from_state="",
        to_state=problem.status,
        at=now,
        payload={"due_to": audit.plain(problem.due_at), **uncertain_payload(problem)},
    ).save()
    audit.record(
        actor=actor,
        action="create",
        instance=problem,
        changes=audit.diff({}, audit.snapshot(problem, PROBLEM_FIELDS)),
        **audit_scope(problem),
    )
    return problem


@transaction.atomic
def problem_submit(
    *,
    actor: Actor,
    enterprise,
    category: str,
    title: str,
    description: str = "",
    raised_via: str | None = None,
    severity: str = Problem.Severity.NORMAL,
    anonymous: bool = False,
    contact: Contact | None = None,
    on: dt.date | None = None,
    officer=None,
    hours: Hours | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """Raise a problem for a firm: by the firm itself (for its own firm only), its liaison
    officer or a manager. It waits to be accepted within the `accept` limit.

    `officer` names an officer who follows it besides the firm's liaison officer (and who may
    then raise it); `hours` puts it on the round-the-clock clock as well (respond_by,
    resolve_by); `at` is the instant it was raised when recorded afterwards (not in the
    future)."""
    if at is not None and at > timezone.now():
        raise ValidationFailed({"at": [_("The time cannot be in the future.")]})
    return submit(
        actor=actor,
        enterprise=enterprise,
        category=category,
        title=title,
        description=description,
        raised_via=raised_via,
        severity=severity,
        anonymous=anonymous,
        contact=contact,
        on=on,
        officer=officer,
        hours=hours,
        at=at,
    )


@transaction.atomic
def problems_escalate(*, actor: Actor, today: dt.date) -> list[Problem]:
    """Mark the problems that became overdue (deadline before `today`, waiting on the
    administration, not yet escalated) as escalated to the zone's leaders; run daily.
    Running it twice escalates nothing the second time."""
    due = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area")
        .filter(status__in=OPEN, due_at__lt=today, escalated_at__isnull=True)
        .order_by("id")
    )
    now = timezone.now()
    events, entries = [], []
    for problem in due:
        problem.escalated_at = now
        events.append(
            PROBLEM.event(
                actor=actor,
                obj=problem,
                move=ESCALATED,
                from_state=problem.status,
                to_state=problem.status,
                at=now,
                payload={"due_at": audit.plain(problem.due_at), "today": audit.plain(today)},
            )
        )
        entries.append(
            audit.entry(
                actor=actor,
                action="update",
                instance=problem,
                changes={"escalated_at": [None, audit.plain(now)]},
                **audit_scope(problem),
            )
        )
    Problem.objects.bulk_update(due, ["escalated_at"])
    ProblemEvent.objects.bulk_create(events)
    AuditEntry.objects.bulk_create(entries)
    return due

"""Every write of casework: atomic, permission-checked, audited in the same transaction.

The way of a problem (诉求) is the table ALLOWED_TRANSITIONS, walked only by
`problem_transition`; each step writes a ProblemEvent and an audit entry.

Deadlines (working days, `settings.ZONEDESK["CASE_LIMITS"]`, the calendar of CalendarDay):
- submitted: to be accepted within `accept` (1) working day of submission;
- accepted: the first reply is due within `reply` (3) working days of acceptance;
- in progress: the reply deadline stands;
- replied: to be resolved within `resolve` (15) working days of acceptance, or by the later
  deadline an extension or a reopening already set;
- extended (a step that keeps the status, once per problem, with a reason): the deadline of
  the whole case moves to `due_on`, later than the current one and at most `resolve_extended`
  (30) working days after acceptance;
- transferred: the new department accepts within `accept` (1) working day; accepting there
  starts the limits afresh (an extension already used is not given again);
- reopened by the firm: to be resolved within `resolve` (15) working days of reopening;
- resolved waits on the firm (no deadline for the administration); confirmed and closed as
  not solvable are final.
A problem is overdue when its deadline has passed and it is waiting on the administration.
A step that sets a new deadline clears the escalation, so a later overdue step escalates again.

`on` (the date of a step) exists for the demo loader and tests that replay history; pages and
the API do not pass it.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.models import (
    CalendarDay,
    Contact,
    ContactPlan,
    PlanAction,
    Problem,
    ProblemEvent,
)
from zonedesk.casework.workdays import calendar_scope, work_calendar
from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org.access import MANAGER_ROLES
from zonedesk.org.models import Department

S = Problem.Status
EXTENDED = "extended"  # a step that moves the deadline and keeps the status
ESCALATED = "escalated"  # written by problems_escalate, not a step anyone takes
SUBMITTED = "submitted"

# Who may take a step.
FIRM = "firm"  # the firm's own enterprise user
OFFICER = "officer"  # the firm's liaison officer, or a manager of its zone
DEPARTMENT = "department"  # staff of the department in charge, or a manager
RECEIVER = "receiver"  # the officer, the department it was transferred to, or a manager
MANAGER = "manager"  # a zone leader or administrator

# from status -> {step: who may take it}. A step is a status, or EXTENDED.
ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    S.SUBMITTED: {S.ACCEPTED: OFFICER, S.CLOSED_UNSOLVABLE: MANAGER},
    S.ACCEPTED: {
        S.IN_PROGRESS: DEPARTMENT,
        S.TRANSFERRED: OFFICER,
        EXTENDED: OFFICER,
        S.CLOSED_UNSOLVABLE: MANAGER,
    },
    S.IN_PROGRESS: {
        S.REPLIED: DEPARTMENT,
        S.TRANSFERRED: OFFICER,
        EXTENDED: OFFICER,
        S.CLOSED_UNSOLVABLE: MANAGER,
    },
    S.REPLIED: {
        S.RESOLVED: DEPARTMENT,
        S.TRANSFERRED: OFFICER,
        EXTENDED: OFFICER,
        S.CLOSED_UNSOLVABLE: MANAGER,
    },
    S.RESOLVED: {S.CONFIRMED: FIRM, S.REOPENED: FIRM},
    S.REOPENED: {
        S.IN_PROGRESS: DEPARTMENT,
        S.TRANSFERRED: OFFICER,
        EXTENDED: OFFICER,
        S.CLOSED_UNSOLVABLE: MANAGER,
    },
    S.TRANSFERRED: {S.ACCEPTED: RECEIVER, S.CLOSED_UNSOLVABLE: MANAGER},
    S.CONFIRMED: {},
    S.CLOSED_UNSOLVABLE: {},
}
NEEDS_REASON = frozenset(
    {S.REPLIED, S.RESOLVED, S.REOPENED, S.TRANSFERRED, EXTENDED, S.CLOSED_UNSOLVABLE}
)

DEFAULT_LIMITS = {"accept": 1, "reply": 3, "resolve": 15, "resolve_extended": 30}
AUDITED_FIELDS = (
    "status",
    "department",
    "assignee",
    "due_at",
    "accepted_on",
    "extended",
    "escalated_at",
    "resolved_at",
    "satisfaction",
    "firm_comment",
)
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
)


def limits() -> dict[str, int]:
    """Working days allowed per step, from settings.ZONEDESK["CASE_LIMITS"]."""
    return {**DEFAULT_LIMITS, **settings.ZONEDESK.get("CASE_LIMITS", {})}


def _add_working_days(start: dt.date, n: int) -> dt.date:
    # 30 working days fit in 60 calendar days even with a week-long holiday; 3 x n is ample.
    return work_calendar(start, start + dt.timedelta(days=3 * n + 14)).add_working_days(start, n)


def _step_label(step: str) -> str:
    return str(_("Extended") if step == EXTENDED else S(step).label) if step else ""


def _scope(enterprise) -> dict:
    return {"zone_id": enterprise.zone_id, "area_code": enterprise.zone.area.code}


def _moment(on: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The date of a step and its time stamp (noon of `on` when replaying history)."""
    now = timezone.now()
    if on is None or on == timezone.localdate(now):
        return timezone.localdate(now), now
    return on, timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


def _may(actor: Actor, problem: Problem, who: str) -> bool:
    firm = problem.enterprise
    if who == FIRM:  # a rating is the firm's own word: nobody gives it on the firm's behalf
        return access.is_system(actor) or access.is_member(actor, firm)
    if access.is_manager(actor, firm):
        return True
    if who == OFFICER:
        return access.is_firms_officer(actor, firm)
    if who == DEPARTMENT:
        return access.is_department_staff(actor, problem.department_id)
    if who == RECEIVER:
        return access.is_firms_officer(actor, firm) or access.is_department_staff(
            actor, problem.department_id
        )
    return False


def _refusal(who: str) -> str:
    return {
        FIRM: _("Only the firm itself can confirm or reopen its problem."),
        OFFICER: _("Only the firm's liaison officer or a zone leader can take this step."),
        DEPARTMENT: _(
            "Only the staff of the department in charge or a zone leader can take this step."
        ),
        RECEIVER: _(
            "Only the department it was transferred to, the firm's liaison officer or a zone "
            "leader can accept it."
        ),
        MANAGER: _("Only a zone leader or an administrator can close a problem as not solvable."),
    }[who]


def next_steps(actor: Actor, problem: Problem) -> list[str]:
    """The steps this user may take next (for the pages' buttons; the step checks again)."""
    steps = ALLOWED_TRANSITIONS.get(problem.status, {})
    return [
        step
        for step, who in steps.items()
        if _may(actor, problem, who) and not (step == EXTENDED and problem.extended)
    ]


def _check_department(department: Department | None, problem: Problem) -> Department:
    if department is None:
        raise ValidationFailed(
            {"department": [_("Choose the department that will handle the problem.")]}
        )
    if department.zone_id != problem.enterprise.zone_id:
        raise ValidationFailed(
            {
                "department": [
                    _("%(department)s is not a department of %(zone)s.")
                    % {"department": department, "zone": problem.enterprise.zone}
                ]
            }
        )
    return department


def _check_assignee(assignee, department_id) -> None:
    if assignee is None:
        return
    if not access.is_department_staff(assignee, department_id):
        raise ValidationFailed(
            {
                "assignee": [
                    _("%(user)s is not on the staff of the department in charge.")
                    % {"user": assignee}
                ]
            }
        )


@transaction.atomic
def problem_transition(
    *,
    actor: Actor,
    problem: Problem,
    to: str,
    reason: str = "",
    department: Department | None = None,
    assignee=None,
    due_on: dt.date | None = None,
    satisfaction: int | None = None,
    comment: str = "",
    on: dt.date | None = None,
) -> Problem:
    """Take one step on the problem's way (see ALLOWED_TRANSITIONS); refused with the reason
    when the step may not follow, the user may not take it or its input is missing."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area", "department")
        .get(pk=problem.pk)
    )
    current = problem.status
    steps = ALLOWED_TRANSITIONS.get(current, {})
    if to not in steps:
        allowed = ", ".join(_step_label(s) for s in steps) or _("none: the problem is closed")
        raise DomainError(
            _(
                "A problem that is “%(from)s” cannot be “%(to)s”. "
                "The steps that may follow: %(allowed)s."
            )
            % {
                "from": S(current).label,
                "to": _step_label(to) if to in S.values or to == EXTENDED else to,
                "allowed": allowed,
            }
        )
    if not _may(actor, problem, steps[to]):
        raise PermissionDenied(_refusal(steps[to]))
    reason = reason.strip()
    if to in NEEDS_REASON and not reason:
        message = {
            S.REPLIED: _("Write the reply given to the firm."),
            S.RESOLVED: _("Write how the problem was resolved."),
        }.get(to, _("Give the reason."))
        raise ValidationFailed({"reason": [message]})

    today, now = _moment(on)
    limit = limits()
    before = audit.snapshot(problem, AUDITED_FIELDS)
    due_before = problem.due_at
    payload: dict = {}
    status = to if to != EXTENDED else current

    with calendar_scope():
        if to == S.ACCEPTED:
            if current == S.TRANSFERRED:
                if department is not None and department.pk != problem.department_id:
                    raise ValidationFailed(
                        {"department": [_("It is accepted by the department it was sent to.")]}
                    )
                department = problem.department
            department = _check_department(department, problem)
            _check_assignee(assignee, department.pk)
            problem.department, problem.assignee = department, assignee
            problem.accepted_on = today
            problem.due_at = _add_working_days(today, limit["reply"])
            payload["department"] = department.pk
        elif to == S.IN_PROGRESS:
            _check_assignee(assignee, problem.department_id)
            if (
                assignee is None
                and problem.assignee_id is None
                and access.is_department_staff(actor, problem.department_id)
            ):
                assignee = actor
            if assignee is not None:
                problem.assignee = assignee
        elif to == S.REPLIED:
            standard = _add_working_days(problem.accepted_on, limit["resolve"])
            problem.due_at = max(filter(None, [problem.due_at, standard]))
        elif to == S.RESOLVED:
            problem.resolved_at = now
            problem.due_at = None
        elif to == S.CONFIRMED:
            if satisfaction is None or not 1 <= int(satisfaction) <= 5:
                raise ValidationFailed(
                    {"satisfaction": [_("Rate the result from 1 (poor) to 5 (very good).")]}
                )
            problem.satisfaction = int(satisfaction)
            problem.firm_comment = comment.strip()
            problem.due_at = None
        elif to == S.REOPENED:
            problem.resolved_at = None
            problem.due_at = _add_working_days(today, limit["resolve"])
        elif to == S.TRANSFERRED:
            department = _check_department(department, problem)
            if department.pk == problem.department_id:
                raise ValidationFailed(
                    {"department": [_("Choose another department: it is already there.")]}
                )
            payload["department_from"] = problem.department_id
            payload["department_to"] = department.pk
            problem.department, problem.assignee = department, None
            problem.due_at = _add_working_days(today, limit["accept"])
        elif to == EXTENDED:
            if problem.extended:
                raise DomainError(_("The time limit of a problem can be extended only once."))
            latest = _add_working_days(problem.accepted_on, limit["resolve_extended"])
            earliest = max(filter(None, [problem.due_at, today]))
            if due_on is None or not earliest < due_on <= latest:
                raise ValidationFailed(
                    {
                        "due_on": [
                            _(
                                "Give a new due date after %(earliest)s and no later than "
                                "%(latest)s (%(days)s working days after acceptance)."
                            )
                            % {
                                "earliest": earliest,
                                "latest": latest,
                                "days": limit["resolve_extended"],
                            }
                        ]
                    }
                )
            problem.extended = True
            problem.due_at = due_on
        elif to == S.CLOSED_UNSOLVABLE:
            problem.due_at = None

    problem.status = status
    if problem.due_at != due_before:
        problem.escalated_at = None
        payload["due_from"] = audit.plain(due_before)
        payload["due_to"] = audit.plain(problem.due_at)
    if problem.assignee_id != before["assignee"]:
        payload["assignee"] = problem.assignee_id
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        move=to,
        from_status=current,
        to_status=status,
        actor=user_or_none(actor),
        at=now,
        reason=reason,
        payload=payload,
    )
    audit.record(
        actor=actor,
        action="update",
        instance=problem,
        changes={
            **audit.diff(before, audit.snapshot(problem, AUDITED_FIELDS)),
            "step": [current, to],
        },
        **_scope(problem.enterprise),
    )
    return problem


def _via_of(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return {
        Contact.Kind.ON_SITE: Problem.Via.VISIT,
        Contact.Kind.PHONE: Problem.Via.PHONE,
        Contact.Kind.ONLINE: Problem.Via.ONLINE,
        Contact.Kind.FIRM_CAME: Problem.Via.FIRM,
    }[contact.kind]


def _clean(instance, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _submit(
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
) -> Problem:
    if not access.can_submit(actor, enterprise):
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
    today, now = _moment(on)
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
        status=S.SUBMITTED,
        due_at=_add_working_days(today, limits()["accept"]),
        created_at=now,
    )
    _clean(problem)
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        move=SUBMITTED,
        from_status="",
        to_status=S.SUBMITTED,
        actor=user_or_none(actor),
        at=now,
        payload={"due_to": audit.plain(problem.due_at)},
    )
    audit.record(
        actor=actor,
        action="create",
        instance=problem,
        changes=audit.diff({}, audit.snapshot(problem, PROBLEM_FIELDS)),
        **_scope(enterprise),
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
) -> Problem:
    """Raise a problem for a firm: by the firm itself (for its own firm only), its liaison
    officer or a manager. It waits to be accepted within the `accept` limit."""
    return _submit(
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
    )


@dataclass
class ProblemData:
    """A problem heard during a contact."""

    category: str
    title: str
    description: str = ""
    severity: str = Problem.Severity.NORMAL
    anonymous: bool = False


def _works_for(user, zone) -> bool:
    """Staff of the zone, of one of its departments, or of an area above it (a county's or
    city's leader joining a visit)."""
    if user.zone_id == zone.pk:
        return True
    if user.department is not None and user.department.zone_id == zone.pk:
        return True
    return user.area_id is not None and zone.area.code.startswith(user.area.scope_prefix)


def _check_staff_of_zone(users: Iterable, zone, field: str) -> None:
    wrong = [u for u in users if not _works_for(u, zone)]
    if wrong:
        raise ValidationFailed(
            {
                field: [
                    _("%(user)s does not work for %(zone)s.") % {"user": u, "zone": zone}
                    for u in wrong
                ]
            }
        )


@transaction.atomic
def contact_log(
    *,
    actor: Actor,
    enterprise,
    date: dt.date,
    kind: str,
    participants: Sequence = (),
    notes: str = "",
    figures_seen: str = "",
    follow_up_on: dt.date | None = None,
    problems: Sequence[ProblemData] = (),
) -> Contact:
    """Record a visit or call (by the firm's officer or a manager), with the problems raised."""
    if not access.can_log_contact(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can record a contact with it.")
        )
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = [_("A contact cannot be in the future.")]
    if follow_up_on is not None and follow_up_on < date:
        errors["follow_up_on"] = [_("The follow-up cannot come before the contact.")]
    if errors:
        raise ValidationFailed(errors)
    participants = list(participants)
    _check_staff_of_zone(participants, enterprise.zone, "participants")
    contact = Contact(
        enterprise=enterprise,
        date=date,
        kind=kind,
        notes=notes.strip(),
        figures_seen=figures_seen.strip(),
        follow_up_on=follow_up_on,
        created_by=user_or_none(actor),
    )
    _clean(contact)
    contact.save()
    contact.participants.set(participants)
    changes = audit.diff(
        {}, audit.snapshot(contact, ["enterprise", "date", "kind", "notes", "follow_up_on"])
    )
    changes["participants"] = [None, sorted(u.pk for u in participants)]
    audit.record(
        actor=actor, action="create", instance=contact, changes=changes, **_scope(enterprise)
    )
    for data in problems:
        _submit(
            actor=actor,
            enterprise=enterprise,
            category=data.category,
            title=data.title,
            description=data.description,
            raised_via=None,
            severity=data.severity,
            anonymous=data.anonymous,
            contact=contact,
            on=date,
        )
    return contact


KEEP = object()  # plan_set: leave the leading cadre as it is
PLAN_FIELDS = ("visit_every_days", "call_every_days", "at_risk", "leading_cadre")


@transaction.atomic
def plan_set(
    *,
    actor: Actor,
    enterprise,
    visit_every_days: int,
    call_every_days: int,
    at_risk: bool = False,
    leading_cadre=KEEP,
) -> ContactPlan:
    """Create or change the firm's contact plan; the leading cadre (包联领导) is named by a
    manager (KEEP leaves it as it is)."""
    if not access.can_set_plan(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can set its contact plan.")
        )
    plan = ContactPlan.objects.select_for_update().filter(enterprise=enterprise).first()
    created = plan is None
    if created:
        plan = ContactPlan(enterprise=enterprise)
    before = {} if created else audit.snapshot(plan, PLAN_FIELDS)
    if leading_cadre is KEEP:
        leading_cadre = plan.leading_cadre
    elif (
        leading_cadre.pk if leading_cadre else None
    ) != plan.leading_cadre_id and not access.can_set_leading_cadre(actor, enterprise):
        raise PermissionDenied(_("Only a zone leader can name the leading cadre."))
    if leading_cadre is not None and not (
        leading_cadre.has_role(*MANAGER_ROLES) and leading_cadre.zone_id == enterprise.zone_id
    ):
        raise ValidationFailed(
            {
                "leading_cadre": [
                    _("%(user)s is not a leader of %(zone)s.")
                    % {"user": leading_cadre, "zone": enterprise.zone}
                ]
            }
        )
    plan.visit_every_days = visit_every_days
    plan.call_every_days = call_every_days
    plan.at_risk = at_risk
    plan.leading_cadre = leading_cadre
    _clean(plan, exclude=["enterprise"])
    plan.save()
    changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
    if changes or created:
        audit.record(
            actor=actor,
            action="create" if created else "update",
            instance=plan,
            changes=changes,
            **_scope(enterprise),
        )
    return plan


@transaction.atomic
def problems_escalate(*, actor: Actor, today: dt.date) -> list[Problem]:
    """Mark the problems that became overdue (deadline before `today`, waiting on the
    administration, not yet escalated) as escalated to the zone's leaders; run daily.
    Running it twice escalates nothing the second time."""
    due = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area")
        .filter(status__in=Problem.OPEN, due_at__lt=today, escalated_at__isnull=True)
        .order_by("id")
    )
    now = timezone.now()
    events, entries = [], []
    for problem in due:
        problem.escalated_at = now
        events.append(
            ProblemEvent(
                problem=problem,
                move=ESCALATED,
                from_status=problem.status,
                to_status=problem.status,
                actor=user_or_none(actor),
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
                **_scope(problem.enterprise),
            )
        )
    Problem.objects.bulk_update(due, ["escalated_at"])
    ProblemEvent.objects.bulk_create(events)
    AuditEntry.objects.bulk_create(entries)
    return due


# --- the calendar --------------------------------------------------------------------------------


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
    _clean(day, exclude=["date"] if not created else ())
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


# --- the firm's own plan (一企一策) ----------------------------------------------------------------

ACTION_FIELDS = ("kind", "title", "problem", "measure", "owner", "due_on", "status", "done_on")


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    enterprise,
    kind: str,
    title: str,
    owner,
    due_on: dt.date,
    problem: Problem | None = None,
    measure=None,
) -> PlanAction:
    """An action of the firm's plan, by its liaison officer or a manager; its owner works for
    the zone, its problem is the firm's own, its measure covers the firm."""
    from zonedesk.policies.selectors import measures_for

    if not access.can_log_contact(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can plan for it.")
        )
    errors: dict[str, list[str]] = {}
    if problem is not None and problem.enterprise_id != enterprise.pk:
        errors["problem"] = [_("Not a problem of this firm.")]
    if measure is not None and not measures_for(enterprise.zone).filter(pk=measure.pk).exists():
        errors["measure"] = [_("This measure does not cover the firm.")]
    if errors:
        raise ValidationFailed(errors)
    _check_staff_of_zone([owner], enterprise.zone, "owner")
    action = PlanAction(
        enterprise=enterprise,
        kind=kind,
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        problem=problem,
        measure=measure,
        created_by=user_or_none(actor),
    )
    _clean(action)
    action.save()
    audit.record(
        actor=actor,
        action="create",
        instance=action,
        changes=audit.diff({}, audit.snapshot(action, ACTION_FIELDS)),
        **_scope(enterprise),
    )
    return action


@transaction.atomic
def action_close(*, actor: Actor, action: PlanAction, status: str) -> PlanAction:
    """Mark an open action done (dated today) or dropped; a closed one stays as it is."""
    action = (
        PlanAction.objects.select_for_update().select_related("enterprise__zone").get(pk=action.pk)
    )
    if not access.can_log_contact(actor, action.enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can plan for it.")
        )
    if action.status != PlanAction.Status.OPEN or status not in (
        PlanAction.Status.DONE,
        PlanAction.Status.DROPPED,
    ):
        raise DomainError(_("Only an action still to do can be marked done or dropped."))
    before = audit.snapshot(action, ACTION_FIELDS)
    action.status = status
    action.done_on = timezone.localdate() if status == PlanAction.Status.DONE else None
    action.save(update_fields=["status", "done_on"])
    audit.record(
        actor=actor,
        action="update",
        instance=action,
        changes=audit.diff(before, audit.snapshot(action, ACTION_FIELDS)),
        **_scope(action.enterprise),
    )
    return action

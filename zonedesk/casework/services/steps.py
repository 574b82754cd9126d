"""The steps of a problem: `problem_transition` checks the step against the flow (flows.py),
sets the step's own fields with the helper named after it, then applies it (event row and
audit entry in the same transaction).

Deadlines of the steps (working days, limits() of problems.py):
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
A deadline that spans a year with no official holiday arrangement is counted on ordinary weeks
and flagged (`due_uncertain`, set with `due_at` by `_due`); an extension's date is flagged when
the limit it was checked against was.
A problem is overdue when its deadline has passed and it is waiting on the administration.
A step that sets a new deadline clears the escalation, so a later overdue step escalates again.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.flows import EXTENDED, PROBLEM
from zonedesk.casework.models import Problem
from zonedesk.casework.services.problems import (
    Deadline,
    deadline,
    limits,
    moment,
    uncertain_payload,
)
from zonedesk.casework.workdays import calendar_scope
from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.services import audit_scope
from zonedesk.org.models import Department

S = Problem.Status
AUDITED_FIELDS = (
    "status",
    "department",
    "assignee",
    "due_at",
    "due_uncertain",
    "accepted_on",
    "extended",
    "escalated_at",
    "responded_at",
    "resolved_at",
    "satisfaction",
    "firm_comment",
)


@dataclass
class Step:
    """One step being taken: the locked problem, the step's inputs, and what it adds to the
    event's payload."""

    actor: Actor
    problem: Problem
    today: dt.date
    now: dt.datetime
    limit: dict[str, int]
    department: Department | None
    assignee: object | None
    due_on: dt.date | None
    satisfaction: int | None
    comment: str
    payload: dict = field(default_factory=dict)


def _due(problem: Problem, due: Deadline | None) -> None:
    """Set the deadline and its flag together (None: no deadline)."""
    problem.due_at, problem.due_uncertain = due if due is not None else (None, False)


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


def _check_instant(problem: Problem, at: dt.datetime) -> None:
    """A step recorded afterwards happened no later than now and no earlier than the last."""
    if at > timezone.now():
        raise ValidationFailed({"at": [_("The time cannot be in the future.")]})
    last = problem.events.order_by("-at").values_list("at", flat=True).first()
    last = max(filter(None, [last, problem.created_at]))
    if at < last:
        raise ValidationFailed(
            {
                "at": [
                    _("The time cannot be before the problem's last step (%(last)s).")
                    % {"last": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")}
                ]
            }
        )


def _accept(step: Step) -> None:
    """By the department chosen, or after a transfer by the department it was sent to; the
    reply is due `reply` working days later."""
    problem, department = step.problem, step.department
    if problem.status == S.TRANSFERRED:
        if department is not None and department.pk != problem.department_id:
            raise ValidationFailed(
                {"department": [_("It is accepted by the department it was sent to.")]}
            )
        department = problem.department
    department = _check_department(department, problem)
    _check_assignee(step.assignee, department.pk)
    problem.department, problem.assignee = department, step.assignee
    problem.accepted_on = step.today
    if problem.responded_at is None:  # the first response; a transfer's acceptance is not
        problem.responded_at = step.now
    _due(problem, deadline(step.today, step.limit["reply"]))
    step.payload["department"] = department.pk


def _start(step: Step) -> None:
    """In progress; the department's staff member who starts it takes it when nobody has."""
    problem, assignee = step.problem, step.assignee
    _check_assignee(assignee, problem.department_id)
    if (
        assignee is None
        and problem.assignee_id is None
        and access.is_department_staff(step.actor, problem.department_id)
    ):
        assignee = step.actor
    if assignee is not None:
        problem.assignee = assignee


def _reply(step: Step) -> None:
    problem = step.problem
    standard = deadline(problem.accepted_on, step.limit["resolve"])
    if problem.due_at is None or standard.on > problem.due_at:
        _due(problem, standard)


def _resolve(step: Step) -> None:
    step.problem.resolved_at = step.now
    _due(step.problem, None)


def _confirm(step: Step) -> None:
    """The firm's rating (1 to 5) and comment; nothing is due any more."""
    if step.satisfaction is None or not 1 <= int(step.satisfaction) <= 5:
        raise ValidationFailed(
            {"satisfaction": [_("Rate the result from 1 (poor) to 5 (very good).")]}
        )
    step.problem.satisfaction = int(step.satisfaction)
    step.problem.firm_comment = step.comment.strip()
    _due(step.problem, None)


def _reopen(step: Step) -> None:
    step.problem.resolved_at = None
    _due(step.problem, deadline(step.today, step.limit["resolve"]))


def _transfer(step: Step) -> None:
    """To another department of the zone, which accepts it within `accept` working days."""
    problem = step.problem
    department = _check_department(step.department, problem)
    if department.pk == problem.department_id:
        raise ValidationFailed(
            {"department": [_("Choose another department: it is already there.")]}
        )
    step.payload["department_from"] = problem.department_id
    step.payload["department_to"] = department.pk
    problem.department, problem.assignee = department, None
    _due(problem, deadline(step.today, step.limit["accept"]))


def _extend(step: Step) -> None:
    """The new deadline, after the current one and within `resolve_extended` working days of
    acceptance (the flow's guard already refused a second extension)."""
    problem = step.problem
    latest, latest_uncertain = deadline(problem.accepted_on, step.limit["resolve_extended"])
    earliest = max(filter(None, [problem.due_at, step.today]))
    if step.due_on is None or not earliest < step.due_on <= latest:
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
                        "days": step.limit["resolve_extended"],
                    }
                ]
            }
        )
    problem.extended = True
    _due(problem, Deadline(step.due_on, latest_uncertain))


def _close(step: Step) -> None:
    _due(step.problem, None)


# The fields each step sets besides the status.
STEP_FIELDS: dict[str, Callable[[Step], None]] = {
    S.ACCEPTED: _accept,
    S.IN_PROGRESS: _start,
    S.REPLIED: _reply,
    S.RESOLVED: _resolve,
    S.CONFIRMED: _confirm,
    S.REOPENED: _reopen,
    S.TRANSFERRED: _transfer,
    EXTENDED: _extend,
    S.CLOSED_UNSOLVABLE: _close,
}


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
    at: dt.datetime | None = None,
) -> Problem:
    """Take one step on the problem's way (flows.PROBLEM); refused with the reason when the
    step may not follow, the user may not take it or its input is missing.

    `at`: the instant the step happened, when recorded afterwards on the round-the-clock
    clock (not in the future, not before the problem's last step)."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area", "department")
        .get(pk=problem.pk)
    )
    reason = reason.strip()
    PROBLEM.check(actor=actor, obj=problem, move=to, inputs={"reason": reason})

    if at is not None:
        _check_instant(problem, at)
    today, now = moment(on, at)
    before = audit.snapshot(problem, AUDITED_FIELDS)
    step = Step(
        actor=actor,
        problem=problem,
        today=today,
        now=now,
        limit=limits(),
        department=department,
        assignee=assignee,
        due_on=due_on,
        satisfaction=satisfaction,
        comment=comment,
    )
    with calendar_scope():
        STEP_FIELDS[to](step)

    if audit.plain(problem.due_at) != before["due_at"]:
        problem.escalated_at = None
        step.payload["due_from"] = before["due_at"]
        step.payload["due_to"] = audit.plain(problem.due_at)
        step.payload.update(uncertain_payload(problem))
    if problem.assignee_id != before["assignee"]:
        step.payload["assignee"] = problem.assignee_id
    PROBLEM.apply(
        actor=actor,
        obj=problem,
        move=to,
        before=before,
        audited=AUDITED_FIELDS,
        scope=audit_scope(problem),
        at=now,
        payload=step.payload,
        reason=reason,
    )
    return problem

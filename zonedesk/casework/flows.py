"""The way of a problem (诉求), declared once on core.workflow's shape.

Every step is a move of the table below, taken only by `services.problem_transition` (which
sets the step's own fields: department, deadlines, rating); the table says which steps may
follow a status, who may take each, which need a written reason, and that a deadline is
extended only once. The state lists the rest of casework reads (`OPEN`, `FINAL`) are derived
from the table, so a new status or step cannot leave them behind.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from zonedesk.casework import access
from zonedesk.casework.models import Problem
from zonedesk.core.actors import Actor
from zonedesk.core.workflow import Flow, Move

S = Problem.Status
EXTENDED = "extended"  # a step that moves the deadline and keeps the status
ESCALATED = "escalated"  # written by problems_escalate, not a step anyone takes
SUBMITTED = "submitted"  # the first event of a problem, written by problem_submit

# Who may take a step.
FIRM = "firm"  # the firm's own enterprise user
OFFICER = "officer"  # the firm's liaison officer, or a manager of its zone
DEPARTMENT = "department"  # staff of the department in charge, or a manager
RECEIVER = "receiver"  # the officer, the department it was transferred to, or a manager
MANAGER = "manager"  # a zone leader or administrator


def _may(actor: Actor, problem: Problem, who: str) -> bool:
    firm = problem.enterprise
    if who == FIRM:  # a rating is the firm's own word: nobody gives it on the firm's behalf
        return access.is_system(actor) or access.is_member(actor, firm)
    if access.is_manager(actor, firm):
        return True
    # The officer named on the problem (a key project's service officer) takes the officer's
    # steps; on the round-the-clock clock also the department's, recorded as they are reported
    # at night or at the weekend (docs/decisions.md).
    own = access.is_problems_officer(actor, problem)
    if who == OFFICER:
        return access.is_firms_officer(actor, firm) or own
    if who == DEPARTMENT:
        return access.is_department_staff(actor, problem.department_id) or (
            own and problem.resolve_by is not None
        )
    if who == RECEIVER:
        return (
            access.is_firms_officer(actor, firm)
            or own
            or access.is_department_staff(actor, problem.department_id)
        )
    return False


def _not_extended_yet(problem: Problem) -> str | None:
    if problem.extended:
        return _("The time limit of a problem can be extended only once.")
    return None


GIVE_REASON = _("Give the reason.")


def _step(who: str, *, reason=None) -> Move:
    """A step to the status of its name; `reason`: the message when its reason is missing."""
    return Move(who=who, requires={"reason": reason} if reason else {})


def _extend(status: str) -> Move:
    """Extending keeps the status, needs a reason and is open once per problem."""
    return Move(
        who=OFFICER, to=status, requires={"reason": GIVE_REASON}, guards=(_not_extended_yet,)
    )


def _working(status: str, forward: str, forward_reason=None) -> dict[str, Move]:
    """The steps of a status the administration is working on: its own step forward, a
    transfer or an extension by the officer, a manager's closing as not solvable."""
    return {
        forward: _step(DEPARTMENT, reason=forward_reason),
        S.TRANSFERRED: _step(OFFICER, reason=GIVE_REASON),
        EXTENDED: _extend(status),
        S.CLOSED_UNSOLVABLE: _step(MANAGER, reason=GIVE_REASON),
    }


PROBLEM = Flow(
    name="casework.problem",
    states=S,
    table={
        S.SUBMITTED: {
            S.ACCEPTED: _step(OFFICER),
            S.CLOSED_UNSOLVABLE: _step(MANAGER, reason=GIVE_REASON),
        },
        S.ACCEPTED: _working(S.ACCEPTED, S.IN_PROGRESS),
        S.IN_PROGRESS: _working(S.IN_PROGRESS, S.REPLIED, _("Write the reply given to the firm.")),
        S.REPLIED: _working(S.REPLIED, S.RESOLVED, _("Write how the problem was resolved.")),
        S.RESOLVED: {
            S.CONFIRMED: _step(FIRM),
            S.REOPENED: _step(FIRM, reason=GIVE_REASON),
        },
        S.REOPENED: _working(S.REOPENED, S.IN_PROGRESS),
        S.TRANSFERRED: {
            S.ACCEPTED: _step(RECEIVER),
            S.CLOSED_UNSOLVABLE: _step(MANAGER, reason=GIVE_REASON),
        },
        S.CONFIRMED: {},
        S.CLOSED_UNSOLVABLE: {},
    },
    may=_may,
    refusals={
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
    },
    labels={EXTENDED: _("Extended")},
    refused=_(
        "A problem that is “%(from)s” cannot be “%(to)s”. The steps that may follow: %(allowed)s."
    ),
    none_left=_("none: the problem is closed"),
    event_model="casework.ProblemEvent",
    subject="problem",
)

# Final: no step follows.
FINAL = tuple(PROBLEM.final_states())
# Waiting on the administration: a step of its own may follow (resolved waits on the firm).
OPEN = PROBLEM.states_where(
    lambda s: any(move.who != FIRM for move in PROBLEM.table.get(s, {}).values())
)
# The steps that take a written reply, reason or note (the pages show the box for them).
NEEDS_REASON = frozenset(
    move for state, move in PROBLEM.pairs() if "reason" in PROBLEM.table[state][move].requires
)


def next_steps(actor: Actor, problem: Problem) -> list[str]:
    """The steps this user may take next (for the pages' buttons; the step checks again)."""
    return PROBLEM.allowed(actor, problem)


def is_overdue(problem: Problem, today: dt.date) -> bool:
    """Its deadline has passed while it waits on the administration."""
    return problem.due_at is not None and problem.due_at < today and problem.status in OPEN

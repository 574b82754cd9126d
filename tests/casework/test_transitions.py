"""problem_transition: who may take each step, deadlines, escalation, the inputs of a step.

That every step of the table moves and is recorded, and every other step is refused and changes
nothing, is generated from the table for every flow (tests/core/test_workflows.py)."""

import datetime as dt

import pytest
from django.db import transaction

from tests import factories
from zonedesk.casework import flows, services
from zonedesk.casework.flows import EXTENDED, PROBLEM
from zonedesk.casework.models import Problem, ProblemEvent
from zonedesk.casework.services import problem_transition
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import TransitionRefused
from zonedesk.org.models import Department

S = Problem.Status
D = dt.date


@pytest.fixture
def case(world):
    world.dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    world.users["department2"] = factories.department_user(world.zone_a, "招商服务局", "dept2")
    world.dept2 = world.users["department2"].department
    world.users["dept_b"] = factories.department_user(world.zone_b, "乙经济局", "dept_b")
    world.problem = factories.problem(world.firm_a)
    return world


def inputs(world, problem: Problem, step: str) -> dict:
    return factories.problem_step_inputs(
        problem, step, department=world.dept, transfer_to=world.dept2
    )


def walk(world, problem: Problem, status: str) -> Problem:
    return factories.problem_walk(problem, status, department=world.dept, transfer_to=world.dept2)


def counts(problem: Problem) -> tuple:
    return (
        ProblemEvent.objects.filter(problem=problem).count(),
        AuditEntry.objects.filter(
            target_type="casework.problem", target_id=str(problem.pk)
        ).count(),
    )


def test_a_step_is_recorded_with_who_when_and_the_firms_zone(case):
    """The event names the user and the time; the audit entry is filed under the firm's zone."""
    moved = problem_transition(
        actor=case.users["officer"], problem=case.problem, to=S.ACCEPTED, department=case.dept
    )
    event = ProblemEvent.objects.filter(problem=moved).latest("id")
    assert (event.from_state, event.to_state, event.move) == (S.SUBMITTED, S.ACCEPTED, S.ACCEPTED)
    assert (event.actor, event.actor_name) == (case.users["officer"], "officer")
    assert event.at is not None and event.payload["department"] == case.dept.pk
    entry = AuditEntry.objects.filter(target_id=str(moved.pk)).latest("id")
    assert (entry.zone_id, entry.changes["step"]) == (case.zone_a.pk, [S.SUBMITTED, S.ACCEPTED])


@pytest.mark.parametrize(
    ("src", "step", "allowed"),
    [
        (S.REPLIED, S.CONFIRMED, "Resolved, Transferred, Extended, Closed as not solvable"),
        (S.CONFIRMED, EXTENDED, "none: the problem is closed"),
    ],
)
def test_a_step_that_may_not_follow_names_the_steps_that_may(case, src, step, allowed):
    """Refused in casework's words, with the steps that may follow; the deadline and the
    department stay as they were, whatever inputs came with it."""
    problem = walk(case, case.problem, src)
    before = (problem.status, problem.due_at, problem.department_id, counts(problem))

    with pytest.raises(TransitionRefused) as refused:
        problem_transition(actor=SYSTEM, problem=problem, to=step, reason="x", satisfaction=3)

    assert refused.value.message == (
        f"A problem that is “{S(src).label}” cannot be “{PROBLEM.label(step)}”. "
        f"The steps that may follow: {allowed}."
    )
    problem.refresh_from_db()
    assert (problem.status, problem.due_at, problem.department_id, counts(problem)) == before


def test_state_lists_follow_the_table(case):
    """Final: nothing follows; open: waiting on the administration (resolved waits on the
    firm); the steps that take a reason are those whose move requires one."""
    assert flows.FINAL == (S.CONFIRMED, S.CLOSED_UNSOLVABLE)
    assert flows.OPEN == (
        S.SUBMITTED,
        S.ACCEPTED,
        S.IN_PROGRESS,
        S.REPLIED,
        S.REOPENED,
        S.TRANSFERRED,
    )
    assert {
        S.REPLIED,
        S.RESOLVED,
        S.REOPENED,
        S.TRANSFERRED,
        EXTENDED,
        S.CLOSED_UNSOLVABLE,
    } == flows.NEEDS_REASON


USERS = [
    "officer",
    "officer2",
    "department",
    "department2",
    "enterprise",
    "leader",
    "admin",
    "city_leader",
    "auditor",
    "bank",
    "officer_b",
    "dept_b",
]
MAY = {
    flows.FIRM: {"enterprise"},
    flows.OFFICER: {"officer", "leader", "admin", "city_leader"},
    flows.DEPARTMENT: {"department", "leader", "admin", "city_leader"},
    # after a transfer the problem is with department2
    flows.RECEIVER: {"officer", "department2", "leader", "admin", "city_leader"},
    flows.MANAGER: {"leader", "admin", "city_leader"},
}


@pytest.mark.parametrize(("src", "step"), PROBLEM.pairs())
def test_who_may_take_each_step(case, src, step):
    """Each step is taken only by the roles the table names; the others are refused."""
    problem = walk(case, case.problem, src)
    expected = MAY[PROBLEM.table[src][step].who]
    allowed = set()
    for name in USERS:
        actor = case.users[name]
        with transaction.atomic():
            try:
                problem_transition(
                    actor=actor, problem=problem, to=step, **inputs(case, problem, step)
                )
            except PermissionDenied as exc:
                assert exc.message  # says who may
            else:
                allowed.add(name)
            transaction.set_rollback(True)
    assert allowed == expected
    assert counts(problem) == counts(Problem.objects.get(pk=problem.pk))


def test_refused_user_changes_nothing(case):
    """A user the table does not name is refused with who may, and nothing is recorded."""
    problem = walk(case, case.problem, S.ACCEPTED)
    before = (problem.status, problem.due_at, counts(problem))
    with pytest.raises(PermissionDenied, match="department"):
        problem_transition(actor=case.users["officer"], problem=problem, to=S.IN_PROGRESS)
    problem.refresh_from_db()
    assert (problem.status, problem.due_at, counts(problem)) == before


# --- deadlines -----------------------------------------------------------------------------------


def test_submitted_on_friday_is_due_monday(case):
    problem = factories.problem(case.firm_a, on=D(2020, 6, 5))
    assert problem.due_at == D(2020, 6, 8)


def test_reply_due_across_a_make_up_sunday(case):
    """Accepted on Friday 25 Sep 2020: Sunday 27 Sep was a working day (调休)."""
    problem = problem_transition(
        actor=SYSTEM, problem=case.problem, to=S.ACCEPTED, department=case.dept, on=D(2020, 9, 25)
    )
    assert problem.due_at == D(2020, 9, 29)
    assert problem.accepted_on == D(2020, 9, 25)


def test_reply_due_across_the_national_day_holiday(case):
    """Accepted on 29 Sep 2020: 1-8 Oct are off, Saturday 10 Oct is a working day."""
    problem = problem_transition(
        actor=SYSTEM, problem=case.problem, to=S.ACCEPTED, department=case.dept, on=D(2020, 9, 29)
    )
    assert problem.due_at == D(2020, 10, 10)


def test_configured_holiday_moves_the_deadline(case):
    """A day added in the calendar is skipped from then on."""
    services.calendar_day_set(actor=case.users["admin"], date=D(2021, 3, 4), kind="holiday")
    problem = problem_transition(
        actor=SYSTEM, problem=case.problem, to=S.ACCEPTED, department=case.dept, on=D(2021, 3, 1)
    )
    assert problem.due_at == D(2021, 3, 5)  # Tue, Wed, (Thu off), Fri


def test_only_an_administrator_edits_the_calendar(case):
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=case.users["leader"], date=D(2021, 3, 4), kind="holiday")


def test_replied_sets_the_resolve_deadline_from_acceptance(case):
    problem = case.problem
    for step, on in [(S.ACCEPTED, D(2020, 6, 1)), (S.IN_PROGRESS, D(2020, 6, 1))]:
        problem = problem_transition(
            actor=SYSTEM, problem=problem, to=step, on=on, **inputs(case, problem, step)
        )
    problem = problem_transition(
        actor=SYSTEM, problem=problem, to=S.REPLIED, reason="已答复", on=D(2020, 6, 2)
    )
    assert problem.due_at == D(2020, 6, 22)  # 15 working days after Monday 1 June


def test_extension_once_and_within_the_limit(case):
    problem = case.problem
    for step in (S.ACCEPTED, S.IN_PROGRESS):
        problem = problem_transition(
            actor=SYSTEM, problem=problem, to=step, on=D(2020, 6, 1), **inputs(case, problem, step)
        )
    limit = D(2020, 7, 14)  # 30 working days after 1 June 2020: 25-27 June off, 28 June worked
    with pytest.raises(ValidationFailed) as exc:
        problem_transition(
            actor=case.users["officer"],
            problem=problem,
            to=EXTENDED,
            reason="需省级审批",
            due_on=limit + dt.timedelta(days=1),
            on=D(2020, 6, 2),
        )
    assert "2020-07-14" in str(exc.value)
    with pytest.raises(ValidationFailed, match="reason"):
        problem_transition(actor=case.users["officer"], problem=problem, to=EXTENDED, due_on=limit)
    problem = problem_transition(
        actor=case.users["officer"],
        problem=problem,
        to=EXTENDED,
        reason="需省级审批",
        due_on=limit,
        on=D(2020, 6, 2),
    )
    assert (problem.status, problem.due_at, problem.extended) == (S.IN_PROGRESS, limit, True)
    event = problem.events.latest("id")
    assert event.payload["due_to"] == "2020-07-14"
    with pytest.raises(DomainError, match="only once"):
        problem_transition(
            actor=SYSTEM,
            problem=problem,
            to=EXTENDED,
            reason="再延",
            due_on=limit,
            on=D(2020, 6, 3),
        )
    # the reply keeps the extended deadline
    problem = problem_transition(
        actor=SYSTEM, problem=problem, to=S.REPLIED, reason="已答复", on=D(2020, 6, 3)
    )
    assert problem.due_at == limit


def test_reopen_after_resolve(case):
    """The firm reopens a resolved problem with a reason; it is due again in 15 working days."""
    problem = walk(case, case.problem, S.RESOLVED)
    assert problem.resolved_at is not None and problem.due_at is None
    with pytest.raises(ValidationFailed, match="reason"):
        problem_transition(actor=case.users["enterprise"], problem=problem, to=S.REOPENED)
    problem = problem_transition(
        actor=case.users["enterprise"],
        problem=problem,
        to=S.REOPENED,
        reason="问题仍在",
        on=D(2020, 6, 1),
    )
    assert problem.status == S.REOPENED and problem.resolved_at is None
    assert problem.due_at == D(2020, 6, 22)
    problem = problem_transition(actor=case.users["department"], problem=problem, to=S.IN_PROGRESS)
    assert problem.assignee == case.users["department"]


def test_confirm_needs_a_rating(case):
    problem = walk(case, case.problem, S.RESOLVED)
    with pytest.raises(ValidationFailed, match="satisfaction"):
        problem_transition(actor=case.users["enterprise"], problem=problem, to=S.CONFIRMED)
    with pytest.raises(ValidationFailed):
        problem_transition(
            actor=case.users["enterprise"], problem=problem, to=S.CONFIRMED, satisfaction=6
        )
    problem = problem_transition(
        actor=case.users["enterprise"],
        problem=problem,
        to=S.CONFIRMED,
        satisfaction=5,
        comment="好",
    )
    assert (problem.satisfaction, problem.firm_comment, problem.status) == (5, "好", S.CONFIRMED)


def test_transfer_to_another_department(case):
    """A transfer names the new department and the reason; that department accepts it."""
    problem = walk(case, case.problem, S.IN_PROGRESS)
    with pytest.raises(ValidationFailed, match="department"):
        problem_transition(
            actor=case.users["officer"],
            problem=problem,
            to=S.TRANSFERRED,
            reason="x",
            department=case.dept,
        )
    dept_b = case.users["dept_b"].department
    with pytest.raises(ValidationFailed, match="department"):
        problem_transition(
            actor=case.users["officer"],
            problem=problem,
            to=S.TRANSFERRED,
            reason="x",
            department=dept_b,
        )
    problem = problem_transition(
        actor=case.users["officer"],
        problem=problem,
        to=S.TRANSFERRED,
        reason="属招商服务局职能",
        department=case.dept2,
    )
    assert (problem.department, problem.assignee) == (case.dept2, None)
    event = problem.events.latest("id")
    assert event.payload["department_from"] == case.dept.pk
    assert event.payload["department_to"] == case.dept2.pk
    assert event.reason == "属招商服务局职能"
    problem = problem_transition(
        actor=case.users["department2"],
        problem=problem,
        to=S.ACCEPTED,
        assignee=case.users["department2"],
    )
    assert (problem.status, problem.department) == (S.ACCEPTED, case.dept2)


def test_accept_needs_a_department_of_the_zone(case):
    with pytest.raises(ValidationFailed, match="department"):
        problem_transition(actor=case.users["officer"], problem=case.problem, to=S.ACCEPTED)
    with pytest.raises(ValidationFailed, match="assignee"):
        problem_transition(
            actor=case.users["officer"],
            problem=case.problem,
            to=S.ACCEPTED,
            department=case.dept,
            assignee=case.users["department2"],
        )


# --- escalation ----------------------------------------------------------------------------------


def test_escalation_is_idempotent(case):
    """Overdue problems are escalated once, with an event and an audit entry each."""
    late = factories.problem(case.firm_a, on=D(2020, 6, 1))  # due 2 June
    closed = walk(case, factories.problem(case.firm_a2, on=D(2020, 6, 1)), S.CLOSED_UNSOLVABLE)
    on_time = case.problem  # submitted today

    first = services.problems_escalate(actor=SYSTEM, today=D(2020, 6, 10))
    second = services.problems_escalate(actor=SYSTEM, today=D(2020, 6, 10))

    assert [p.pk for p in first] == [late.pk]
    assert second == []
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert late.events.filter(move=flows.ESCALATED).count() == 1
    assert AuditEntry.objects.filter(target_id=str(late.pk), changes__has_key="escalated_at")
    assert closed.events.filter(move=flows.ESCALATED).count() == 0
    assert on_time.events.filter(move=flows.ESCALATED).count() == 0


def test_a_new_deadline_can_escalate_again(case):
    late = factories.problem(case.firm_a, on=D(2020, 6, 1))
    services.problems_escalate(actor=SYSTEM, today=D(2020, 6, 10))
    late = problem_transition(
        actor=SYSTEM, problem=late, to=S.ACCEPTED, department=case.dept, on=D(2020, 6, 10)
    )
    assert late.escalated_at is None
    assert [p.pk for p in services.problems_escalate(actor=SYSTEM, today=D(2020, 6, 20))] == [
        late.pk
    ]


def test_a_refusal_is_said_in_chinese_to_chinese_users(case):
    from django.utils import translation

    problem = case.problem
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        problem_transition(actor=SYSTEM, problem=problem, to=S.RESOLVED, reason="已解决")
    assert "不能转为" in str(exc.value)

"""Who sees which problems and lists; submit, contacts and plans."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.casework import selectors, services
from zonedesk.casework.models import Problem
from zonedesk.casework.services import problem_transition
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.org.models import Department

S = Problem.Status
D = dt.date


@pytest.fixture
def lists(world):
    world.dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    world.users["department2"] = factories.department_user(world.zone_a, "招商服务局", "dept2")
    world.users["dept_b"] = factories.department_user(world.zone_b, "乙经济局", "dept_b")
    world.p1 = factories.problem(world.firm_a, on=D(2020, 6, 1))
    world.p1 = problem_transition(
        actor=SYSTEM, problem=world.p1, to=S.ACCEPTED, department=world.dept, on=D(2020, 6, 1)
    )
    world.p2 = factories.problem(world.firm_a2, category="export", title="出口订单交付受阻")
    world.p2 = problem_transition(
        actor=SYSTEM,
        problem=world.p2,
        to=S.ACCEPTED,
        department=world.users["department2"].department,
    )
    world.p3 = factories.problem(world.firm_b, category="labour", title="招工难")
    return world


SEES = {
    "officer": {"p1", "p2"},
    "officer2": {"p1", "p2"},
    "department": {"p1"},
    "department2": {"p2"},
    "enterprise": {"p1"},
    "leader": {"p1", "p2"},
    "admin": {"p1", "p2"},
    "auditor": {"p1", "p2"},
    "city_leader": {"p1", "p2"},
    "bank": set(),
    "officer_b": {"p3"},
    "dept_b": set(),
}
MINE = {"officer": {"p1"}, "officer2": set(), "department": set(), "enterprise": {"p1"}}


def names(world, qs) -> set[str]:
    ids = {p.pk for p in qs}
    return {n for n in ("p1", "p2", "p3") if getattr(world, n).pk in ids}


@pytest.mark.parametrize("who", SEES)
def test_problem_scope_per_role(lists, who):
    """Each role lists and opens exactly the problems of its part of the zone."""
    user = lists.users[who]
    assert names(lists, selectors.problems(user)) == SEES[who]
    for n in ("p1", "p2", "p3"):
        found = selectors.problem_get(user, pk=getattr(lists, n).pk)
        assert (found is not None) == (n in SEES[who])


@pytest.mark.parametrize("who", MINE)
def test_mine(lists, who):
    """An officer's own list holds the firms assigned to them; a firm user's all of its own."""
    assert names(lists, selectors.problems(lists.users[who], mine=True)) == MINE[who]


def test_filters(lists):
    """The problem list filters by category, status, department and overdue."""
    leader = lists.users["leader"]
    assert names(lists, selectors.problems(leader, category="export")) == {"p2"}
    assert names(lists, selectors.problems(leader, status=S.ACCEPTED)) == {"p1", "p2"}
    assert names(lists, selectors.problems(leader, department=lists.dept)) == {"p1"}
    today = timezone.localdate()
    assert names(lists, selectors.problems(leader, overdue=True, today=today)) == {"p1"}
    assert names(lists, selectors.problems(leader, overdue=False, today=today)) == {"p2"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("leader", {"p1"}),
        ("admin", {"p1"}),
        ("city_leader", {"p1"}),
        ("officer", set()),
        ("department", set()),
        ("enterprise", set()),
        ("officer_b", set()),
    ],
)
def test_overdue_for_leader(lists, who, expected):
    """Overdue problems are listed for the leaders over the zone, for nobody else."""
    got = selectors.overdue_for_leader(lists.users[who], timezone.localdate())
    assert names(lists, got) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("department", ["p1"]),
        ("department2", ["p2"]),
        ("dept_b", []),
        ("officer", []),
        ("leader", []),
        ("enterprise", []),
    ],
)
def test_department_queue(lists, who, expected):
    """A department's queue holds the problems in its charge, for its own staff only."""
    got = [p.pk for p in selectors.department_queue(lists.users[who])]
    assert got == [getattr(lists, n).pk for n in expected]


# --- submit --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "firm", "ok"),
    [
        ("enterprise", "firm_a", True),
        ("enterprise", "firm_a2", False),
        ("officer", "firm_a", True),
        ("officer2", "firm_a", False),
        ("leader", "firm_a2", True),
        ("department", "firm_a", False),
        ("officer_b", "firm_a", False),
        ("leader", "firm_b", False),
    ],
)
def test_who_may_submit(world, who, firm, ok):
    """A firm raises its own problems, an officer those of their firms, a leader those of the
    zone; anyone else is refused and nothing is stored."""

    def submit():
        return services.problem_submit(
            actor=world.users[who],
            enterprise=getattr(world, firm),
            category="finance",
            title="贷款到期续贷难",
            raised_via="phone",
        )

    if ok:
        problem = submit()
        assert problem.status == S.SUBMITTED and problem.raised_by == world.users[who]
        assert problem.events.get().to_state == S.SUBMITTED
    else:
        with pytest.raises(PermissionDenied):
            submit()
        assert not Problem.objects.exists()


def test_firm_submits_online_by_default(world):
    problem = services.problem_submit(
        actor=world.users["enterprise"], enterprise=world.firm_a, category="land", title="用地"
    )
    assert problem.raised_via == Problem.Via.ONLINE


def test_submit_checks_its_input(world):
    with pytest.raises(ValidationFailed) as exc:
        services.problem_submit(
            actor=world.users["officer"], enterprise=world.firm_a, category="nope", title=""
        )
    assert "raised_via" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.problem_submit(
            actor=world.users["officer"],
            enterprise=world.firm_a,
            category="nope",
            title="",
            raised_via="visit",
        )
    assert {"category", "title"} <= set(exc.value.errors)


# --- contacts and plans --------------------------------------------------------------------------


def test_contact_log_with_problems(world):
    """A contact logged with problems raises them as visits (anonymous if asked) and keeps its
    participants."""
    contact = services.contact_log(
        actor=world.users["officer"],
        enterprise=world.firm_a,
        date=D(2020, 6, 3),
        kind="on_site",
        participants=[world.users["officer"], world.users["department"]],
        notes="走访",
        figures_seen="6月产值1200万元",
        follow_up_on=D(2020, 6, 17),
        problems=[
            services.ProblemData(category="export", title="订单无法交付", anonymous=True),
            services.ProblemData(category="finance", title="回款慢"),
        ],
    )
    raised = list(contact.problems.order_by("id"))
    assert [p.raised_via for p in raised] == [Problem.Via.VISIT] * 2
    assert raised[0].anonymous and raised[0].due_at == D(2020, 6, 4)
    assert set(contact.participants.all()) == {world.users["officer"], world.users["department"]}


@pytest.mark.parametrize("who", ["officer2", "department", "enterprise", "officer_b"])
def test_contact_log_refused(world, who):
    """Only the firm's own officer and the leaders log a contact with it."""
    with pytest.raises(PermissionDenied):
        services.contact_log(
            actor=world.users[who], enterprise=world.firm_a, date=D(2020, 6, 3), kind="phone"
        )


def test_contact_log_checks_dates_and_participants(world):
    officer = world.users["officer"]
    with pytest.raises(ValidationFailed, match="future"):
        services.contact_log(
            actor=officer,
            enterprise=world.firm_a,
            date=timezone.localdate() + dt.timedelta(days=1),
            kind="phone",
        )
    with pytest.raises(ValidationFailed, match="participants"):
        services.contact_log(
            actor=officer,
            enterprise=world.firm_a,
            date=D(2020, 6, 3),
            kind="phone",
            participants=[world.users["officer_b"]],
        )


def test_plan_set(world):
    """The firm's officer sets its contact plan and keeps the cadre; only a leader names the
    leading cadre, who must be a leader; another officer is refused."""
    officer, leader = world.users["officer"], world.users["leader"]
    plan = services.plan_set(
        actor=officer, enterprise=world.firm_a, visit_every_days=60, call_every_days=20
    )
    with pytest.raises(PermissionDenied, match="leading cadre"):
        services.plan_set(
            actor=officer,
            enterprise=world.firm_a,
            visit_every_days=60,
            call_every_days=20,
            leading_cadre=leader,
        )
    with pytest.raises(ValidationFailed, match="leader"):
        services.plan_set(
            actor=leader,
            enterprise=world.firm_a,
            visit_every_days=60,
            call_every_days=20,
            leading_cadre=officer,
        )
    plan = services.plan_set(
        actor=leader,
        enterprise=world.firm_a,
        visit_every_days=60,
        call_every_days=20,
        at_risk=True,
        leading_cadre=leader,
    )
    # the officer changes the intervals and keeps the cadre
    plan = services.plan_set(
        actor=officer, enterprise=world.firm_a, visit_every_days=45, call_every_days=15
    )
    assert (plan.visit_every_days, plan.leading_cadre, plan.at_risk) == (45, leader, False)
    with pytest.raises(PermissionDenied):
        services.plan_set(
            actor=world.users["officer2"],
            enterprise=world.firm_a,
            visit_every_days=1,
            call_every_days=1,
        )


def test_contacts_due(world):
    """Overdue against the plan (halved when at risk) or the default; never-contacted first."""
    today = D(2020, 9, 1)
    officer, leader = world.users["officer"], world.users["leader"]
    services.contact_log(
        actor=officer, enterprise=world.firm_a, date=today - dt.timedelta(days=100), kind="on_site"
    )
    services.contact_log(
        actor=officer, enterprise=world.firm_a, date=today - dt.timedelta(days=10), kind="phone"
    )
    # default plan: a visit every 90 days -> 10 days late
    mine = selectors.contacts_due(officer, today=today)
    assert [(r.enterprise, r.days_overdue) for r in mine] == [(world.firm_a, 10)]
    zone = selectors.contacts_due(leader, today=today)
    assert [(r.enterprise, r.days_overdue) for r in zone] == [
        (world.firm_a2, None),
        (world.firm_a, 10),
    ]
    services.plan_set(
        actor=leader, enterprise=world.firm_a, visit_every_days=120, call_every_days=30
    )
    assert selectors.contacts_due(officer, today=today) == []
    services.plan_set(
        actor=leader,
        enterprise=world.firm_a,
        visit_every_days=120,
        call_every_days=30,
        at_risk=True,
    )
    assert [r.days_overdue for r in selectors.contacts_due(officer, today=today)] == [40]
    for who in ("officer2", "department", "enterprise", "officer_b"):
        assert all(
            r.enterprise != world.firm_a
            for r in selectors.contacts_due(world.users[who], today=today)
        )


def test_zone_overview(lists):
    """Counts by category and department, working days to resolve and satisfaction."""
    p1 = lists.p1
    for step, extra in [
        (S.IN_PROGRESS, {}),
        (S.REPLIED, {"reason": "已答复"}),
        (S.RESOLVED, {"reason": "已解决"}),
    ]:
        p1 = problem_transition(actor=SYSTEM, problem=p1, to=step, **extra)
    p1 = problem_transition(
        actor=lists.users["enterprise"], problem=p1, to=S.CONFIRMED, satisfaction=4
    )
    today = timezone.localdate()
    overview = selectors.zone_overview(
        lists.users["leader"], zone=lists.zone_a, period=Period.of(today), today=today
    )
    assert overview.total.open == 1  # p2
    assert overview.total.resolved == 1
    assert overview.total.satisfaction_avg == 4
    finance = next(r for r in overview.by_category if r.key == "finance")
    assert finance.resolved == 1 and finance.raised == 0  # raised in June 2020
    assert finance.avg_days_to_resolve > 0
    export = next(r for r in overview.by_category if r.key == "export")
    assert (export.raised, export.open, export.overdue) == (1, 1, 0)
    assert {r.label for r in overview.by_department} == {"经济发展局", "招商服务局"}
    for who in ("enterprise", "bank", "officer_b"):
        assert (
            selectors.zone_overview(lists.users[who], zone=lists.zone_a, period=Period.of(today))
            is None
        )
    # Department staff: the same counts, of their department's problems only.
    staff = lists.users["department"]
    theirs = selectors.zone_overview(staff, zone=lists.zone_a, period=Period.of(today))
    assert theirs.department_only and not overview.department_only
    assert {r.key for r in theirs.by_department} == {str(staff.department_id)}


def test_a_person_to_put_in_charge_is_found_only_in_the_acting_users_zones(world):
    staff_a = world.users["department"]
    staff_b = factories.department_user(world.zone_b, "乙经济局", "dept_b")
    officer, city_leader = world.users["officer"], world.users["city_leader"]
    assert selectors.active_user(officer, pk=staff_a.pk) == staff_a
    assert selectors.active_user(city_leader, pk=staff_a.pk) == staff_a  # zone_a is Dazhou's
    assert selectors.active_user(officer, pk=staff_b.pk) is None
    assert selectors.active_user(officer, pk=world.users["officer_b"].pk) is None
    assert selectors.active_user(city_leader, pk=staff_b.pk) is None
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    assert selectors.active_user(officer, pk=staff_a.pk) is None

"""The demo zone's key projects: 20 at every stage and light, the four producing ones the four
firms new in 2020, and the scheduling meeting listing exactly the red and yellow nodes."""

import datetime as dt

import pytest
from django.utils import timezone

from zonedesk.org.models import User
from zonedesk.projects import lights, selectors
from zonedesk.projects.models import Project, ProjectNode, Replan

pytestmark = pytest.mark.django_db


def test_the_demo_has_projects_at_every_stage_and_light(demo):
    leader = User.objects.get(username="leader")
    rows = selectors.project_rows(leader)
    assert len(rows) == 20
    assert {r.light for r in rows} == {"red", "yellow", "green"}
    assert len({r.stage for r in rows}) >= 10  # from 签约 to 达产
    producing = Project.objects.filter(state__in=["producing", "full"])
    assert producing.count() == 4
    assert sorted(p.investor.production_start.year for p in producing) == [2020] * 4
    assert all(p.name.endswith("（合成）") for p in Project.objects.all())
    # Investors by whole name (no "园区22投资有限公司" cut from a project's name, projwalk).
    named = [p.investor_name for p in Project.objects.filter(investor=None)]
    assert named and all(n.endswith("有限公司（合成）") for n in named)
    assert "园区22投资有限公司（合成）" not in named and "汽车零部投资有限公司（合成）" not in named


def test_no_demo_project_in_production_is_years_late(demo):
    """A project producing since 2020 has its old nodes done: none is late by more than a year
    (the 塑料制品 base's 达产 was shown 2,003 days late)."""
    today = timezone.localdate()
    late = ProjectNode.objects.filter(
        project__state__in=["producing", "full"],
        status=ProjectNode.Status.OPEN,
        planned_on__lt=today - dt.timedelta(days=365),
    )
    assert not late.exists(), list(late.values_list("project__name", "name", "planned_on"))
    assert set(Replan.objects.values_list("status", flat=True)) == {
        "approved",
        "refused",
        "requested",
    }


def test_the_demo_meeting_lists_exactly_the_red_and_yellow_nodes(demo):
    leader = User.objects.get(username="leader")
    today = timezone.localdate()
    expected = set()
    for row in selectors.project_rows(leader):
        for node in row.project.nodes.all():
            light = selectors.Lighter(today)(node)
            if light in (lights.RED, lights.YELLOW):
                expected.add(node.pk)
    listed = {i.node.pk for _name, items in selectors.meeting(leader) for i in items}
    assert listed == expected and len(listed) > 10


def test_the_demo_has_monthly_investment_from_each_signing_month(demo):
    from django.db.models import Min

    from zonedesk.projects.models import MonthlyInvestment

    today = timezone.localdate()
    first = dict(
        MonthlyInvestment.objects.values("project")
        .annotate(m=Min("month"))
        .values_list("project", "m")
    )
    projects = list(Project.objects.all())
    assert len(first) == len(projects) == 20
    for p in projects:
        assert first[p.pk] == p.signed_on.replace(day=1), p.name
    rows = MonthlyInvestment.objects.all()
    assert not rows.filter(month__gt=today.replace(month=12, day=1)).exists()
    assert not rows.filter(month__gte=today.replace(day=1), done_wan__gt=0).exists()
    assert rows.filter(done_wan__gt=0).exists()
    # The list's totals for the year: some of the plan completed, not all of it.
    leader = User.objects.get(username="leader")
    totals = selectors.investment_totals([r.project for r in selectors.project_rows(leader)])
    assert 0 < totals.all.rate < 1


def test_the_demo_re_plans_were_asked_and_decided_before_today(demo):
    """From the outside walk: the demo's re-plans are dated before the day the demo is loaded,
    decided after they were asked, and none asks for a date already past when asked."""
    now = timezone.now()
    for replan in Replan.objects.filter(reason__endswith="（合成）"):
        assert replan.requested_at < now
        assert timezone.localdate(replan.requested_at) < timezone.localdate()
        assert replan.to_on >= timezone.localdate(replan.requested_at)
        if replan.decided_at is not None:
            assert replan.requested_at < replan.decided_at < now
        assert [e.at for e in replan.events.order_by("id")] == sorted(
            e.at for e in replan.events.all()
        )
        assert all(e.at < now for e in replan.events.all())


def test_every_demo_node_has_a_person_in_charge(demo):
    nodes = ProjectNode.objects.filter(project__name__endswith="（合成）")
    assert nodes.exists() and not nodes.filter(person__isnull=True).exists()
    staff = User.objects.get(username="dept")
    assert set(nodes.filter(department=staff.department).values_list("person", flat=True)) == {
        staff.pk
    }


def test_the_demo_firm_user_sees_their_firms_project(demo):
    firm_user = User.objects.get(username="firm")
    rows = selectors.project_rows(firm_user)
    assert [r.project.name for r in rows] == ["电子元器件扩能项目（合成）"]
    assert rows[0].project.investor.members.filter(user=firm_user).exists()


def test_the_demo_department_user_may_ask_to_re_plan_their_departments_open_nodes(demo):
    staff = User.objects.get(username="dept")
    rows = selectors.project_rows(staff)
    assert rows
    offered = {
        (r.node.department_id, r.can_replan)
        for row in rows
        for r in selectors.node_rows(staff, row.project)
        if r.node.status == "open" and r.pending is None
    }
    assert (staff.department_id, True) in offered
    assert all(ok == (dept == staff.department_id) for dept, ok in offered)


def test_the_demo_has_service_requests_at_night_and_one_overdue(demo):
    from zonedesk.projects.models import ServiceRequest

    leader = User.objects.get(username="leader")
    requests = ServiceRequest.objects.select_related("project", "problem")
    assert requests.count() == 5
    assert any(timezone.localtime(r.problem.created_at).hour >= 22 for r in requests)
    rows = [row for p in {r.project for r in requests} for row in selectors.service_log(leader, p)]
    assert len(rows) == 5
    unanswered = [r for r in rows if r.clock.responded_at is None and r.late_response]
    assert len(unanswered) == 1
    assert sum(r.clock.resolved_at is not None for r in rows) == 3

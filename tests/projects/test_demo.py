"""The demo zone's key projects: 20 at every stage and light, the four producing ones the four
firms new in 2020, and the scheduling meeting listing exactly the red and yellow nodes."""

import pytest
from django.utils import timezone

from zonedesk.org.models import User
from zonedesk.projects import lights, selectors
from zonedesk.projects.models import Project, Replan

pytestmark = pytest.mark.django_db


def test_the_demo_has_projects_at_every_stage_and_light(demo):
    leader = User.objects.get(username="leader")
    rows = selectors.project_rows(leader)
    assert len(rows) == 20
    assert {r.light for r in rows} == {"red", "yellow", "green"}
    assert len({r.stage for r in rows}) >= 10  # from 签约 to 达产
    producing = Project.objects.filter(state="producing")
    assert producing.count() == 4
    assert sorted(p.investor.production_start.year for p in producing) == [2020] * 4
    assert all(p.name.endswith("（合成）") for p in Project.objects.all())
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

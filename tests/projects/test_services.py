"""Key projects' services: a project and its nodes from the template, completing nodes in the
order they wait for, re-plans approved by a leader with the baseline kept, every write audited
and refused on a stale version."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import TransitionRefused
from zonedesk.projects import selectors, services, templates_default
from zonedesk.projects.models import NodeEvent, Project, ProjectNode, Replan, ReplanEvent

pytestmark = pytest.mark.django_db
D = dt.date


def _project(world, **fields):
    today = timezone.localdate()
    return factories.project(
        world.zone_a,
        signed_on=today - dt.timedelta(days=100),  # 签约 past, 开工 (165 days) to come
        investor=world.firm_a,
        investor_name="",
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        **fields,
    )


def _node(project, code) -> ProjectNode:
    return ProjectNode.objects.get(project=project, code=code)


def _complete(project, *codes, actor=SYSTEM, done_on=None):
    for code in codes:
        services.node_complete(actor=actor, node=_node(project, code), done_on=done_on)


def test_a_project_gets_the_templates_twelve_nodes(world):
    project = _project(world)
    nodes = list(project.nodes.order_by("seq"))
    assert [n.name for n in nodes][:3] == ["签约", "立项/备案", "用地预审"]
    assert len(nodes) == 12 and nodes[-1].name == "达产"
    assert all(n.baseline_on == n.planned_on and n.status == "open" for n in nodes)
    land = _node(project, "land")
    assert {n.code for n in land.depends_on.all()} == {"approve", "land_review"}
    # 经济发展局 is a department of zone_a; 规划建设局 is not, so its nodes have none.
    assert _node(project, "approve").department.name == "经济发展局"
    assert _node(project, "land").department is None
    entry = AuditEntry.objects.get(target_type="projects.project", target_id=str(project.pk))
    assert entry.action == "create" and entry.zone_id == world.zone_a.pk


def test_only_the_zones_managers_add_a_project(world):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=world.users["officer"],
            zone=world.zone_a,
            data=services.ProjectData(
                code="X",
                name="X项目",
                level="county",
                kind="industrial",
                total_investment_wan=1,
                first_production_month=D(2021, 1, 1),
                signed_on=D(2020, 1, 1),
                investor_name="某公司",
            ),
        )
    assert not Project.objects.exists()


def test_a_node_is_refused_before_the_nodes_it_waits_for(world):
    project = _project(world)
    _complete(project, "sign", "approve")
    land = _node(project, "land")

    with pytest.raises(TransitionRefused) as refused:
        services.node_complete(actor=world.users["leader"], node=land)

    assert "“用地预审”" in refused.value.message and "立项" not in refused.value.message
    land.refresh_from_db()
    assert (land.status, land.done_on, land.events.count()) == ("open", None, 0)


def test_completing_a_node_stamps_it_writes_an_event_and_an_audit_entry(world):
    project = _project(world)
    day = timezone.localdate() - dt.timedelta(days=3)
    _complete(project, "sign", "approve", "land_review", done_on=day - dt.timedelta(days=7))
    land = _node(project, "land")

    services.node_complete(actor=world.users["officer"], node=land, done_on=day)

    land.refresh_from_db()
    assert (land.status, land.done_on, land.version) == ("done", day, 2)
    event = NodeEvent.objects.get(node=land)
    assert (event.from_state, event.to_state, event.actor) == (
        "open",
        "done",
        world.users["officer"],
    )
    entry = AuditEntry.objects.filter(
        target_type="projects.projectnode", target_id=str(land.pk)
    ).get()
    assert entry.changes["done_on"] == [None, str(day)] and entry.zone_id == world.zone_a.pk
    with pytest.raises(TransitionRefused):  # done is final
        services.node_complete(actor=world.users["leader"], node=land)


def test_a_completion_made_on_an_old_version_is_refused(world):
    project = _project(world)
    sign = _node(project, "sign")
    services.replan_request(
        actor=world.users["officer"],
        node=sign,
        to_on=timezone.localdate() + dt.timedelta(days=1),
        reason="业主推迟签约",
    )
    replan = Replan.objects.get()
    services.replan_decide(actor=world.users["leader"], replan=replan, decision="approved")

    with pytest.raises(StaleVersion):
        services.node_complete(actor=world.users["leader"], node=sign, expected_version=1)
    assert _node(project, "sign").status == "open"


def test_who_may_complete_a_node(world):
    project = _project(world)
    staff = world.users["department"]  # 经济发展局 of zone_a
    _complete(project, "sign")
    with pytest.raises(PermissionDenied):
        services.node_complete(actor=world.users["officer2"], node=_node(project, "approve"))
    with pytest.raises(PermissionDenied):
        services.node_complete(actor=world.users["officer_b"], node=_node(project, "approve"))
    with pytest.raises(PermissionDenied):  # not its department's node
        services.node_complete(actor=staff, node=_node(project, "land_review"))
    services.node_complete(actor=staff, node=_node(project, "approve"))
    services.node_complete(actor=world.users["officer"], node=_node(project, "land_review"))
    assert _node(project, "approve").status == _node(project, "land_review").status == "done"


def test_a_node_is_not_done_before_the_nodes_it_waits_for_were(world):
    """Found on the outside walk: 用地预审 was completed on 2020-01-05 after 签约 was done in 2026."""
    project = _project(world)
    sign = _node(project, "sign")
    services.node_complete(actor=SYSTEM, node=sign, done_on=D(2020, 3, 2))
    approve = _node(project, "approve")
    with pytest.raises(ValidationFailed) as refused:
        services.node_complete(actor=SYSTEM, node=approve, done_on=D(2020, 3, 1))
    assert "签约" in refused.value.errors["done_on"][0]
    approve.refresh_from_db()
    assert (approve.status, approve.done_on) == ("open", None)
    services.node_complete(actor=SYSTEM, node=approve, done_on=D(2020, 3, 2))  # the same day: fine
    approve.refresh_from_db()
    assert approve.done_on == D(2020, 3, 2)


def test_a_node_is_not_done_in_the_future(world):
    project = _project(world)
    with pytest.raises(ValidationFailed) as refused:
        services.node_complete(
            actor=SYSTEM,
            node=_node(project, "sign"),
            done_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "done_on" in refused.value.errors


def test_production_nodes_move_the_projects_state(world):
    project = _project(world)
    codes = [n.code for n in project.nodes.order_by("seq")]
    _complete(project, *codes[: codes.index("producing")])
    assert Project.objects.get(pk=project.pk).state == "active"
    _complete(project, "producing")
    assert Project.objects.get(pk=project.pk).state == "producing"
    _complete(project, "full")
    assert Project.objects.get(pk=project.pk).state == "full"


def test_a_replan_moves_the_plan_only_when_a_leader_approves_and_keeps_the_baseline(world):
    project = _project(world)
    start = _node(project, "start")
    baseline = start.baseline_on
    later = baseline + dt.timedelta(days=30)

    replan = services.replan_request(
        actor=world.users["officer"], node=start, to_on=later, reason="施工许可延后"
    )
    assert _node(project, "start").planned_on == baseline  # not until approved
    with pytest.raises(ValidationFailed):  # one waits at a time
        services.replan_request(actor=world.users["officer"], node=start, to_on=later, reason="再")
    with pytest.raises(PermissionDenied):  # the service officer does not approve their own
        services.replan_decide(actor=world.users["officer"], replan=replan, decision="approved")

    services.replan_decide(actor=world.users["leader"], replan=replan, decision="approved")

    start.refresh_from_db()
    assert (start.baseline_on, start.planned_on, start.replanned) == (baseline, later, True)
    assert Replan.objects.get().status == "approved"
    assert [e.move for e in ReplanEvent.objects.order_by("id")] == ["requested", "approved"]
    node_entry = AuditEntry.objects.filter(
        target_type="projects.projectnode", target_id=str(start.pk)
    ).get()
    assert node_entry.changes["planned_on"] == [str(baseline), str(later)]


def test_a_refused_replan_needs_a_reason_and_changes_no_date(world):
    project = _project(world)
    start = _node(project, "start")
    replan = services.replan_request(
        actor=world.users["leader"],
        node=start,
        to_on=start.planned_on - dt.timedelta(days=9),
        reason="提前开工",
    )
    with pytest.raises(ValidationFailed):
        services.replan_decide(actor=world.users["leader"], replan=replan, decision="refused")
    services.replan_decide(
        actor=world.users["leader"], replan=replan, decision="refused", note="条件不具备"
    )
    assert _node(project, "start").planned_on == start.baseline_on
    assert Replan.objects.get().decision_note == "条件不具备"


def test_a_replan_needs_a_reason_and_an_open_node(world):
    project = _project(world)
    sign = _node(project, "sign")
    with pytest.raises(ValidationFailed) as refused:
        services.replan_request(
            actor=world.users["leader"], node=sign, to_on=sign.planned_on, reason=" "
        )
    assert set(refused.value.errors) == {"reason", "to_on"}
    _complete(project, "sign")
    with pytest.raises(ValidationFailed):
        services.replan_request(
            actor=world.users["leader"],
            node=_node(project, "sign"),
            to_on=D(2030, 1, 1),
            reason="x",
        )


# --- lights as stored and read -------------------------------------------------------------------


def test_lights_over_the_2020_national_day_holiday(world, settings):
    """Signed (planned) on Friday 9 October 2020: on 30 September it is one working day away
    (1-8 October off), so yellow with a 3-day warning, though seven ordinary working days away;
    on Saturday 10 October (a make-up working day) it is red."""
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 3}
    project = factories.project(world.zone_a, signed_on=D(2020, 10, 9))
    leader = world.users["leader"]

    [row] = selectors.project_rows(leader, today=D(2020, 9, 30))
    assert (row.project, row.light, row.stage) == (project, "yellow", "签约")
    assert selectors.project_rows(leader, today=D(2020, 9, 25))[0].light == "green"
    assert selectors.project_rows(leader, today=D(2020, 10, 10))[0].light == "red"
    assert selectors.project_rows(leader, light="green", today=D(2020, 10, 10)) == []


def test_lights_over_a_weekend(world, settings):
    """Planned Tuesday 9 June 2020: from Friday 5 June that is two working days."""
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 2}
    factories.project(world.zone_a, signed_on=D(2020, 6, 9))
    leader = world.users["leader"]
    assert selectors.project_rows(leader, today=D(2020, 6, 5))[0].light == "yellow"
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 1}
    assert selectors.project_rows(leader, today=D(2020, 6, 5))[0].light == "green"


def test_the_meeting_lists_exactly_the_red_and_yellow_nodes_by_department(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 5}
    today = D(2020, 6, 15)  # a Monday
    late = factories.project(world.zone_a, code="A", signed_on=D(2020, 5, 1))
    _complete(late, "sign")  # approve and land_review (31 May) are red; land (30 July) green
    soon = factories.project(world.zone_a, code="B", signed_on=D(2020, 6, 19))  # sign: yellow
    factories.project(world.zone_a, code="C", signed_on=D(2020, 7, 1))  # all green
    factories.project(world.zone_b, code="D", signed_on=D(2020, 5, 1))  # not the leader's

    groups = selectors.meeting(world.users["leader"], today=today)

    listed = {
        (name, i.node.project.code, i.node.code, i.light) for name, items in groups for i in items
    }
    assert listed == {
        ("经济发展局", "A", "approve", "red"),
        ("", "A", "land_review", "red"),
        ("", "B", "sign", "yellow"),
    }
    assert [name for name, _items in groups] == ["经济发展局", ""]
    assert soon.pk and groups[1][1][0].light == "red"  # red first within a department


def test_who_asks_for_a_re_plan_does_not_approve_it(world):
    """Found on the second outside walk: a leader asked to move a node and approved it himself.
    The one who asks may withdraw (refuse) the request, not approve it; another leader may."""
    project = _project(world)
    start = _node(project, "start")
    later = start.planned_on + dt.timedelta(days=20)
    replan = services.replan_request(
        actor=world.users["leader"], node=start, to_on=later, reason="征地协调延后"
    )
    with pytest.raises(PermissionDenied):
        services.replan_decide(actor=world.users["leader"], replan=replan, decision="approved")
    assert _node(project, "start").planned_on == start.planned_on
    assert Replan.objects.get().status == "requested"
    services.replan_decide(
        actor=world.users["leader"], replan=replan, decision="refused", note="撤回申请"
    )
    assert Replan.objects.get().status == "refused"


def test_the_zones_managers_name_the_person_in_charge_of_a_node(world):
    project = _project(world)
    approve = _node(project, "approve")  # 经济发展局's
    staff = world.users["department"]
    services.node_person_set(actor=world.users["leader"], node=approve, person=staff)
    approve.refresh_from_db()
    assert (approve.person, approve.version) == (staff, 2)
    entry = AuditEntry.objects.get(
        target_type="projects.projectnode", target_id=str(approve.pk), action="update"
    )
    # A new project's nodes are in its service officer's charge until named otherwise.
    assert entry.changes["person"] == [project.service_officer_id, staff.pk]
    land_review = _node(project, "land_review")  # no department of zone_a
    for person in (staff, world.users["officer_b"], world.users["city_leader"]):
        with pytest.raises(ValidationFailed) as refused:
            services.node_person_set(actor=world.users["leader"], node=land_review, person=person)
        assert "person" in refused.value.errors
    with pytest.raises(PermissionDenied):
        services.node_person_set(
            actor=world.users["officer"], node=land_review, person=world.users["officer"]
        )
    services.node_person_set(
        actor=world.users["admin"], node=land_review, person=world.users["officer2"]
    )
    assert _node(project, "land_review").person == world.users["officer2"]


def test_node_dates_plan_the_production_stage_from_the_production_month():
    """Pure: 投产 due on the month's last day, 试生产 and 达产 at their distance from it, never
    before the signing; without a month or a 投产 node, every node from the signing date."""
    offsets = [("sign", 0), ("start", 165), ("trial", 450), ("producing", 480), ("full", 845)]
    signed = dt.date(2026, 1, 10)
    planned = services.node_dates(offsets, signed, dt.date(2028, 6, 1))
    assert planned == {
        "sign": signed,
        "start": signed + dt.timedelta(days=165),
        "trial": dt.date(2028, 5, 31),
        "producing": dt.date(2028, 6, 30),
        "full": dt.date(2028, 6, 30) + dt.timedelta(days=365),
    }
    soon = services.node_dates(offsets, signed, dt.date(2026, 1, 1))
    assert soon["producing"] == dt.date(2026, 1, 31) and soon["trial"] == signed
    by_signing = {code: signed + dt.timedelta(days=d) for code, d in offsets}
    assert services.node_dates(offsets, signed, None) == by_signing
    no_producing = [o for o in offsets if o[0] != "producing"]
    assert services.node_dates(no_producing, signed, dt.date(2028, 6, 1)) == {
        c: d for c, d in by_signing.items() if c != "producing"
    }


@pytest.mark.parametrize(
    "month",
    [
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 9, 1),
        dt.date(2027, 2, 1),
        dt.date(2027, 9, 1),
        dt.date(2031, 6, 1),
    ],
)
def test_node_dates_keep_every_node_after_what_it_waits_for(month):
    """Pure, over the default template: whatever the month of first production (near or
    far), every node is planned no earlier than each node it waits for, and none before the
    signing; the nodes before 试生产 keep their template days when there is room for them."""
    offsets = [(code, days) for code, _name, days, _dept, _deps in templates_default.NODES]
    signed = dt.date(2026, 1, 10)
    planned = services.node_dates(offsets, signed, month)
    for code, _name, _days, _dept, deps in templates_default.NODES:
        assert planned[code] >= signed, code
        for dep in deps:
            assert planned[code] >= planned[dep], (code, dep)
    if month >= dt.date(2027, 6, 1):
        assert planned["accepted"] == signed + dt.timedelta(days=420)

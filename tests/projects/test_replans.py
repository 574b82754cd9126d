"""Re-plans, from the outside walk (pfix): the new date is not in the past nor before a node it
waits for; approving moves the nodes waiting for it that would fall before it (随前置节点顺延),
in the same transaction; the leaders who may approve are notified, and the one who asked hears
the decision; the leader's list of re-plans to decide; department staff ask for their nodes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.notices.models import Notification
from zonedesk.projects import access, services
from zonedesk.projects.models import ProjectNode, Replan, ReplanEvent

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _project(world, *, days_ago=100, **fields):
    return factories.project(
        world.zone_a,
        signed_on=timezone.localdate() - days_ago * DAY,
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        **fields,
    )


def _node(project, code) -> ProjectNode:
    return ProjectNode.objects.get(project=project, code=code)


def n_reason(notification) -> str:
    """The reason its re-plan gave (the notice's text ends with it)."""
    return Replan.objects.get(pk=notification.about.split(":")[1]).reason


def _dates(project) -> dict[str, dt.date]:
    return dict(project.nodes.values_list("code", "planned_on"))


# --- validation ------------------------------------------------------------------------------


def test_a_new_date_in_the_past_is_refused_and_nothing_changes(world):
    project = _project(world)
    start = _node(project, "start")
    yesterday = timezone.localdate() - DAY
    with pytest.raises(ValidationFailed) as refused:
        services.replan_request(
            actor=world.users["officer"], node=start, to_on=yesterday, reason="提前"
        )
    assert refused.value.errors["to_on"] == ["The new date cannot be in the past."]
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused_zh:
        services.replan_request(
            actor=world.users["officer"], node=start, to_on=yesterday, reason="提前"
        )
    assert refused_zh.value.errors["to_on"] == ["新的日期不能早于今天。"]
    assert not Replan.objects.exists() and _node(project, "start").version == 1


def test_a_new_date_before_a_node_it_waits_for_is_refused(world):
    project = _project(world, days_ago=10)  # 施工许可 in 140 days, 开工 in 155
    start = _node(project, "start")
    permit = _node(project, "build_permit")
    with pytest.raises(ValidationFailed) as refused:
        services.replan_request(
            actor=world.users["officer"],
            node=start,
            to_on=permit.planned_on - DAY,
            reason="提前开工",
        )
    [message] = refused.value.errors["to_on"]
    assert "“施工许可”" in message and permit.planned_on.strftime("%Y") in message
    assert not Replan.objects.exists()
    # On the day of the node it waits for, it is accepted.
    services.replan_request(
        actor=world.users["officer"], node=start, to_on=permit.planned_on, reason="提前开工"
    )
    assert Replan.objects.get().to_on == permit.planned_on


# --- the cascade -----------------------------------------------------------------------------


def test_approving_moves_the_nodes_that_would_fall_before_it(world):
    project = _project(world, days_ago=10)
    before = _dates(project)
    baselines = dict(project.nodes.values_list("code", "baseline_on"))
    to_on = before["start"] + 200 * DAY
    replan = services.replan_request(
        actor=world.users["officer"], node=_node(project, "start"), to_on=to_on, reason="征地延后"
    )

    with translation.override("zh-hans"):
        services.replan_decide(actor=world.users["city_leader"], replan=replan, decision="approved")

    after = _dates(project)
    assert after["start"] == to_on
    # Every node after 开工 that would now fall before the node it waits for moved, keeping its
    # distance from it; the others stayed.
    for code in ("topped", "accepted", "trial", "producing", "full"):
        waits = _node(project, code).depends_on.get()
        old_gap = before[code] - before[waits.code]
        if before[code] < after[waits.code]:
            assert after[code] == after[waits.code] + old_gap, code
        else:
            assert after[code] == before[code], code
    moved = {c for c in after if after[c] != before[c]}
    assert {"start", "topped", "accepted"} <= moved
    assert all(after[c] == before[c] for c in ("sign", "approve", "build_permit"))
    assert dict(project.nodes.values_list("code", "baseline_on")) == baselines
    cascaded = Replan.objects.exclude(pk=replan.pk)
    assert {r.node.code for r in cascaded} == moved - {"start"}
    assert {(r.status, r.reason) for r in cascaded} == {("approved", "随前置节点顺延")}
    assert all(r.from_on == before[r.node.code] and r.to_on == after[r.node.code] for r in cascaded)
    for r in cascaded:
        assert [e.move for e in r.events.order_by("id")] == ["requested", "approved"]
        entry = AuditEntry.objects.get(
            target_type="projects.projectnode", target_id=str(r.node_id), action="update"
        )
        assert entry.changes["replan_reason"] == [None, "随前置节点顺延"]


def test_the_cascade_keeps_the_distance_down_the_chain(world):
    project = _project(world, days_ago=10)
    services.node_complete(actor=SYSTEM, node=_node(project, "sign"))
    before = _dates(project)
    replan = services.replan_request(
        actor=world.users["officer"],
        node=_node(project, "build_permit"),
        to_on=before["start"] + 10 * DAY,
        reason="图审延后",
    )
    services.replan_decide(actor=world.users["leader"], replan=replan, decision="approved")
    after = _dates(project)
    assert after["build_permit"] == before["start"] + 10 * DAY
    assert after["start"] == after["build_permit"] + (before["start"] - before["build_permit"])
    assert after["sign"] == before["sign"]


def test_an_approval_checks_the_nodes_it_waits_for_again(world):
    """A node waited for moved later after the request: approving the earlier date is refused
    and nothing moves (the one transaction rolls back)."""
    project = _project(world, days_ago=10)
    before = _dates(project)
    start_replan = services.replan_request(
        actor=world.users["officer"],
        node=_node(project, "start"),
        to_on=before["start"] + 5 * DAY,
        reason="开工推迟",
    )
    permit_replan = services.replan_request(
        actor=world.users["officer"],
        node=_node(project, "build_permit"),
        to_on=before["start"] + 30 * DAY,
        reason="施工许可推迟",
    )
    services.replan_decide(actor=world.users["leader"], replan=permit_replan, decision="approved")
    moved = _dates(project)
    with pytest.raises(ValidationFailed):
        services.replan_decide(
            actor=world.users["city_leader"], replan=start_replan, decision="approved"
        )
    assert _dates(project) == moved
    assert Replan.objects.get(pk=start_replan.pk).status == "requested"


# --- notices ---------------------------------------------------------------------------------


def test_a_request_notifies_the_leaders_who_may_approve_and_the_decision_the_asker(world):
    project = _project(world)
    officer, leader = world.users["officer"], world.users["leader"]
    replan = services.replan_request(
        actor=officer,
        node=_node(project, "start"),
        to_on=_node(project, "start").planned_on + 20 * DAY,
        reason="设计变更",
    )
    # A leader of another province (wanzhou is Chongqing's) may not approve: not asked.
    elsewhere = factories.user("leader_cq", ["leader"], area=world.wanzhou)
    replan_b = services.replan_request(
        actor=world.users["leader"],
        node=_node(project, "topped"),
        to_on=_node(project, "topped").planned_on + 20 * DAY,
        reason="结构调整",
    )
    asked = Notification.objects.filter(kind="replan_asked")
    recipients = {n.recipient for n in asked.filter(about=f"projects.replan:{replan.pk}")}
    assert recipients == {leader, world.users["city_leader"]}  # the zone's and the city's
    assert all(access.can_decide_replan(u, project) for u in recipients)
    assert elsewhere not in {n.recipient for n in asked}
    # Asked by the zone's leader: the city's leader is asked, not the asker.
    assert {n.recipient for n in asked.filter(about=f"projects.replan:{replan_b.pk}")} == {
        world.users["city_leader"]
    }
    assert {n.link for n in asked} == {reverse("projects:replans")}
    assert all(project.name in n.title and n.body.endswith(n_reason(n)) for n in asked)
    assert not Notification.objects.filter(recipient=officer).exists()

    services.replan_decide(actor=leader, replan=replan, decision="approved")

    [told] = Notification.objects.filter(kind="replan_decided")
    assert told.recipient == officer and told.sender == leader
    assert told.link == reverse("projects:detail", args=[project.pk])
    assert "approved" in told.title
    # Decided: no leader keeps it as a re-plan to decide; the other one still waits (projwalk).
    decided = asked.filter(about=f"projects.replan:{replan.pk}")
    assert decided.count() == 2 and not decided.filter(read_at__isnull=True).exists()
    assert asked.get(about=f"projects.replan:{replan_b.pk}").read_at is None


def test_a_refusal_tells_the_asker_why(world):
    project = _project(world)
    officer = world.users["officer"]
    replan = services.replan_request(
        actor=officer,
        node=_node(project, "start"),
        to_on=_node(project, "start").planned_on + 20 * DAY,
        reason="设计变更",
    )
    services.replan_decide(
        actor=world.users["leader"], replan=replan, decision="refused", note="先报图审"
    )
    [told] = Notification.objects.filter(kind="replan_decided")
    assert told.recipient == officer and told.body == "先报图审" and "refused" in told.title


# --- department staff ------------------------------------------------------------------------


def test_department_staff_ask_for_a_re_plan_of_their_departments_nodes(world):
    project = _project(world)
    staff = world.users["department"]  # 经济发展局: 立项/备案 is theirs, 用地预审 is not
    approve = _node(project, "approve")
    assert approve.department == staff.department
    to_on = timezone.localdate() + 15 * DAY
    replan = services.replan_request(actor=staff, node=approve, to_on=to_on, reason="材料补正")
    assert replan.requested_by == staff
    with pytest.raises(PermissionDenied):
        services.replan_request(
            actor=staff, node=_node(project, "land_review"), to_on=to_on, reason="材料补正"
        )
    with pytest.raises(PermissionDenied):  # asking is not deciding
        services.replan_decide(actor=staff, replan=replan, decision="approved")


def test_department_staff_ask_from_the_project_page(world, client_for):
    project = _project(world)
    client = client_for(world.users["department"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'data-testid="replan-approve"' in page and 'data-testid="replan-land_review"' not in page
    approve = _node(project, "approve")
    answer = client.post(
        reverse("projects:node_replan", args=[approve.pk]),
        {"version": approve.version, "to_on": timezone.localdate() + 15 * DAY, "reason": "补正"},
    )
    assert answer.status_code == 302
    assert Replan.objects.get().node == approve


# --- the leader's list -----------------------------------------------------------------------


def test_the_leaders_list_of_re_plans_to_decide(world, client_for):
    project = _project(world, name="待审项目")
    other = factories.project(
        world.zone_b, code="B-1", name="乙区项目", signed_on=project.signed_on
    )
    start = _node(project, "start")
    replan = services.replan_request(
        actor=world.users["officer"], node=start, to_on=start.planned_on + 9 * DAY, reason="延后"
    )
    services.replan_request(
        actor=SYSTEM,
        node=_node(other, "start"),
        to_on=_node(other, "start").planned_on + 9 * DAY,
        reason="乙区延后",
    )
    leader = client_for(world.users["leader"])
    leader.cookies["django_language"] = "en"

    page = leader.get(reverse("projects:replans")).content.decode()
    assert "待审项目" in page and "乙区项目" not in page
    assert f'data-testid="decide-{replan.pk}"' in page
    listing = leader.get(reverse("projects:list")).content.decode()
    assert 'data-testid="replans-link"' in listing

    refused = leader.post(
        reverse("projects:replan_decide", args=[replan.pk]),
        {"decision": "refused", "back": "replans"},
    )
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    approved = leader.post(
        reverse("projects:replan_decide", args=[replan.pk]),
        {"decision": "approved", "back": "replans"},
    )
    assert approved.status_code == 302 and approved["Location"] == reverse("projects:replans")
    assert Replan.objects.get(pk=replan.pk).status == "approved"
    assert "待审项目" not in leader.get(reverse("projects:replans")).content.decode()

    officer_page = client_for(world.users["officer"]).get(reverse("projects:replans"))
    assert officer_page.status_code == 200 and "待审项目" not in officer_page.content.decode()
    assert ReplanEvent.objects.filter(replan=replan).count() == 2


def test_a_leaders_own_re_plan_says_another_leader_approves_it(world, client_for):
    """A leader who asks for a re-plan is told, on asking and on the project's page, that
    another leader must approve it (the approve button is not theirs)."""
    project = _project(world)
    start = _node(project, "start")
    leader = client_for(world.users["leader"])
    leader.cookies["django_language"] = "en"
    response = leader.post(
        reverse("projects:node_replan", args=[start.pk]),
        {
            "version": start.version,
            "to_on": f"{start.planned_on + 9 * DAY:%Y-%m-%d}",
            "reason": "延后",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "awaits the decision of another leader" in page
    assert 'data-testid="own-replan-start"' in page
    officer = client_for(world.users["officer"])
    officer.cookies["django_language"] = "en"
    assert "own-replan-start" not in officer.get(f"/projects/{project.pk}/").content.decode()

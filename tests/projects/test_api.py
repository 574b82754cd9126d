"""Key projects over the API: the list with lights and filters, one project with its nodes,
completing a node, asking for a re-plan and deciding it, a project's re-plans; the same scope
and refusals as the pages (403, 404, 409 with the reason, 400 with field errors), nothing
changed by a refused request."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.org.services import api_token_create
from zonedesk.projects import services
from zonedesk.projects.models import ProjectNode, Replan

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def client_for(client_for):
    """Answers in English (the Chinese is the catalogue's)."""

    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def projects(world):
    """In zone_a: a late provincial project (signed 100 days ago: its first nodes red) served by
    `officer` with `leader` its leading cadre, and a services project signed in 60 days (green);
    in zone_b: one project."""
    today = timezone.localdate()
    late = factories.project(
        world.zone_a,
        code="A-1",
        name="红灯厂房项目",
        signed_on=today - dt.timedelta(days=100),
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        level="province",
        investor=world.firm_a,
        investor_name="",
    )
    fine = factories.project(
        world.zone_a,
        code="A-2",
        name="绿灯仓储项目",
        kind="services",
        signed_on=today + dt.timedelta(days=60),
    )
    other = factories.project(world.zone_b, code="B-1", name="乙区项目", signed_on=today)
    return late, fine, other


def _node(project, code) -> ProjectNode:
    return ProjectNode.objects.get(project=project, code=code)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def _audits() -> int:
    """The newest audit entry's id (0 when none)."""
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_the_list_has_lights_red_first_and_filters(world, client_for, projects):
    client = client_for(world.users["leader"])
    body = client.get("/api/v1/projects").json()
    assert [(p["code"], p["light"]) for p in body["items"]] == [("A-1", "red"), ("A-2", "green")]
    first = body["items"][0]
    assert first["stage"] == "签约" and first["nodes_total"] == 12
    assert first["investor"] == world.firm_a.name and first["investor_id"] == world.firm_a.pk
    assert first["service_officer"] == str(world.users["officer"]) and first["zone"] == "zone-a"

    def codes(**query):
        return [p["code"] for p in client.get("/api/v1/projects", query).json()["items"]]

    assert codes(light="green") == ["A-2"]
    assert codes(kind="services") == ["A-2"]
    assert codes(level="province") == ["A-1"]
    assert codes(level="city") == []


def test_a_filter_that_is_no_value_is_a_field_error(world, client_for, projects):
    response = client_for(world.users["leader"]).get(
        "/api/v1/projects", {"light": "blue", "kind": "mining"}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"light", "kind"} and "red, yellow, green" in errors["light"][0]


def test_the_list_is_scoped_like_the_page(world, client_for, projects):
    """The enterprise user sees its firm's project; department staff those with a node in
    their department's charge (both zone_a projects: 立项 is 经济发展局's); zone_b's officer
    only zone_b's."""

    def codes(user):
        body = client_for(world.users[user]).get("/api/v1/projects").json()
        return sorted(p["code"] for p in body["items"])

    assert codes("enterprise") == ["A-1"]
    assert codes("department") == ["A-1", "A-2"]
    assert codes("officer_b") == ["B-1"]
    assert codes("bank") == []


def test_the_detail_has_nodes_with_baseline_planned_actual_and_what_the_caller_may_do(
    world, client_for, projects
):
    late, _fine, other = projects
    services.node_complete(actor=SYSTEM, node=_node(late, "sign"))
    officer = client_for(world.users["officer"])
    body = officer.get(f"/api/v1/projects/{late.pk}").json()
    assert body["name"] == "红灯厂房项目" and body["light"] == "red"
    assert body["stage"] == "立项/备案" and body["nodes_done"] == 1
    nodes = {n["code"]: n for n in body["nodes"]}
    assert list(nodes)[:3] == ["sign", "approve", "land_review"]
    sign, approve, land = nodes["sign"], nodes["approve"], nodes["land"]
    assert sign["status"] == "done" and sign["light"] is None
    assert sign["done_on"] == timezone.localdate().isoformat()
    assert approve["light"] == "red" and approve["can_complete"] and approve["can_replan"]
    assert approve["department"] == "经济发展局" and approve["waits_for"] == ["签约"]
    assert approve["baseline_on"] == approve["planned_on"] and not approve["replanned"]
    # 土地摘牌 waits for 立项 and 用地预审, both open.
    assert not land["can_complete"] and sorted(land["waits_for"]) == ["用地预审", "立项/备案"]
    # A reader sees the same nodes and may do nothing.
    auditor = client_for(world.users["auditor"]).get(f"/api/v1/projects/{late.pk}").json()
    assert not any(n["can_complete"] or n["can_replan"] for n in auditor["nodes"])
    # Another zone's project, or none, is not found.
    assert officer.get(f"/api/v1/projects/{other.pk}").status_code == 404
    assert officer.get("/api/v1/projects/999999").status_code == 404


def test_completing_a_node(world, client_for, projects):
    late, *_ = projects
    sign = _node(late, "sign")
    client = client_for(world.users["officer"])
    day = timezone.localdate() - dt.timedelta(days=3)
    response = _post(
        client,
        f"/api/v1/projects/nodes/{sign.pk}/complete",
        {"version": sign.version, "done_on": day.isoformat()},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["done_on"] == day.isoformat()
    assert body["light"] is None and body["version"] == sign.version + 1
    sign.refresh_from_db()
    assert sign.status == "done" and sign.done_on == day
    assert AuditEntry.objects.filter(
        target_type="projects.projectnode", target_id=str(sign.pk), actor=world.users["officer"]
    ).exists()


def test_completing_refusals_change_nothing(world, client_for, projects):
    late, _fine, other = projects
    sign, approve = _node(late, "sign"), _node(late, "approve")
    officer = client_for(world.users["officer"])
    before = _audits()
    url = f"/api/v1/projects/nodes/{approve.pk}/complete"

    # 立项 waits for 签约: refused with the reason.
    waiting = _post(officer, url, {"version": approve.version})
    assert waiting.status_code == 409 and "签约" in waiting.json()["detail"]
    # A reader may not; department staff may not complete a node outside their charge.
    sign_url = f"/api/v1/projects/nodes/{sign.pk}/complete"
    auditor = _post(client_for(world.users["auditor"]), sign_url, {"version": sign.version})
    assert auditor.status_code == 403
    department = _post(client_for(world.users["department"]), sign_url, {"version": sign.version})
    assert department.status_code == 403
    # Another zone's node is not found.
    b_sign = _node(other, "sign")
    outside = _post(
        officer, f"/api/v1/projects/nodes/{b_sign.pk}/complete", {"version": b_sign.version}
    )
    assert outside.status_code == 404
    # No version, or a date in the future: the request's fields.
    assert _post(officer, sign_url, {}).status_code == 422
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    ahead = _post(officer, sign_url, {"version": sign.version, "done_on": future})
    assert ahead.status_code == 400 and "done_on" in ahead.json()["errors"]
    assert (
        _post(officer, sign_url, {"version": sign.version, "done_on": "2020-02-30"}).status_code
        == 422
    )
    # A stale version: 409 naming the stored one.
    stale = _post(officer, sign_url, {"version": sign.version + 5})
    assert stale.status_code == 409 and stale.json()["version"] == sign.version
    assert ProjectNode.objects.filter(project=late, status="done").count() == 0
    assert not AuditEntry.objects.filter(pk__gt=before, target_type__startswith="projects.")


def test_a_done_node_cannot_be_completed_again(world, client_for, projects):
    late, *_ = projects
    sign = services.node_complete(actor=SYSTEM, node=_node(late, "sign"))
    response = _post(
        client_for(world.users["officer"]),
        f"/api/v1/projects/nodes/{sign.pk}/complete",
        {"version": sign.version},
    )
    assert response.status_code == 409 and "none: the node is done" in response.json()["detail"]


def test_asking_for_a_replan_and_a_leader_deciding_it(world, client_for, projects):
    late, *_ = projects
    start = _node(late, "start")
    officer = client_for(world.users["officer"])
    to_on = start.planned_on + dt.timedelta(days=30)
    asked = _post(
        officer,
        f"/api/v1/projects/nodes/{start.pk}/replans",
        {"version": start.version, "to_on": to_on.isoformat(), "reason": "施工许可延后"},
    )
    assert asked.status_code == 201, asked.content
    replan = asked.json()
    assert replan["status"] == "requested" and replan["from_on"] == start.planned_on.isoformat()
    assert replan["requested_by"] == str(world.users["officer"]) and replan["node"] == "开工"

    detail = officer.get(f"/api/v1/projects/{late.pk}").json()
    node = next(n for n in detail["nodes"] if n["code"] == "start")
    assert node["pending_replan_id"] == replan["id"] and not node["can_replan"]

    # The officer may not decide; the leading cadre approves; the baseline stays.
    url = f"/api/v1/projects/replans/{replan['id']}/decision"
    assert _post(officer, url, {"decision": "approved"}).status_code == 403
    decided = _post(client_for(world.users["leader"]), url, {"decision": "approved"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == str(world.users["leader"])
    start.refresh_from_db()
    assert start.planned_on == to_on and start.baseline_on != to_on and start.replanned
    # Decided: a second decision is refused with the reason.
    again = _post(client_for(world.users["leader"]), url, {"decision": "refused", "note": "晚"})
    assert again.status_code == 409 and "decided" in again.json()["detail"]

    history = officer.get(f"/api/v1/projects/{late.pk}/replans").json()
    assert [(r["id"], r["status"], r["reason"]) for r in history] == [
        (replan["id"], "approved", "施工许可延后")
    ]


def test_replan_refusals_are_field_errors_and_change_nothing(world, client_for, projects):
    late, _fine, other = projects
    start = _node(late, "start")
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/nodes/{start.pk}/replans"
    no_reason = _post(
        officer, url, {"version": start.version, "to_on": "2030-01-31", "reason": "  "}
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    same = _post(
        officer,
        url,
        {"version": start.version, "to_on": start.planned_on.isoformat(), "reason": "同日"},
    )
    assert same.status_code == 400 and "to_on" in same.json()["errors"]
    assert _post(officer, url, {"version": start.version, "reason": "无日期"}).status_code == 422
    nul = _post(officer, url, {"version": start.version, "to_on": "2030-01-31", "reason": "a\x00"})
    assert nul.status_code == 422
    reader = _post(
        client_for(world.users["auditor"]),
        url,
        {"version": start.version, "to_on": "2030-01-31", "reason": "延后"},
    )
    assert reader.status_code == 403
    b_start = _node(other, "start")
    outside = _post(
        officer,
        f"/api/v1/projects/nodes/{b_start.pk}/replans",
        {"version": b_start.version, "to_on": "2030-01-31", "reason": "延后"},
    )
    assert outside.status_code == 404
    # One waits at a time.
    services.replan_request(actor=SYSTEM, node=start, to_on=dt.date(2030, 1, 1), reason="先")
    second = _post(officer, url, {"version": start.version, "to_on": "2030-02-01", "reason": "再"})
    assert second.status_code == 400 and "already awaits" in second.json()["errors"]["__all__"][0]
    assert Replan.objects.count() == 1


def test_decision_refusals(world, client_for, projects):
    late, _fine, other = projects
    start = _node(late, "start")
    replan = services.replan_request(
        actor=world.users["leader"], node=start, to_on=dt.date(2030, 1, 1), reason="延后"
    )
    leader = client_for(world.users["leader"])
    url = f"/api/v1/projects/replans/{replan.pk}/decision"
    # Neither approved nor refused: a field error.
    odd = _post(leader, url, {"decision": "maybe"})
    assert odd.status_code == 400 and "decision" in odd.json()["errors"]
    # Refusing needs a note.
    bare = _post(leader, url, {"decision": "refused"})
    assert bare.status_code == 400 and "note" in bare.json()["errors"]
    # Who asked does not approve.
    own = _post(leader, url, {"decision": "approved"})
    assert own.status_code == 403 and "other than the one who asked" in own.json()["detail"]
    # Another zone's re-plan is not found, even by a leader.
    b_replan = services.replan_request(
        actor=SYSTEM, node=_node(other, "start"), to_on=dt.date(2030, 1, 1), reason="延后"
    )
    outside = _post(
        leader, f"/api/v1/projects/replans/{b_replan.pk}/decision", {"decision": "approved"}
    )
    assert outside.status_code == 404
    replan.refresh_from_db()
    start.refresh_from_db()
    assert replan.status == "requested" and start.planned_on == start.baseline_on
    # The leader may still withdraw (refuse) their own, with a note.
    withdrawn = _post(leader, url, {"decision": "refused", "note": "撤回"})
    assert withdrawn.status_code == 200 and withdrawn.json()["decision_note"] == "撤回"


def test_a_bearer_token_acts_as_its_user(client, world, projects):
    late, *_ = projects
    _row, token = api_token_create(actor=SYSTEM, user=world.users["officer"], name="t")
    sign = _node(late, "sign")
    response = client.post(
        f"/api/v1/projects/nodes/{sign.pk}/complete",
        json.dumps({"version": sign.version}),
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert client.get("/api/v1/projects").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_decision_through_the_api_outside_any_test_transaction(world, client_for):
    """As in production (no transaction around the request): the decision locks the re-plan in
    its own transaction (on PostgreSQL, SELECT … FOR UPDATE outside one is an error)."""
    project = factories.project(
        world.zone_a, signed_on=timezone.localdate(), leading_cadre=world.users["leader"]
    )
    start = _node(project, "start")
    replan = services.replan_request(
        actor=SYSTEM, node=start, to_on=start.planned_on + dt.timedelta(days=7), reason="延后"
    )
    response = _post(
        client_for(world.users["leader"]),
        f"/api/v1/projects/replans/{replan.pk}/decision",
        {"decision": "approved"},
    )
    assert response.status_code == 200, response.content
    start.refresh_from_db()
    assert start.planned_on == replan.to_on

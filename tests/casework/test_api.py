"""Casework over the API: a problem raised, accepted, handled by its department and confirmed
by the firm, each through the one transition service; refusals as 400/403/409; every list
scoped to the user."""

import json

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.casework.models import Problem
from zonedesk.org.models import Department

pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def test_a_problem_goes_its_way_through_the_api(world, client_for):
    dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    officer = client_for(world.users["officer"])
    firm = client_for(world.users["enterprise"])
    department = client_for(world.users["department"])

    created = post(
        firm,
        f"/api/v1/firms/{world.firm_a.pk}/problems",
        {"category": "export", "title": "出口订单无法交付", "raised_via": "online"},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "submitted" and created.json()["due_at"]

    # a department step before acceptance: refused with the steps that may follow
    early = post(department, f"/api/v1/problems/{pk}/steps", {"to": "resolved", "reason": "x"})
    assert early.status_code in (403, 404, 409)
    refused = post(officer, f"/api/v1/problems/{pk}/steps", {"to": "resolved", "reason": "x"})
    assert refused.status_code == 409 and "detail" in refused.json()
    missing = post(officer, f"/api/v1/problems/{pk}/steps", {"to": "accepted"})
    assert missing.status_code == 400  # which department?
    accepted = post(
        officer, f"/api/v1/problems/{pk}/steps", {"to": "accepted", "department_id": dept.pk}
    )
    assert accepted.status_code == 200 and accepted.json()["department"] == "经济发展局"
    assert "in_progress" not in accepted.json()["next_steps"]  # the officer's steps only

    queue = department.get("/api/v1/problems").json()
    assert [p["id"] for p in queue["items"]] == [pk]
    for body in (
        {"to": "in_progress"},
        {"to": "replied", "reason": "已联系货代"},
        {"to": "resolved", "reason": "已安排舱位"},
    ):
        response = post(department, f"/api/v1/problems/{pk}/steps", body)
        assert response.status_code == 200, response.content
    assert post(officer, f"/api/v1/problems/{pk}/steps", {"to": "confirmed"}).status_code == 403
    done = post(
        firm,
        f"/api/v1/problems/{pk}/steps",
        {"to": "confirmed", "satisfaction": 5, "comment": "满意"},
    )
    assert done.status_code == 200 and done.json()["satisfaction"] == 5
    steps = [(e["from_status"], e["to_status"]) for e in done.json()["events"]]
    assert steps[-1] == ("resolved", "confirmed") and len(steps) == 6
    assert Problem.objects.get(pk=pk).status == "confirmed"


def test_lists_are_scoped_and_odd_filters_refused(world, client_for):
    mine = factories.problem(world.firm_a)
    neighbour = factories.problem(world.firm_a2, title="用工短缺")
    factories.problem(world.firm_b, title="乙区诉求")
    firm = client_for(world.users["enterprise"])
    assert [p["id"] for p in firm.get("/api/v1/problems").json()["items"]] == [mine.pk]
    assert firm.get(f"/api/v1/problems/{neighbour.pk}").status_code == 404
    leader = client_for(world.users["leader"])
    assert leader.get("/api/v1/problems").json()["count"] == 2  # zone_a's two
    for odd in ({"status": "nope"}, {"category": "x"}):
        response = leader.get("/api/v1/problems", odd)
        assert response.status_code == 400 and set(response.json()["errors"]) == set(odd)
    assert client_for(world.users["bank"]).get("/api/v1/problems").json()["count"] == 0


def test_contacts_due_and_the_zones_overview(world, client_for):
    factories.problem(world.firm_a)
    officer = client_for(world.users["officer"])
    due = officer.get("/api/v1/casework/contacts-due").json()
    assert [d["enterprise_id"] for d in due] == [world.firm_a.pk]  # never contacted
    assert due[0]["days_overdue"] is None
    leader = client_for(world.users["leader"])
    month = timezone.localdate().strftime("%Y-%m")
    overview = leader.get("/api/v1/zones/zone-a/casework", {"period": month})
    assert overview.status_code == 200 and overview.json()["total"]["raised"] == 1
    assert leader.get("/api/v1/zones/zone-a/casework", {"period": "2020-13"}).status_code == 400
    assert leader.get("/api/v1/zones/zone-b/casework", {"period": month}).status_code == 404
    firm = client_for(world.users["enterprise"])
    assert firm.get("/api/v1/zones/zone-a/casework", {"period": month}).status_code == 403


def test_contacts_plans_and_difficulties_over_the_api(world, client_for):

    officer = client_for(world.users["officer"])
    body = {
        "date": "2020-06-10",
        "kind": "on_site",
        "notes": "看了车间",
        "problems": [{"category": "finance", "title": "续贷困难"}],
    }
    made = post(officer, f"/api/v1/firms/{world.firm_a.pk}/contacts", body)
    assert made.status_code == 201 and len(made.json()["problems"]) == 1
    assert (
        post(
            officer, f"/api/v1/firms/{world.firm_a.pk}/contacts", {**body, "kind": "x"}
        ).status_code
        == 400
    )
    assert (
        post(
            client_for(world.users["officer2"]), f"/api/v1/firms/{world.firm_a.pk}/contacts", body
        ).status_code
        == 403
    )
    plan = officer.put(
        f"/api/v1/firms/{world.firm_a.pk}/contact-plan",
        json.dumps({"visit_every_days": 60, "call_every_days": 20, "at_risk": True}),
        content_type=JSON,
    )
    assert plan.status_code == 200 and plan.json()["at_risk"] is True
    leader = client_for(world.users["leader"])
    hard = leader.get("/api/v1/zones/zone-a/difficulties", {"period": "2020-06"})
    assert hard.status_code == 200 and "一是资金与融资" in hard.json()["text"]
    assert hard.json()["categories"][0] == {
        "category": "finance",
        "raised": 1,
        "firms": 1,
        "resolved": 0,
        "overdue": 1,
        "previous": 0,
    }
    assert leader.get("/api/v1/zones/zone-a/difficulties", {"period": "2020-Q5"}).status_code == 400


def test_a_step_cannot_put_a_user_of_another_zone_in_charge(world, client_for):
    dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    staff_b = factories.department_user(world.zone_b, "乙经济局", "dept_b")
    pk = factories.problem(world.firm_a).pk
    body = {"to": "accepted", "department_id": dept.pk, "assignee_id": staff_b.pk}
    refused = post(client_for(world.users["officer"]), f"/api/v1/problems/{pk}/steps", body)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["assignee_id"]  # not found, not merely refused
    assert Problem.objects.get(pk=pk).status == Problem.Status.SUBMITTED


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/problems?enterprise=9223372036854775808", None),
        ("post", "/api/v1/problems/{pk}/steps", {"to": "accepted", "department_id": 2**63}),
        ("post", "/api/v1/problems/{pk}/steps", {"to": "accepted", "assignee_id": 2**64}),
    ],
)
def test_an_id_past_what_a_database_can_hold_is_a_field_error(world, client_for, method, url, body):
    """An id larger than a signed 64-bit integer is refused as bad input (422) naming the field,
    not passed to the database, where SQLite fails on it (found by the API fuzzer)."""
    problem = factories.problem(world.firm_a)
    client = client_for(world.users["officer"])
    url = url.format(pk=problem.pk)

    response = client.get(url) if method == "get" else post(client, url, body)

    assert response.status_code == 422, response.content
    assert "9223372036854775807" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SUBMITTED

"""Entitlements over the API: why a firm qualifies, the next step, the zone's coverage."""

import json

import pytest

from tests.factories import JUNE, TODAY, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(world):
    figures(world.firm_a, 50)
    figures(world.firm_a2, 10)
    m = measure(
        document(world, "county", area=world.kaijiang),
        "employees >= 20 and above_designated_size == false",
        "5",
    )
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    return m


def test_a_firm_sees_what_it_qualifies_for_and_why(world, client_for, matched):
    data = (
        client_for(world.users["enterprise"])
        .get(f"/api/v1/firms/{world.firm_a.pk}/entitlements")
        .json()
    )
    (e,) = data
    assert (
        e["decision"] == "eligible" and e["state"] == "identified" and e["estimate_wan"] == "5.00"
    )
    assert [(c["text"], c["outcome"], c["values"]) for c in e["conditions"]] == [
        ("employees >= 20", True, {"employees": 50.0}),
        ("above_designated_size == false", True, {"above_designated_size": False}),
    ]
    assert e["rule_version"] == 1 and e["facts_of"] == "2020-06"


def test_the_next_step_and_a_refused_one(world, client_for, matched):
    officer = client_for(world.users["officer"])
    officer.handler.enforce_csrf_checks = False
    pk = (
        client_for(world.users["enterprise"])
        .get(f"/api/v1/firms/{world.firm_a.pk}/entitlements")
        .json()[0]["id"]
    )
    url = f"/api/v1/entitlements/{pk}/move"
    assert (
        officer.post(url, json.dumps({"to": "notified"}), content_type="application/json").json()[
            "state"
        ]
        == "notified"
    )
    refused = officer.post(url, json.dumps({"to": "disbursed"}), content_type="application/json")
    assert refused.status_code == 409
    missing = officer.post(url, json.dumps({"to": "approved"}), content_type="application/json")
    assert missing.status_code == 400 and "amount_wan" in missing.json()["errors"]
    nonsense = officer.post(url, json.dumps({"to": "<script>"}), content_type="application/json")
    assert nonsense.status_code == 409


def test_zone_coverage(world, client_for, matched):
    """A zone's coverage by level: measures, pairs and rates, amounts in 万元."""
    rows = client_for(world.users["leader"]).get("/api/v1/zones/zone-a/coverage").json()
    assert rows == [
        {
            "level": "county",
            "label": rows[0]["label"],
            "measures": 1,
            "eligible": 1,
            "notified": 0,
            "done": 0,
            "notified_rate": "0.0000",
            "done_rate": "0.0000",
            "estimated_wan": "5.00",
            "disbursed_wan": "0.00",
        }
    ]


@pytest.fixture
def two(world):
    """Two county measures: firm_a (50 employees) qualifies for both, firm_a2 (10) for one."""
    figures(world.firm_a, 50)
    figures(world.firm_a2, 10)
    doc = document(world, "county", area=world.kaijiang)
    small = measure(doc, "employees >= 5", "employees * 0.1", clause="一", title="小")
    big = measure(doc, "employees >= 20", "1", clause="二", title="大")
    return small, big


def test_open_benefits_are_an_officers_own_unless_all_are_asked_for(world, client_for, two):
    small, _big = two
    officer = client_for(world.users["officer"])
    mine = officer.get("/api/v1/entitlements/open").json()
    assert mine["count"] == 2 and {i["enterprise_id"] for i in mine["items"]} == {world.firm_a.pk}
    every = officer.get("/api/v1/entitlements/open", {"who": "all"}).json()
    assert every["count"] == 3
    services.entitlement_move(
        actor=SYSTEM,
        entitlement=small.entitlements.get(enterprise=world.firm_a2),
        to="notified",
    )
    notified = officer.get("/api/v1/entitlements/open", {"who": "all", "state": "notified"})
    assert [i["title"] for i in notified.json()["items"]] == ["小"]
    leader = client_for(world.users["leader"])
    assert leader.get("/api/v1/entitlements/open").json()["count"] == 3  # managers: all
    for bad in ({"state": "disbursed"}, {"level": "x"}, {"who": "nobody"}):
        response = leader.get("/api/v1/entitlements/open", bad)
        assert response.status_code == 400 and set(response.json()["errors"]) == set(bad)
    assert leader.get("/api/v1/entitlements/open", {"zone": "zone-b"}).status_code == 404
    page = leader.get("/api/v1/entitlements/open", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_coverage_by_measure_and_the_firms_most_owed(world, client_for, two):
    small, big = two
    leader = client_for(world.users["leader"])
    rows = leader.get("/api/v1/zones/zone-a/coverage/measures").json()
    assert [(r["measure_id"], r["eligible"]) for r in rows] == [(small.pk, 2), (big.pk, 1)]
    assert rows[0]["estimated_wan"] == "6.00"  # 5.00 + 1.00
    owed = leader.get("/api/v1/zones/zone-a/unclaimed").json()
    assert [(o["enterprise_id"], o["benefits"], o["estimated_wan"]) for o in owed] == [
        (world.firm_a.pk, 2, "6.00"),
        (world.firm_a2.pk, 1, "1.00"),
    ]
    assert leader.get("/api/v1/zones/zone-a/unclaimed", {"limit": 0}).status_code in (400, 422)
    assert leader.get("/api/v1/zones/zone-b/unclaimed").status_code == 404
    assert (
        client_for(world.users["enterprise"])
        .get("/api/v1/zones/zone-a/coverage/measures")
        .status_code
        == 403
    )

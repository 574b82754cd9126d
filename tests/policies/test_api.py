"""Entitlements over the API: why a firm qualifies, the next step, the zone's coverage."""

import json

import pytest

from tests.policies.test_matching import JUNE, TODAY, document, figures, measure
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
    services.match(actor=None, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
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

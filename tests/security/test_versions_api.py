"""No lost update over the API: GET responses carry `version`; a PATCH or PUT names the version
it read and is answered 409 (who changed the record, when, its version now) when the record
changed since; nothing of it is saved."""

import datetime as dt
import json

import pytest

from tests.factories import JUNE
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.services import api_token_create
from zonedesk.policies import services as policies

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(world):
    """A bearer-token client per user name (English answers)."""
    from django.test import Client

    def make(username):
        _row, token = api_token_create(actor=SYSTEM, user=world.users[username], name="t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")

    return make


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type=JSON)


def test_a_stale_firm_patch_is_409_naming_who_changed_it_and_saves_nothing(world, api):
    url = f"/api/v1/firms/{world.firm_a.pk}"
    leader, officer = api("leader"), api("officer")
    read = leader.get(url).json()["version"]
    assert officer.get(url).json()["version"] == read == 1

    theirs = _patch(officer, url, {"address": "乙路 2 号", "version": read})
    assert theirs.status_code == 200 and theirs.json()["version"] == read + 1

    response = _patch(leader, url, {"address": "甲路 1 号", "version": read})
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == read + 1 and body["changed_by"] == "officer"
    assert dt.datetime.fromisoformat(body["changed_at"])
    assert "was changed by officer at" in body["detail"]
    assert Enterprise.objects.get(pk=world.firm_a.pk).address == "乙路 2 号"
    updates = AuditEntry.objects.filter(target_id=str(world.firm_a.pk), action="update")
    assert [e.actor_name for e in updates] == ["officer"]

    again = _patch(leader, url, {"address": "甲路 1 号", "version": body["version"]})
    assert again.status_code == 200 and again.json()["address"] == "甲路 1 号"


def test_a_patch_without_a_version_is_refused(world, api):
    response = _patch(api("leader"), f"/api/v1/firms/{world.firm_a.pk}", {"address": "x"})
    assert response.status_code in (400, 422) and "version" in response.content.decode()
    assert Enterprise.objects.get(pk=world.firm_a.pk).address == ""


def _document(world):
    return policies.document_create(
        actor=SYSTEM,
        level="zone",
        zone=world.zone_a,
        issuer="管委会（合成）",
        title="支持措施（合成）",
        valid_from=dt.date(2020, 2, 1),
    )


def _measure(world):
    return policies.measure_create(
        actor=SYSTEM,
        document=_document(world),
        clause="第一条",
        title="稳岗补贴（合成）",
        benefit_type="subsidy",
        eligibility="employees >= 20",
        rematch=False,
    )


PATCHES = {
    "zone": (lambda w: f"/api/v1/zones/{w.zone_a.code}", "admin", {"name": "改名"}),
    "document": (
        lambda w: f"/api/v1/policies/documents/{_document(w).pk}",
        "leader",
        {"title": "改的标题"},
    ),
    "measure": (
        lambda w: f"/api/v1/policies/measures/{_measure(w).pk}",
        "leader",
        {"eligibility": "employees >= 30"},
    ),
}


@pytest.mark.parametrize("kind", PATCHES)
def test_every_patch_is_compared(world, api, kind):
    make_url, who, change = PATCHES[kind]
    url, client = make_url(world), api(who)
    read = client.get(url).json()["version"]
    assert _patch(client, url, {**change, "version": read}).status_code == 200
    stale = _patch(client, url, {**change, "version": read})
    assert stale.status_code == 409 and stale.json()["version"] == read + 1
    assert _patch(client, url, {**change, "version": 2**31}).status_code in (400, 422)


def test_put_figures_creates_once_then_needs_the_version(world, api):
    url = f"/api/v1/firms/{world.firm_a.pk}/figures/{JUNE}"
    firm, officer = api("enterprise"), api("officer")
    body = {"output_value_wan": "100", "employees": 10}
    first = firm.put(url, json.dumps(body), content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == 1
    # The officer also thought the month unreported: refused, not overwritten.
    late = officer.put(url, json.dumps({**body, "output_value_wan": "5"}), content_type=JSON)
    assert late.status_code == 409 and late.json()["version"] == 1
    listed = officer.get(f"/api/v1/firms/{world.firm_a.pk}/figures").json()
    assert listed[0]["version"] == 1 and listed[0]["output_value_wan"] == "100.00"
    fixed = officer.put(url, json.dumps({**body, "employees": 11, "version": 1}), content_type=JSON)
    assert fixed.status_code == 200 and fixed.json()["version"] == 2


def test_put_contact_plan_is_compared(world, api):
    url = f"/api/v1/firms/{world.firm_a.pk}/contact-plan"
    officer, leader = api("officer"), api("leader")
    body = {"visit_every_days": 60, "call_every_days": 20}
    assert officer.get(url).json()["version"] == 0  # no plan yet: the defaults
    assert officer.put(url, json.dumps(body), content_type=JSON).json()["version"] == 1
    assert leader.get(url).json()["version"] == 1
    stale = leader.put(url, json.dumps({**body, "visit_every_days": 30}), content_type=JSON)
    assert stale.status_code == 409
    ok = leader.put(
        url, json.dumps({**body, "visit_every_days": 30, "version": 1}), content_type=JSON
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2


def test_the_schema_documents_the_version_and_the_409(client):
    schema = client.get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/firms/{pk}"]["patch"]
    assert "409" in patch["responses"]
    body_ref = patch["requestBody"]["content"][JSON]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "version" in schema["components"]["schemas"][body_ref]["required"]
    for path, method in [
        ("/api/v1/zones/{code}", "patch"),
        ("/api/v1/policies/documents/{pk}", "patch"),
        ("/api/v1/policies/measures/{pk}", "patch"),
        ("/api/v1/firms/{pk}/figures/{period}", "put"),
        ("/api/v1/firms/{pk}/contact-plan", "put"),
    ]:
        assert "409" in schema["paths"][path][method]["responses"], path
    conflict = schema["components"]["schemas"]["ConflictOut"]["properties"]
    assert {"detail", "version", "changed_by", "changed_at"} <= set(conflict)
    assert "version" in schema["components"]["schemas"]["EnterpriseOut"]["properties"]

"""Investment leads over the API: the pipeline and its filters, one lead with activities and
history, create, edit (409 on a stale version), move, sign (a key project), activities, merge,
the funnel; the same scope and refusals as the pages, nothing changed by a refused request."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.chain import leads_factories as leads
from zonedesk.chain.leads_models import Lead, LeadActivity
from zonedesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def client_for(client_for):
    """Answers in English (the Chinese is the catalogue's)."""

    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type=JSON)


def test_the_pipeline_is_the_zones_and_filters(world, client_for):
    mine = leads.lead(world.zone_a, world.users["officer"], name="甲新材料")
    theirs = leads.walk(leads.lead(world.zone_a, world.users["officer2"], name="乙电子"), "visit")
    leads.lead(world.zone_b, world.users["officer_b"], name="丙乙区企业")
    client = client_for(world.users["officer"])
    body = client.get("/api/v1/leads").json()
    assert body["count"] == 2
    assert {r["name"] for r in body["items"]} == {mine.name, theirs.name}
    visit = client.get("/api/v1/leads", {"stage": "visit"}).json()["items"]
    assert [r["id"] for r in visit] == [theirs.pk]
    own = client.get("/api/v1/leads", {"mine": "true"}).json()["items"]
    assert [r["id"] for r in own] == [mine.pk]
    by_owner = client.get("/api/v1/leads", {"owner": world.users["officer2"].pk}).json()
    assert [r["id"] for r in by_owner["items"]] == [theirs.pk]
    bad = client.get("/api/v1/leads", {"stage": "won", "region": "mars"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"stage", "region"}


def test_stale_leads_are_flagged_and_filtered(world, client_for):
    old = leads.lead(world.zone_a, world.users["officer"], name="久未联系公司")
    Lead.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=90), stage_since=dt.date(2020, 1, 1)
    )
    fresh = leads.lead(world.zone_a, world.users["officer"], name="新线索公司")
    client = client_for(world.users["leader"])
    rows = client.get("/api/v1/leads", {"stale": "true"}).json()["items"]
    assert [(r["id"], r["stale"]) for r in rows] == [(old.pk, True)]
    everything = {r["id"]: r["stale"] for r in client.get("/api/v1/leads").json()["items"]}
    assert everything == {old.pk: True, fresh.pk: False}


def test_node_and_chain_filters(world, client_for):
    from zonedesk.chain import services
    from zonedesk.chain.services import ChainData, NodeData
    from zonedesk.core.actors import SYSTEM

    chain = services.chain_save(
        actor=SYSTEM,
        data=ChainData(
            code="flt",
            name="筛选链",
            zone=world.zone_a,
            nodes=(NodeData("a", "甲节点", "up"), NodeData("b", "乙节点", "down")),
        ),
    )
    a, b = chain.nodes.get(code="a"), chain.nodes.get(code="b")
    on_a = leads.lead(world.zone_a, world.users["officer"], name="甲节点目标", gap_node=a)
    leads.lead(world.zone_a, world.users["officer"], name="乙节点目标", gap_node=b)
    leads.lead(world.zone_a, world.users["officer"], name="无节点目标")
    client = client_for(world.users["officer"])
    assert [r["id"] for r in client.get("/api/v1/leads", {"node": a.pk}).json()["items"]] == [
        on_a.pk
    ]
    assert client.get("/api/v1/leads", {"chain": chain.pk}).json()["count"] == 2


def test_firm_and_bank_users_are_refused_and_no_lead_is_found_for_them_nor_another_zones(
    world, client_for
):
    lead = leads.lead(world.zone_b, world.users["officer_b"])
    assert client_for(world.users["enterprise"]).get("/api/v1/leads").status_code == 403
    assert client_for(world.users["bank"]).get(f"/api/v1/leads/{lead.pk}").status_code == 404
    assert client_for(world.users["leader"]).get(f"/api/v1/leads/{lead.pk}").status_code == 404


def test_an_officer_adds_a_lead_they_own_and_duplicates_are_listed(world, client_for):
    other = leads.lead(world.zone_a, world.users["department"], name="宁德时代新能源有限公司")
    client = client_for(world.users["officer"])
    before = AuditEntry.objects.filter(action="create").count()
    response = _post(
        client,
        "/api/v1/leads",
        {
            "zone": "zone-a",
            "name": "宁德时代新能源（四川）",
            "region": "chengyu",
            "source": "exhibition",
            "investment_wan": "120000.50",
            "jobs": 800,
            "next_action_due": "2030-01-15",
            "unknown": "ignored",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == "officer" and body["stage"] == "lead"
    assert body["investment_wan"] == "120000.50"
    assert [d["id"] for d in body["duplicates"]] == [other.pk]
    assert "contact" in body["moves"] and "signed" not in body["moves"]
    assert AuditEntry.objects.filter(action="create").count() == before + 1


def test_create_refuses_bad_fields_by_name(world, client_for):
    client = client_for(world.users["officer"])
    base = {"zone": "zone-a", "name": "某公司", "region": "chengyu", "source": "introduced"}
    missing = _post(client, "/api/v1/leads", base)
    assert missing.status_code == 400 and "introducer_id" in missing.json()["errors"]
    foreign = _post(client, "/api/v1/leads", {**base, "introducer_id": world.firm_b.pk})
    assert foreign.status_code == 400 and "introducer_id" in foreign.json()["errors"]
    handed = _post(
        client,
        "/api/v1/leads",
        {**base, "source": "online", "owner_id": world.users["officer2"].pk},
    )
    assert handed.status_code == 400 and "owner_id" in handed.json()["errors"]
    code = _post(client, "/api/v1/leads", {**base, "source": "online", "credit_code": "123"})
    assert code.status_code == 400 and "credit_code" in code.json()["errors"]
    other_zone = _post(client, "/api/v1/leads", {**base, "zone": "zone-b", "source": "online"})
    assert other_zone.status_code == 400 and "zone" in other_zone.json()["errors"]
    decimal = _post(
        client, "/api/v1/leads", {**base, "source": "online", "investment_wan": "1.234"}
    )
    assert decimal.status_code == 422
    assert Lead.objects.count() == 0


def test_a_city_leader_reads_but_does_not_add(world, client_for):
    client = client_for(world.users["city_leader"])
    body = {"zone": "zone-a", "name": "某公司", "region": "chengyu", "source": "online"}
    assert _post(client, "/api/v1/leads", body).status_code == 403


def test_edit_is_version_checked_and_audited(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"], name="改名前公司")
    client = client_for(world.users["officer"])
    url = f"/api/v1/leads/{lead.pk}"
    ok = _patch(client, url, {"version": lead.version, "next_action": "电话回访", "jobs": None})
    assert ok.status_code == 200, ok.content
    assert ok.json()["next_action"] == "电话回访" and ok.json()["jobs"] is None
    assert ok.json()["version"] == lead.version + 1
    assert ok.json()["name"] == "改名前公司"  # untouched
    stale = _patch(client, url, {"version": lead.version, "name": "覆盖"})
    assert stale.status_code == 409
    assert stale.json()["version"] == lead.version + 1 and stale.json()["changed_by"] == "officer"
    lead.refresh_from_db()
    assert lead.name == "改名前公司"
    empty = _patch(client, url, {"version": lead.version, "name": None})
    assert empty.status_code == 400 and "name" in empty.json()["errors"]
    assert AuditEntry.objects.filter(
        target_id=lead.pk, action="update", changes__has_key="next_action"
    ).exists()


def test_only_the_owner_or_managers_edit_and_only_managers_hand_over(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"])
    url = f"/api/v1/leads/{lead.pk}"
    body = {"version": lead.version, "note": "x"}
    assert _patch(client_for(world.users["officer2"]), url, body).status_code == 403
    handover = {"version": lead.version, "owner_id": world.users["officer2"].pk}
    refused = _patch(client_for(world.users["officer"]), url, handover)
    assert refused.status_code == 400 and "owner_id" in refused.json()["errors"]
    done = _patch(client_for(world.users["leader"]), url, handover)
    assert done.status_code == 200 and done.json()["owner"] == "officer2"


def test_moves_follow_the_stages_and_are_in_the_history(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    url = f"/api/v1/leads/{lead.pk}/move"
    jump = _post(client, url, {"to": "negotiation", "version": lead.version})
    assert jump.status_code == 409 and "Contacted" in jump.json()["detail"]
    moved = _post(client, url, {"to": "contact", "version": lead.version, "note": "首次接洽"})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["stage"] == "contact"
    latest = body["history"][0]
    assert (latest["from_state"], latest["to_state"]) == ("lead", "contact")
    again = _post(client, url, {"to": "visit", "version": lead.version})
    assert again.status_code == 409  # the version read before the move
    drop = _post(client, url, {"to": "dropped", "version": body["version"]})
    assert drop.status_code == 400 and "reason" in drop.json()["errors"]
    bad = _post(client, url, {"to": "won", "version": body["version"]})
    assert bad.status_code == 400 and "to" in bad.json()["errors"]
    future = _post(
        client,
        url,
        {"to": "visit", "version": body["version"], "on": "2099-01-01"},
    )
    assert future.status_code == 400 and "on" in future.json()["errors"]
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_signing_creates_the_key_project_for_managers_only(world, client_for):
    lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
    url = f"/api/v1/leads/{lead.pk}/sign"
    body = {"version": lead.version, "first_production_month": "2031-06-15"}
    refused = _post(client_for(world.users["officer"]), url, body)
    assert refused.status_code == 403
    signed = _post(client_for(world.users["leader"]), url, body)
    assert signed.status_code == 200, signed.content
    out = signed.json()
    assert out["stage"] == "signed" and out["project_id"] is not None
    project = client_for(world.users["leader"]).get(f"/api/v1/projects/{out['project_id']}")
    assert project.status_code == 200
    assert project.json()["first_production_month"] == "2031-06-01"
    assert out["history"][0]["payload"]["project"] == out["project_id"]
    twice = _post(client_for(world.users["leader"]), url, {**body, "version": out["version"]})
    assert twice.status_code == 409


def test_activities_are_logged_and_refused_for_the_future(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    url = f"/api/v1/leads/{lead.pk}/activities"
    today = timezone.localdate().isoformat()
    done = _post(client, url, {"kind": "visit", "on": today, "note": "赴深圳考察"})
    assert done.status_code == 201, done.content
    assert done.json()["by"] == "officer"
    future = _post(client, url, {"kind": "visit", "on": "2099-01-01", "note": "x"})
    assert future.status_code == 400 and "on" in future.json()["errors"]
    kind = _post(client, url, {"kind": "dinner", "on": today, "note": "x"})
    assert kind.status_code == 400 and "kind" in kind.json()["errors"]
    detail = client.get(f"/api/v1/leads/{lead.pk}").json()
    assert [a["note"] for a in detail["activities"]] == ["赴深圳考察"]
    assert detail["last_activity_on"] == today
    assert (
        _post(client_for(world.users["officer2"]), url, done.json() | {"on": today}).status_code
        == 403
    )


def test_merge_keeps_both_histories_and_checks_both_versions(world, client_for):
    keep = leads.lead(world.zone_a, world.users["officer"], name="宁德时代新能源")
    drop = leads.walk(
        leads.lead(world.zone_a, world.users["department"], name="宁德时代新能源有限公司"),
        "contact",
    )
    LeadActivity.objects.create(lead=drop, kind="call", on=dt.date(2020, 6, 1), note="电话")
    url = f"/api/v1/leads/{keep.pk}/merge"
    body = {"other_id": drop.pk, "version": keep.version, "other_version": drop.version}
    assert _post(client_for(world.users["officer"]), url, body).status_code == 403
    stale = _post(client_for(world.users["leader"]), url, {**body, "other_version": 1})
    assert stale.status_code == 409
    merged = _post(client_for(world.users["leader"]), url, body)
    assert merged.status_code == 200, merged.content
    out = merged.json()
    assert out["id"] == keep.pk and out["merged_from"] == [drop.pk]
    assert [a["moved_from_id"] for a in out["activities"]] == [drop.pk]
    assert {h["to_state"] for h in out["history"]} >= {"contact"}
    assert Lead.objects.get(pk=drop.pk).merged_into_id == keep.pk
    again = _post(
        client_for(world.users["leader"]),
        url,
        {**body, "version": out["version"], "other_version": out["version"]},
    )
    assert again.status_code == 400  # the duplicate is merged already: not a lead to merge


def test_the_funnel_counts_a_signed_lead(world, client_for):
    leads.walk(leads.lead(world.zone_a, world.users["officer"], name="签约公司"), "signed")
    leads.lead(world.zone_a, world.users["officer"], name="线索公司", source="online")
    client = client_for(world.users["leader"])
    groups = client.get("/api/v1/leads/funnel", {"by": "source"}).json()
    whole = groups[0]
    assert whole["group"] == "" and whole["leads"] == 2 and whole["signed"] == 1
    reached = {s["stage"]: s["reached"] for s in whole["stages"]}
    assert reached["lead"] == 2 and reached["signed"] == 1 and reached["landed"] == 0
    assert whole["stages"][0]["conversion_pct"] == "50.00"
    assert len(groups) == 3  # all, and the two sources
    bad = client.get("/api/v1/leads/funnel", {"by": "colour"})
    assert bad.status_code == 400 and "by" in bad.json()["errors"]
    assert client_for(world.users["bank"]).get("/api/v1/leads/funnel").status_code == 403


def test_signing_links_a_registered_project_once(world, client_for):
    """A project the zone registered already is linked instead of a new one; a second lead
    cannot take it (400 naming project_id); another zone's project is not one to choose."""
    from tests import factories

    today = timezone.localdate()
    project = factories.project(world.zone_a, code="ZS-LINK", name="已登记项目", signed_on=today)
    other_zone = factories.project(world.zone_b, code="ZS-B", name="乙区项目", signed_on=today)
    first, second = (
        leads.walk(leads.lead(world.zone_a, world.users["officer"], name=n), "negotiation")
        for n in ("先签公司", "后签公司")
    )
    client = client_for(world.users["leader"])

    def sign(lead, project_id):
        body = {
            "version": lead.version,
            "first_production_month": "2031-06-01",
            "project_id": project_id,
        }
        return _post(client, f"/api/v1/leads/{lead.pk}/sign", body)

    foreign = sign(first, other_zone.pk)
    assert foreign.status_code == 400 and "project_id" in foreign.json()["errors"]
    linked = sign(first, project.pk)
    assert linked.status_code == 200 and linked.json()["project_id"] == project.pk
    taken = sign(second, project.pk)
    assert taken.status_code == 400 and "project_id" in taken.json()["errors"]
    second.refresh_from_db()
    assert (second.stage, second.project_id) == ("negotiation", None)

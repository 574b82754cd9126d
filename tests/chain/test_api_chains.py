"""The chains over the API: the list with health, one chain's node tree with each node's health,
the gaps, a node's firms; suggesting, placing, confirming and rejecting firms through the
services (permission, 409 on a stale chain version, audit), scoped as the pages."""

import json
from decimal import Decimal

import pytest

from zonedesk.chain import services
from zonedesk.chain.models import NodeFirm
from zonedesk.chain.services import ChainData, NodeData
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.monitoring.models import MonthlyFigure

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


@pytest.fixture
def chain(world):
    """A chain of zone_a: metal (firm_a, 3311, confirmed, with June 2020 figures and June 2019's)
    under `up`, food (firm_a2 suggested by its class 1391), and an empty target node (a gap)."""
    chain = services.chain_save(
        actor=SYSTEM,
        data=ChainData(
            code="api",
            name="接口产业链",
            zone=world.zone_a,
            nodes=(
                NodeData("up", "上游", "up"),
                NodeData("metal", "金属制品", "up", "up", industries=("3311",)),
                NodeData("food", "食品", "mid", industries=("1391",)),
                NodeData("gap", "芯片缺口", "down", industries=("3973",)),
            ),
        ),
    )
    services.firm_place(
        actor=SYSTEM,
        node=chain.nodes.get(code="metal"),
        enterprise=world.firm_a,
        expected_version=None,
    )
    for period, output in (("2020-06-01", "120"), ("2019-06-01", "100")):
        MonthlyFigure.objects.create(
            enterprise=world.firm_a, period=period, output_value_wan=Decimal(output), employees=50
        )
    chain.refresh_from_db()
    return chain


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def test_the_list_gives_each_chain_its_health_and_flagged_nodes(world, client_for, chain):
    body = client_for(world.users["officer"]).get("/api/v1/chains").json()
    [row] = body
    assert row["code"] == "api" and row["zone"] == "zone-a" and row["period"] == "2020-06"
    assert row["health"]["firms"] == 1
    assert row["health"]["output_wan"] == "120.00"
    assert row["health"]["yoy_pct"] == "20.00"
    assert row["counts"]["gap"] == 2  # food (nothing confirmed) and the chip gap
    assert row["version"] == chain.version


def test_another_unit_sees_none_and_a_firm_user_is_refused(world, client_for, chain):
    assert client_for(world.users["officer_b"]).get("/api/v1/chains").json() == []
    response = client_for(world.users["enterprise"]).get("/api/v1/chains")
    assert response.status_code == 403
    assert client_for(world.users["officer_b"]).get(f"/api/v1/chains/{chain.pk}").status_code == 404


def test_one_chain_has_its_tree_in_order_with_each_nodes_health(world, client_for, chain):
    body = client_for(world.users["auditor"]).get(f"/api/v1/chains/{chain.pk}").json()
    nodes = {n["code"]: n for n in body["nodes"]}
    assert [n["code"] for n in body["nodes"]] == ["up", "metal", "food", "gap"]
    assert nodes["metal"]["parent_id"] == nodes["up"]["id"] and nodes["metal"]["depth"] == 1
    assert nodes["metal"]["firm_ids"] == [world.firm_a.pk]
    assert nodes["metal"]["industries"] == ["3311"]
    assert nodes["up"]["health"]["firms"] == 1  # its sub-tree's firm
    assert nodes["gap"]["health"]["strength"] == "gap"
    assert nodes["metal"]["health"]["strength"] == "weak"  # one firm, below 3
    assert body["can_place"] is False  # an auditor reads


def test_a_month_without_figures_has_none_and_a_bad_month_is_a_field_error(
    world, client_for, chain
):
    client = client_for(world.users["officer"])
    body = client.get(f"/api/v1/chains/{chain.pk}", {"period": "2020-05"}).json()
    assert body["period"] == "2020-05" and body["health"]["reporting"] == 0
    response = client.get(f"/api/v1/chains/{chain.pk}", {"period": "1999-01"})
    assert response.status_code == 400 and "period" in response.json()["errors"]
    assert client.get(f"/api/v1/chains/{chain.pk}", {"period": "2020-13"}).status_code == 422


def test_gaps_list_the_empty_target_nodes_first(world, client_for, chain):
    client = client_for(world.users["leader"])
    body = client.get("/api/v1/chains/gaps").json()
    found = [(g["node_code"], g["strength"]) for g in body["items"]]
    assert found[:2] == [("food", "gap"), ("gap", "gap")]
    assert sorted(found[2:]) == [("metal", "weak"), ("up", "weak")]
    only = client.get("/api/v1/chains/gaps", {"weak": "false"}).json()
    assert {g["strength"] for g in only["items"]} == {"gap"}


def test_suggest_then_confirm_a_firm_moves_the_gap(world, client_for, chain):
    """firm_a2 (class 1391) is suggested on food; confirming it is audited on the chain and
    food is no longer a gap; a decision on the old version is refused with 409."""
    client = client_for(world.users["officer"])
    done = _post(client, f"/api/v1/chains/{chain.pk}/suggest", {"version": chain.version})
    assert done.status_code == 200, done.content
    assert done.json()["added"] >= 1
    version = done.json()["version"]
    food = chain.nodes.get(code="food")
    firms = client.get(f"/api/v1/chains/nodes/{food.pk}/firms", {"state": "suggested"}).json()
    [suggested] = [f for f in firms["firms"] if f["enterprise_id"] == world.firm_a2.pk]
    assert suggested["basis"] == "industry" and firms["chain_version"] == version

    stale = _post(
        client,
        f"/api/v1/chains/placements/{suggested['id']}/decide",
        {"state": "confirmed", "version": version - 1},
    )
    assert stale.status_code == 409 and stale.json()["version"] == version
    assert NodeFirm.objects.get(pk=suggested["id"]).state == "suggested"

    before = AuditEntry.objects.count()
    ok = _post(
        client,
        f"/api/v1/chains/placements/{suggested['id']}/decide",
        {"state": "confirmed", "version": version},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "confirmed" and ok.json()["decided_by"] == "officer"
    assert AuditEntry.objects.count() == before + 1
    gaps = client.get("/api/v1/chains/gaps", {"weak": "false"}).json()
    assert "food" not in [g["node_code"] for g in gaps["items"]]


def test_a_decision_names_a_state(world, client_for, chain):
    placement = NodeFirm.objects.get(node__chain=chain, enterprise=world.firm_a)
    response = _post(
        client_for(world.users["leader"]),
        f"/api/v1/chains/placements/{placement.pk}/decide",
        {"state": "maybe", "version": chain.version},
    )
    assert response.status_code == 400 and "state" in response.json()["errors"]


def test_placing_by_hand_confirms_and_refuses_another_zones_firm(world, client_for, chain):
    client = client_for(world.users["leader"])
    gap = chain.nodes.get(code="gap")
    url = f"/api/v1/chains/nodes/{gap.pk}/firms"
    foreign = _post(client, url, {"enterprise_id": world.firm_b.pk, "version": chain.version})
    assert foreign.status_code == 400 and "enterprise_id" in foreign.json()["errors"]
    placed = _post(client, url, {"enterprise_id": world.firm_a2.pk, "version": chain.version})
    assert placed.status_code == 201, placed.content
    assert [f["enterprise_id"] for f in placed.json()["firms"]] == [world.firm_a2.pk]
    assert placed.json()["health"]["strength"] != "gap"


def test_readers_who_do_not_place_firms_are_refused(world, client_for, chain):
    placement = NodeFirm.objects.get(node__chain=chain, enterprise=world.firm_a)
    body = {"state": "rejected", "version": chain.version}
    url = f"/api/v1/chains/placements/{placement.pk}/decide"
    assert _post(client_for(world.users["auditor"]), url, body).status_code == 403
    assert _post(client_for(world.users["officer_b"]), url, body).status_code == 404
    assert NodeFirm.objects.get(pk=placement.pk).state == "confirmed"

"""Utility data over the API: a firm's account numbers (on the firm's version), the companies'
sheets uploaded (the same service as the page) and the index in the zone's status."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import POWER_HEADER, utility_accounts, utility_sheet
from zonedesk.core.actors import SYSTEM
from zonedesk.monitoring.models import MonthlyFigure, UtilityReading
from zonedesk.org.services import api_token_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def leader(world):
    _row, text = api_token_create(actor=SYSTEM, user=world.users["leader"], name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def _upload(rows, header=POWER_HEADER):
    return SimpleUploadedFile("power.xlsx", utility_sheet(header, rows, title="用电量明细"))


def test_accounts_are_read_and_replaced_with_the_firms_version(client, world, leader):
    url = f"/api/v1/firms/{world.firm_a.pk}/utility-accounts"
    got = client.get(url, **leader).json()
    assert got == {"power": [], "water": [], "version": world.firm_a.version}
    body = {"power": ["3100000001"], "water": ["W-7"], "version": got["version"]}
    put = client.put(url, json.dumps(body), content_type=JSON, **leader)
    assert put.status_code == 200
    assert put.json() == {"power": ["3100000001"], "water": ["W-7"], "version": got["version"] + 1}
    stale = client.put(url, json.dumps(body | {"power": []}), content_type=JSON, **leader)
    assert stale.status_code == 409
    assert stale.json()["version"] == got["version"] + 1


def test_a_number_another_firm_holds_is_a_400_naming_the_field(client, world, leader):
    utility_accounts(world.firm_a2, power=["42"])
    url = f"/api/v1/firms/{world.firm_a.pk}/utility-accounts"
    body = {"power": ["42"], "water": [], "version": world.firm_a.version}
    answer = client.put(url, json.dumps(body), content_type=JSON, **leader)
    assert answer.status_code == 400
    assert "power_accounts" in answer.json()["errors"]


def test_the_upload_reports_matched_and_unmatched_accounts(client, world, leader):
    utility_accounts(world.firm_a, power=["3100000001"])
    rows = [
        [1, "3100000001", "甲一机械", "开江", "2020-06", 1200, 700.5],
        [2, "3100000002", "未登记的户", "开江", "2020-06", 30, 18],
    ]
    answer = client.post(
        f"/api/v1/zones/{world.zone_a.code}/utility/power/import", {"file": _upload(rows)}, **leader
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["matched"], body["periods"]) == (2, 1, ["2020-06"])
    assert body["unmatched"] == [
        {"account_number": "3100000002", "account_name": "未登记的户", "months": ["2020-06"]}
    ]


def test_a_refused_upload_lists_every_problem_and_stores_nothing(client, world, leader):
    rows = [
        [1, "1", "甲", "", "2020-06", -1, 0],
        [2, "1", "甲", "", "2020-06", 5, 0],
    ]
    answer = client.post(
        f"/api/v1/zones/{world.zone_a.code}/utility/power/import",
        {"file": _upload(rows)},
        HTTP_ACCEPT_LANGUAGE="en",
        **leader,
    )
    assert answer.status_code == 400
    problems = [(r["row"], r["column"]) for r in answer.json()["rows"]]
    assert problems == [(3, "用电量(千瓦时)"), (4, "户号")]
    assert not UtilityReading.objects.exists()


def test_the_zone_status_carries_the_index_and_its_source(client, world, leader):
    utility_accounts(world.firm_a, power=["P1"])
    for day, output in (("2019-06-01", 100), ("2020-06-01", 90)):
        MonthlyFigure.objects.create(
            enterprise=world.firm_a, period=day, output_value_wan=output, employees=5
        )
    rows = [[1, "P1", "甲", "", "2019-06", 800, 0], [2, "P1", "甲", "", "2020-06", 700, 0]]
    client.post(
        f"/api/v1/zones/{world.zone_a.code}/utility/power/import", {"file": _upload(rows)}, **leader
    )
    status = client.get(
        f"/api/v1/zones/{world.zone_a.code}/status", {"period": "2020-06"}, **leader
    ).json()
    power = status["utility"]["power"]
    assert Decimal(power["total"]) == 700 and Decimal(power["base_total"]) == 800
    assert (power["share_pct"], power["base_period"]) == ("87.50", "2019-06")
    assert power["source"] == "utility company readings"
    assert "water" not in status["utility"]

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


def _import(client, leader, rows, **query):
    url = "/api/v1/zones/zone-a/utility/power/import"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"file": _upload(rows)}, **leader)


def test_a_dry_run_says_what_would_change_and_writes_nothing(client, world, leader):
    """The page's preview over the API: the same counts as the import, each changed reading
    with its stored and new quantity, the readings of the month the file leaves out."""
    utility_accounts(world.firm_a, power=["P1"])
    stored = [
        [1, "P1", "甲", "", "2020-06", 800, 0],
        [2, "P2", "乙", "", "2020-06", 50, 0],
        [3, "P3", "丙", "", "2020-06", 70, 0],
    ]
    assert _import(client, leader, stored).status_code == 200
    before = list(
        UtilityReading.objects.order_by("pk").values_list("account_number", "electricity_kwh")
    )
    rows = [[1, "P1", "甲", "", "2020-06", 900, 0], [2, "P2", "乙", "", "2020-06", 50, 0]]
    rows.append([3, "P4", "丁", "", "2020-06", 10, 0])
    answer = _import(client, leader, rows, dry_run="true", replace_month="true")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["dry_run"] is True and body["stored"]
    counts = [body[k] for k in ("created", "updated", "unchanged", "removed", "kept", "matched")]
    assert counts == [1, 1, 1, 1, 0, 1]
    changes = {
        (c["account_number"], c["change"], c["stored"], c["in_file"]) for c in body["changes"]
    }
    assert changes == {
        ("P1", "updated", "800.00", "900.00"),
        ("P4", "new", None, "10.00"),
        ("P3", "removed", "70.00", None),
    }
    (p1,) = [c for c in body["changes"] if c["account_number"] == "P1"]
    assert p1["enterprise"] == world.firm_a.name and p1["period"] == "2020-06"
    assert [u["account_number"] for u in body["unmatched"]] == ["P2", "P4"]
    kept = _import(client, leader, rows, dry_run="true").json()
    assert (kept["removed"], kept["kept"]) == (0, 1)
    assert {c["change"] for c in kept["changes"] if c["account_number"] == "P3"} == {"kept"}
    assert (
        list(UtilityReading.objects.order_by("pk").values_list("account_number", "electricity_kwh"))
        == before
    )

    written = _import(
        client, leader, rows, replace_month="true", expected_stored=body["stored"]
    ).json()
    assert written["dry_run"] is False and written["changes"] == []
    assert [written[k] for k in ("created", "updated", "unchanged", "removed", "kept")] == counts[
        :5
    ]


def test_an_import_after_a_stale_dry_run_is_refused_and_writes_nothing(client, world, leader):
    rows = [[1, "P1", "甲", "", "2020-06", 800, 0]]
    preview = _import(client, leader, rows, dry_run="true").json()
    _import(client, leader, [[1, "P9", "庚", "", "2020-06", 5, 0]])
    count = UtilityReading.objects.count()
    refused = _import(client, leader, rows, expected_stored=preview["stored"])
    assert refused.status_code == 400
    assert "__all__" in refused.json()["errors"]
    assert UtilityReading.objects.count() == count


@pytest.mark.parametrize(("language", "reason"), [("en", "Not a number"), ("zh-hans", "不是数字")])
def test_a_bad_file_is_refused_in_a_dry_run_too_in_the_users_language(
    client, world, leader, language, reason
):
    rows = [[1, "P1", "甲", "", "2020-06", "很多", 0]]
    for query in ({"dry_run": "true"}, {}):
        answer = client.post(
            "/api/v1/zones/zone-a/utility/power/import" + ("?dry_run=true" if query else ""),
            {"file": _upload(rows)},
            HTTP_ACCEPT_LANGUAGE=language,
            **leader,
        )
        assert answer.status_code == 400
        (problem,) = answer.json()["rows"]
        assert (problem["row"], problem["column"], problem["value"]) == (
            3,
            "用电量(千瓦时)",
            "很多",
        )
        assert reason in problem["reason"]
    assert not UtilityReading.objects.exists()

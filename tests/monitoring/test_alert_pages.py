"""The early-warning list: its selector's scope, acknowledging, the page, the export, the API."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import alert_selectors, alerts, services
from zonedesk.monitoring.models import MonthlyFigure

pytestmark = pytest.mark.django_db
JUNE = Period(2020, 6)


def _declining_and_halted(firm) -> None:
    """Thirteen months steady at 100 (0.5 per kWh), then 95, 90, 85 and a June of 80 with
    4 days halted: down 20 % exactly (not beyond the line), three declines, halted."""
    values = {JUNE.shift(-k): (100, 200, 0) for k in range(4, 16)}
    values |= {JUNE.shift(-3): (95, 190, 0), JUNE.shift(-2): (90, 180, 0)}
    values |= {JUNE.shift(-1): (85, 170, 0), JUNE: (80, 160, 4)}
    factories.months_of_figures(firm, values)


@pytest.fixture
def warned(world):
    """firm_a (officer's) declines and halts; firm_a2 did not report June; firm_b (zone_b)
    did not either."""
    _declining_and_halted(world.firm_a)
    factories.months_of_figures(world.firm_a2, {JUNE.previous: (50, None, 0)})
    factories.months_of_figures(world.firm_b, {JUNE.previous: (50, None, 0)})
    return world


def _rules(rows) -> dict[str, list[str]]:
    return {r.name: [i.rule for i in r.items] for r in rows}


class TestList:
    def test_a_leader_sees_the_zones_firms_most_severe_first(self, warned):
        rows = alert_selectors.alert_list(warned.users["leader"], period=JUNE)
        assert _rules(rows) == {
            warned.firm_a.name: [alerts.HALTED, alerts.DECLINING],
            warned.firm_a2.name: [alerts.MISSING],
        }
        (halted,) = [i for i in rows[0].items if i.rule == alerts.HALTED]
        assert halted.numbers == {"days": 4, "days_in_month": 30}

    def test_the_officers_own_firms_or_a_named_officers(self, warned):
        officer = warned.users["officer"]
        mine = alert_selectors.alert_list(officer, period=JUNE, mine=True)
        assert [r.name for r in mine] == [warned.firm_a.name]
        assert alert_selectors.alert_list(warned.users["officer2"], period=JUNE, mine=True) == []
        named = alert_selectors.alert_list(warned.users["leader"], period=JUNE, officer=officer)
        assert [r.name for r in named] == [warned.firm_a.name]

    def test_another_provinces_firms_are_never_listed(self, warned):
        names = {
            r.name for r in alert_selectors.alert_list(warned.users["province_admin"], period=JUNE)
        }
        assert warned.firm_b.name not in names and warned.firm_a.name in names

    def test_firm_and_bank_users_get_nothing(self, warned):
        for role in ("enterprise", "bank"):
            assert alert_selectors.alert_list(warned.users[role], period=JUNE) == []

    def test_the_yoy_line_comes_from_the_settings(self, warned, settings):
        settings.ZONEDESK = {
            **settings.ZONEDESK,
            "EARLY_WARNING": {"YOY_DROP": "0.1", "DRIFT_BAND": "0.3", "DRIFT_MIN_MONTHS": 6},
        }
        rows = alert_selectors.alert_list(warned.users["leader"], period=JUNE)
        assert alerts.YOY_DROP in _rules(rows)[warned.firm_a.name]
        (item,) = [i for i in rows[0].items if i.rule == alerts.YOY_DROP]
        assert item.numbers["change"] == pytest.approx(-0.2)

    def test_the_explanation_names_the_firms_numbers(self, warned):
        from django.utils import translation

        with translation.override("en"):
            rows = alert_selectors.alert_list(warned.users["leader"], period=JUNE)
        texts = {i.rule: i.text for i in rows[0].items}
        assert texts[alerts.DECLINING] == (
            "Output fell three months running: 95.00 → 90.00 → 85.00 → 80.00 (10k yuan)."
        )
        assert texts[alerts.HALTED] == "Halted 4 of the month's 30 days."


class TestAcknowledge:
    def test_the_officer_acknowledges_with_a_note_audited(self, warned):
        officer = warned.users["officer"]
        ack = services.alert_acknowledge(
            actor=officer, enterprise=warned.firm_a, period=JUNE, rule="halted", note="设备检修"
        )
        assert (ack.by, ack.note) == (officer, "设备检修")
        entry = AuditEntry.objects.get(target_type="monitoring.alertack", target_id=str(ack.pk))
        assert entry.action == "create" and entry.changes["note"] == [None, "设备检修"]
        rows = alert_selectors.alert_list(officer, period=JUNE, mine=True)
        items = {i.rule: i for i in rows[0].items}
        assert items["halted"].ack == ack and items["declining"].ack is None
        assert rows[0].severity == alerts.LOW  # only the open decline counts
        opened = alert_selectors.alert_list(officer, period=JUNE, mine=True, state="open")
        assert [i.rule for i in opened[0].items] == ["declining"]
        done = alert_selectors.alert_list(officer, period=JUNE, mine=True, state="acknowledged")
        assert [i.rule for i in done[0].items] == ["halted"]

    def test_acknowledging_again_replaces_the_note(self, warned):
        officer = warned.users["officer"]
        first = services.alert_acknowledge(
            actor=officer, enterprise=warned.firm_a, period=JUNE, rule="halted", note="一"
        )
        again = services.alert_acknowledge(
            actor=warned.users["leader"],
            enterprise=warned.firm_a,
            period=JUNE,
            rule="halted",
            note="二",
        )
        assert again.pk == first.pk and again.note == "二"
        assert again.by == warned.users["leader"]
        entries = AuditEntry.objects.filter(target_type="monitoring.alertack").order_by("id")
        assert [e.action for e in entries] == ["create", "update"]

    @pytest.mark.parametrize(
        ("rule", "note", "field"),
        [
            ("halted", "  ", "note"),
            ("nonsense", "x", "rule"),
            ("power_drift", "x", "rule"),
            ("halted", "x" * 501, "note"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, warned, rule, note, field):
        with pytest.raises(ValidationFailed) as refused:
            services.alert_acknowledge(
                actor=warned.users["officer"],
                enterprise=warned.firm_a,
                period=JUNE,
                rule=rule,
                note=note,
            )
        assert field in refused.value.errors
        assert not AuditEntry.objects.filter(target_type="monitoring.alertack").exists()

    def test_another_officer_may_not(self, warned):
        with pytest.raises(PermissionDenied):
            services.alert_acknowledge(
                actor=warned.users["officer2"],
                enterprise=warned.firm_a,
                period=JUNE,
                rule="halted",
                note="x",
            )


class TestPage:
    def test_the_page_lists_explains_and_links_to_casework(self, warned, client_for):
        client = client_for(warned.users["officer"])
        client.cookies["django_language"] = "en"
        page = client.get(reverse("monitoring:alerts"), {"period": "2020-06"}).content.decode()
        assert reverse("casework:plan", args=[warned.firm_a.pk]) in page
        assert "Halted 4 of the month&#x27;s 30 days." in page
        assert warned.firm_a2.name not in page  # the officer's own firms by default
        page = client.get(reverse("monitoring:alerts"), {"period": "2020-06", "who": "all"})
        assert warned.firm_a2.name in page.content.decode()

    def test_a_leader_picks_one_officers_firms(self, warned, client_for):
        client = client_for(warned.users["leader"])
        url = reverse("monitoring:alerts")
        page = client.get(url, {"period": "2020-06", "officer": "officer"}).content.decode()
        assert warned.firm_a.name in page and warned.firm_a2.name not in page
        assert 'value="officer" selected' in page
        assert client.get(url, {"officer": "officer_b"}).status_code == 404

    def test_acknowledging_on_the_page_greys_the_warning(self, warned, client_for):
        client = client_for(warned.users["officer"])
        url = reverse("monitoring:alert_ack", args=[warned.firm_a.pk])
        response = client.post(
            url,
            {
                "period": "2020-06",
                "rule": "declining",
                "note": "订单减少",
                "back": "?period=2020-06",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("monitoring:alerts"), {"period": "2020-06"}).content.decode()
        assert f'data-testid="ack-{warned.firm_a.pk}-declining"' in page
        assert "订单减少" in page

    def test_a_refused_note_says_why_and_stores_nothing(self, warned, client_for):
        client = client_for(warned.users["officer"])
        url = reverse("monitoring:alert_ack", args=[warned.firm_a.pk])
        client.cookies["django_language"] = "en"
        response = client.post(
            url, {"period": "2020-06", "rule": "halted", "note": ""}, follow=True
        )
        assert "a note is required" in response.content.decode()
        assert not alert_selectors.AlertAck.objects.exists()

    def test_a_refused_note_is_shown_in_chinese_under_its_own_form(self, warned, client_for):
        """The browser's own required bubble aside (its language is the browser's), the
        server's Chinese field error shows under the form it came from, once."""
        client = client_for(warned.users["officer"])
        url = reverse("monitoring:alert_ack", args=[warned.firm_a.pk])
        response = client.post(
            url,
            {"period": "2020-06", "rule": "halted", "note": " ", "back": "?period=2020-06"},
            follow=True,
        )
        page = response.content.decode()
        error = f'data-testid="ack-error-{warned.firm_a.pk}-halted">'
        assert error + "请填写核实情况或采取的措施（必须填写说明）。</div>" in page
        assert f'data-testid="ack-error-{warned.firm_a.pk}-declining"' not in page
        assert 'aria-invalid="true"' in page and " required " in page
        again = client.get(reverse("monitoring:alerts"), {"period": "2020-06"}).content.decode()
        assert error not in again

    def test_the_headline_says_how_many_firms_are_not_yet_acknowledged(self, warned, client_for):
        """A firm stays unacknowledged while any of its warnings is open."""
        leader = warned.users["leader"]
        client = client_for(leader)
        client.cookies["django_language"] = "en"
        url = reverse("monitoring:alerts")
        query = {"period": "2020-06", "who": "all"}
        page = client.get(url, query)
        assert (page.context["total"], page.context["open_total"]) == (2, 2)
        firm_a = next(r for r in page.context["rows"] if r.enterprise_id == warned.firm_a.pk)
        for n, item in enumerate(firm_a.items):
            services.alert_acknowledge(
                actor=leader, enterprise=warned.firm_a, period=JUNE, rule=item.rule, note="已核"
            )
            page = client.get(url, query)
            expected = 1 if n == len(firm_a.items) - 1 else 2
            assert (page.context["total"], page.context["open_total"]) == (2, expected)
        assert (
            "2 firms with warnings this month, 1 of them not yet acknowledged."
            in page.content.decode()
        )

    def test_the_export_has_every_warning_with_its_reason(self, warned, client_for):
        client = client_for(warned.users["leader"])
        client.cookies["django_language"] = "en"
        services.alert_acknowledge(
            actor=warned.users["leader"],
            enterprise=warned.firm_a,
            period=JUNE,
            rule="halted",
            note="检修",
        )
        response = client.get(reverse("monitoring:alerts_export"), {"period": "2020-06"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
        assert sorted((r[0], r[5]) for r in rows) == sorted(
            [
                (warned.firm_a.name, "Days halted"),
                (warned.firm_a.name, "Three monthly declines"),
                (warned.firm_a2.name, "Report missing"),
            ]
        )
        (acked,) = [r for r in rows if r[10]]
        assert acked[10] == "检修" and acked[0] == warned.firm_a.name
        assert AuditEntry.objects.filter(action="export").exists()


class TestApi:
    def test_the_list_with_its_filters(self, warned, client_for):
        client = client_for(warned.users["leader"])
        url = reverse("api:list_alerts")
        body = client.get(url, {"period": "2020-06", "zone": "zone-a"}).json()
        assert [i["enterprise_id"] for i in body["items"]] == [warned.firm_a.pk, warned.firm_a2.pk]
        assert body["items"][0]["warnings"][0]["numbers"] == {"days": 4, "days_in_month": 30}
        only = client.get(url, {"period": "2020-06", "officer": "officer"}).json()
        assert [i["enterprise_id"] for i in only["items"]] == [warned.firm_a.pk]
        ruled = client.get(url, {"period": "2020-06", "rule": "missing"}).json()
        assert [i["enterprise_id"] for i in ruled["items"]] == [warned.firm_a2.pk]

    def test_the_size_scope_and_basis_of_the_page(self, warned, client_for):
        """size=above lists the above-size firms of the month's year only, size=below the
        others; basis=confirmed reads confirmed reports only (an unconfirmed June is missing)."""
        Enterprise.objects.filter(pk=warned.firm_a.pk).update(above_designated_size=True)
        Enterprise.objects.filter(pk=warned.firm_a2.pk).update(above_designated_size=False)
        client = client_for(warned.users["leader"])
        url = reverse("api:list_alerts")
        query = {"period": "2020-06", "zone": "zone-a"}

        def listed(**extra):
            body = client.get(url, {**query, **extra}).json()
            return {i["enterprise_id"]: [w["rule"] for w in i["warnings"]] for i in body["items"]}

        assert list(listed(size="above")) == [warned.firm_a.pk]
        assert list(listed(size="below")) == [warned.firm_a2.pk]
        assert set(listed(size="all")) == {warned.firm_a.pk, warned.firm_a2.pk}
        assert alerts.HALTED in listed()[warned.firm_a.pk]
        confirmed = listed(basis="confirmed", size="above")[warned.firm_a.pk]
        assert alerts.MISSING in confirmed and alerts.HALTED not in confirmed
        MonthlyFigure.objects.filter(enterprise=warned.firm_a).update(status="confirmed")
        assert alerts.HALTED in listed(basis="confirmed", size="above")[warned.firm_a.pk]
        for bad in ({"size": "big"}, {"basis": "final"}):
            assert client.get(url, {**query, **bad}).status_code == 422

    def test_acknowledging_on_the_confirmed_basis(self, warned, client_for):
        """A warning that fires on 审定 only (an unconfirmed month is missing there) is
        acknowledged with basis=confirmed, and refused on 快报 where it does not fire."""
        client = client_for(warned.users["officer"])
        client.handler.enforce_csrf_checks = False
        url = reverse("api:acknowledge_alert")
        body = {"enterprise_id": warned.firm_a.pk, "period": "2020-06", "rule": "missing"}
        body["note"] = "等待审定"
        refused = client.post(url, json.dumps(body), content_type="application/json")
        assert refused.status_code == 400
        done = client.post(
            url, json.dumps({**body, "basis": "confirmed"}), content_type="application/json"
        )
        assert done.status_code == 201, done.content

    @pytest.mark.parametrize(
        ("query", "status"),
        [
            ({"rule": "x"}, 400),
            ({"who": "x"}, 400),
            ({"period": "2020-13"}, 400),
            ({"zone": "zone-b"}, 404),
            ({"officer": "officer_b"}, 404),
        ],
    )
    def test_bad_filters(self, warned, client_for, query, status):
        client = client_for(warned.users["leader"])
        assert client.get(reverse("api:list_alerts"), query).status_code == status

    def test_acknowledge(self, warned, client_for):
        client = client_for(warned.users["officer"])
        client.handler.enforce_csrf_checks = False
        url = reverse("api:acknowledge_alert")
        body = {
            "enterprise_id": warned.firm_a.pk,
            "period": "2020-06",
            "rule": "halted",
            "note": "检修",
        }
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["acknowledged_by"] == "officer"
        refused = client.post(
            url, json.dumps({**body, "note": ""}), content_type="application/json"
        )
        assert refused.status_code == 400 and "note" in refused.json()["errors"]
        outside = client.post(
            url,
            json.dumps({**body, "enterprise_id": warned.firm_b.pk}),
            content_type="application/json",
        )
        assert outside.status_code == 404
        malformed = client.post(
            url, json.dumps({"rule": "halted"}), content_type="application/json"
        )
        assert malformed.status_code == 422


def test_the_demo_warns_of_a_power_drift_and_three_declines_in_june_2020():
    """The demo's figures as its builder draws them (no database: the browser test loads the
    demo), through the rules: one firm's output per kWh drifted, one fell since March."""
    from zonedesk.demo import data, monthly
    from zonedesk.enterprises.models import Enterprise

    firms = [
        Enterprise(name=f["name"], status=f["status"], production_start=f["production_start"])
        for f in data.firm_plan()
    ]
    position = {id(f): i for i, f in enumerate(firms)}
    first = JUNE.shift(-24)
    rows = [
        (
            position[id(r.enterprise)],
            (r.period.year - first.year) * 12 + r.period.month - first.month,
            float(r.output_value_wan),
            r.electricity_kwh,
            r.days_halted,
        )
        for r in monthly.build(firms)
    ]
    months = alerts.from_rows(rows, firm_ids=range(len(firms)), first_month=0)
    found = alerts.evaluate(months, alerts.Thresholds())
    (drift,) = [w for w in found if w.rule == alerts.POWER_DRIFT]
    (decline,) = [w for w in found if w.rule == alerts.DECLINING]
    assert (drift.firm_id, decline.firm_id) == (monthly.DRIFTING, monthly.DECLINING)
    assert drift.numbers["drift"] == pytest.approx(1 / 0.55 - 1, abs=0.05)
    values = [decline.numbers[k] for k in ("m3", "m2", "m1", "m0")]
    assert values == sorted(values, reverse=True)


def test_the_stored_rules_are_the_computed_ones():
    """An acknowledgement names a rule of monitoring.alerts, and every rule can be acknowledged."""
    from zonedesk.monitoring.models import AlertAck

    assert tuple(AlertAck.Rule.values) == alerts.RULES


def test_a_note_with_control_characters_is_refused(world):
    _declining_and_halted(world.firm_a)
    with pytest.raises(ValidationFailed) as refused:
        services.alert_acknowledge(
            actor=world.users["officer"],
            enterprise=world.firm_a,
            period=JUNE,
            rule="halted",
            note="检修\x1b[31m",
        )
    assert "note" in refused.value.errors


def test_the_power_companys_reading_is_the_kwh_the_drift_rule_reads(world):
    """A firm whose own reports keep output per kWh steady (0.5) but whose power company read
    half the kWh it reported in June: the companies' reading is the independent source, so the
    ratio doubles (1.0, +100 %) and the firm is warned of a drift."""
    from zonedesk.monitoring.models import UtilityReading

    steady = {JUNE.shift(-k): (100, 200, 0) for k in range(0, 16)}
    factories.months_of_figures(world.firm_a, steady)
    assert alerts.POWER_DRIFT not in _rules(
        alert_selectors.alert_list(world.users["leader"], period=JUNE)
    ).get(world.firm_a.name, [])
    UtilityReading.objects.create(
        zone=world.zone_a,
        kind="power",
        period=JUNE.first_day,
        account_number="3100012345",
        electricity_kwh=100,
        enterprise=world.firm_a,
    )
    rows = alert_selectors.alert_list(world.users["leader"], period=JUNE)
    (drift,) = [i for r in rows if r.name == world.firm_a.name for i in r.items]
    assert drift.rule == alerts.POWER_DRIFT
    assert drift.numbers["drift"] == pytest.approx(1.0)

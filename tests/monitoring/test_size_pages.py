"""The above-size (规模以上) page, its export, the API and the `sizes` command, on rows made here.

Firms of zone_a (registry flag; 2019 main business revenue) besides the world's firm_a and
firm_a2 (flag no, no figures):
  big    flag no    12 months × 200 = 2,400 (≥ 2,000: above; below in 2019: 新升规)
  small  flag yes   12 months × 150 = 1,800 (below; above in 2019: 退规)
  edge   flag no    10 months × 200 = 2,000 (exactly the threshold: above; 新升规)
  quiet  flag yes   no revenue reported: keeps its 2019 status (above)
2019 is derived first: no 2018 revenue, so every firm keeps its flag as its 2019 status.
Deriving 2020 then judges 6 firms: big and edge move to above (2), small to below (1): 3 changed;
2 newly above; quiet, firm_a and firm_a2 have no basis (3). Above: big, edge, quiet (3).
"""

import datetime as dt
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import FirmSize, MonthlyFigure
from zonedesk.monitoring.services import size_override, sizes_derive

pytestmark = pytest.mark.django_db
JSON = "application/json"
REASON = "新建生产线投产，经县统计局核准纳入规模以上统计"


def _revenue(firm, per_month, months):
    for m in range(1, months + 1):
        MonthlyFigure.objects.create(
            enterprise=firm,
            period=dt.date(2019, m, 1),
            output_value_wan=D(100),
            revenue_wan=D(per_month),
            employees=10,
        )


@pytest.fixture
def firms(world):
    z = world.zone_a
    out = {
        "big": factories.firm(z, "大成机械有限公司", above_designated_size=False),
        "small": factories.firm(z, "小河食品有限公司", above_designated_size=True),
        "edge": factories.firm(z, "边界电子有限公司", above_designated_size=False),
        "quiet": factories.firm(z, "静安纺织有限公司", above_designated_size=True),
    }
    _revenue(out["big"], 200, 12)
    _revenue(out["small"], 150, 12)
    _revenue(out["edge"], 200, 10)
    sizes_derive(actor=SYSTEM, zone=z, year=2019)
    return out


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _row(firm, year=2020) -> FirmSize:
    return FirmSize.objects.get(enterprise=firm, year=year)


class TestDerive:
    def test_the_result_counts_the_firms_that_changed(self, world, firms):
        result = sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        assert (result.firms, result.changed, result.to_above, result.to_below) == (6, 3, 2, 1)
        assert (result.newly_above, result.no_basis, result.overridden) == (2, 3, 0)
        assert result.threshold_wan == D(2000)
        # Deriving again changes nothing.
        again = sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        assert (again.written, again.changed, again.newly_above) == (0, 0, 2)

    def test_from_the_page_with_its_summary(self, world, firms, client_for):
        client = _en(client_for(world.users["leader"]))
        response = client.post(
            reverse("monitoring:sizes_derive"), {"zone": "zone-a", "year": 2020}, follow=True
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert (
            "2020: 6 firms judged against 2,000 (10k yuan); 3 changed status (2 to above size, "
            "1 to below); 2 newly above size; 3 without revenue the year before kept their "
            "status; 0 set by hand kept."
        ) in text
        assert _row(firms["big"]).above and not _row(firms["small"]).above

    def test_a_year_without_a_threshold_is_refused_on_the_page(self, world, firms, client_for):
        client = _en(client_for(world.users["leader"]))
        response = client.post(
            reverse("monitoring:sizes_derive"), {"zone": "zone-a", "year": 2005}, follow=True
        )
        assert "No above-size threshold is recorded for 2005." in response.content.decode()
        assert not FirmSize.objects.filter(year=2005).exists()

    def test_a_year_that_is_not_one_is_refused(self, world, firms, client_for):
        client = _en(client_for(world.users["leader"]))
        response = client.post(
            reverse("monitoring:sizes_derive"), {"zone": "zone-a", "year": "二〇二〇"}, follow=True
        )
        assert response.status_code == 200
        assert "Year: Enter a whole number." in response.content.decode()
        assert not FirmSize.objects.filter(year=2020).exists()

    def test_an_officer_may_not_derive(self, world, firms, client_for):
        response = client_for(world.users["officer"]).post(
            reverse("monitoring:sizes_derive"), {"zone": "zone-a", "year": 2020}
        )
        assert response.status_code == 403
        assert not FirmSize.objects.filter(year=2020).exists()


class TestPage:
    def test_the_list_shows_basis_threshold_status_and_marks(self, world, firms, client_for):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        size_override(
            actor=world.users["leader"],
            enterprise=firms["small"],
            year=2020,
            above=True,
            reason=REASON,
        )
        client = _en(client_for(world.users["leader"]))
        response = client.get(reverse("monitoring:sizes"), {"zone": "zone-a", "year": 2020})
        assert response.status_code == 200
        rows = {r.firm.pk: r for r in response.context["rows"]}
        big, small = rows[firms["big"].pk], rows[firms["small"].pk]
        assert (big.basis_revenue_wan, big.basis_months, big.above, big.newly_above) == (
            D(2400),
            12,
            True,
            True,
        )
        # small: derived below, set above by hand: above again, so not dropped
        assert (small.derived, small.override, small.above, small.dropped) == (
            False,
            True,
            True,
            False,
        )
        html = response.content.decode()
        assert "2,400.00" in html and REASON in html
        counts = {key: n for key, _label, n in response.context["filters"]}
        assert counts == {
            "": 6,
            "above": 4,
            "below": 2,
            "newly_above": 2,
            "dropped": 0,
            "overridden": 1,
            "no_basis": 3,
        }

    def test_the_counts_show_once_spaced_and_the_revenue_is_main_business(
        self, world, firms, client_for
    ):
        """Found on the outside walk: the counts were in the select and again in badges that
        read as one run ("全部: 51规模以上: 42"); the column said 营业收入 where the rule says
        主营业务收入."""
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        client = _en(client_for(world.users["leader"]))
        html = client.get(reverse("monitoring:sizes"), {"zone": "zone-a", "year": 2020})
        html = html.content.decode()
        select = html.split('data-testid="show"')[1].split("</select>")[0]
        assert "(6)" not in select and "(4)" not in select
        counts = html.split('data-testid="size-counts">')[1].split("</p>")[0]
        text = " ".join(re.sub(r"<[^>]+>", " ", counts).split())
        assert re.match(r"All 6 \D", text), text
        assert "</a> <a" in counts
        assert "Main business revenue 2019 (10k yuan)" in html

    @pytest.mark.parametrize(
        ("show", "expected"),
        [
            ("above", {"big", "edge", "quiet"}),
            ("below", {"small", "firm_a", "firm_a2"}),
            ("newly_above", {"big", "edge"}),
            ("dropped", {"small"}),
            ("no_basis", {"quiet", "firm_a", "firm_a2"}),
            ("overridden", set()),
        ],
    )
    def test_the_filters(self, world, firms, client_for, show, expected):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        names = {**firms, "firm_a": world.firm_a, "firm_a2": world.firm_a2}
        response = client_for(world.users["officer"]).get(
            reverse("monitoring:sizes"), {"zone": "zone-a", "year": 2020, "show": show}
        )
        assert {r.firm.pk for r in response.context["rows"]} == {names[k].pk for k in expected}

    def test_before_any_derivation_the_registry_flags_stand(self, world, firms, client_for):
        client = _en(client_for(world.users["leader"]))
        response = client.get(reverse("monitoring:sizes"), {"zone": "zone-a", "year": 2021})
        assert "Nothing is derived or set for 2021 yet" in response.content.decode()
        rows = {r.firm.pk: r for r in response.context["rows"]}
        assert rows[firms["small"].pk].above is True and rows[firms["big"].pk].above is False

    def test_a_bad_year_falls_back_with_a_message(self, world, firms, client_for):
        client = _en(client_for(world.users["leader"]))
        response = client.get(reverse("monitoring:sizes"), {"zone": "zone-a", "year": "20x0"})
        assert response.status_code == 200
        assert response.context["year"] == 2019  # the zone's latest figures are of 2019
        assert "is not a year from 2000 to 2100: showing 2019." in response.content.decode()

    def test_the_dashboard_links_to_it(self, world, firms, client_for):
        response = client_for(world.users["leader"]).get(
            reverse("monitoring:dashboard"), {"zone": "zone-a", "period": "2019-12"}
        )
        assert 'data-testid="sizes-link"' in response.content.decode()

    def test_the_export(self, world, firms, client_for):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        size_override(
            actor=world.users["leader"],
            enterprise=firms["quiet"],
            year=2020,
            above=False,
            reason=REASON,
        )
        client = _en(client_for(world.users["leader"]))
        response = client.get(
            reverse("monitoring:sizes_export"), {"zone": "zone-a", "year": 2020, "show": "below"}
        )
        assert response.status_code == 200
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = sheet.get_sheet_by_index(0).to_python()
        header, body = rows[0], rows[1:]
        assert header[:3] == [
            "Enterprise name",
            "Unified social credit code",
            "Main business revenue of the year before (10k yuan)",
        ]
        by_name = {r[0]: r for r in body}
        assert set(by_name) == {
            "小河食品有限公司",
            "静安纺织有限公司",
            "甲一机械有限公司",
            "甲二食品有限公司",
        }
        small = by_name["小河食品有限公司"]
        assert small[2:8] == [1800.0, 12.0, 2000.0, "No", "", ""]
        assert small[10:13] == ["No", "No", "Yes"]  # below, not newly above, dropped
        quiet = by_name["静安纺织有限公司"]
        assert quiet[2] == "" and quiet[5:9] == ["", "No", REASON, str(world.users["leader"])]
        assert AuditEntry.objects.filter(action="export").exists()


class TestOverridePage:
    def _url(self, firm, year=2020):
        return reverse("monitoring:size_override", args=[firm.pk, year])

    def test_set_by_hand_with_a_reason_then_cleared(self, world, firms, client_for):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        client = client_for(world.users["leader"])
        small = firms["small"]
        form = client.get(self._url(small)).context["form"]
        assert form.initial["status"] == "clear" and form.initial["version"] == 1
        response = client.post(
            self._url(small), {"status": "above", "reason": REASON, "version": 1}
        )
        assert response.status_code == 302 and f"#firm-{small.pk}" in response["Location"]
        row = _row(small)
        assert (row.override, row.override_reason, row.above, row.version) == (
            True,
            REASON,
            True,
            2,
        )
        assert row.override_by == world.users["leader"] and row.override_at is not None
        assert Enterprise.objects.get(pk=small.pk).above_designated_size is True
        client.post(self._url(small), {"status": "clear", "reason": "", "version": 2})
        row = _row(small)
        assert (row.override, row.override_reason, row.above, row.version) == (None, "", False, 3)

    def test_a_setting_without_a_reason_is_refused_on_the_field(self, world, firms, client_for):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        client = _en(client_for(world.users["leader"]))
        response = client.post(
            self._url(firms["small"]), {"status": "above", "reason": "  ", "version": 1}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["reason"] == [
            "Say why the status is set by hand (the reason is kept with it)."
        ]
        assert _row(firms["small"]).override is None

    def test_a_stale_form_is_refused_with_the_stored_setting(self, world, firms, client_for):
        sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
        small = firms["small"]
        size_override(
            actor=world.users["city_leader"],
            enterprise=small,
            year=2020,
            above=False,
            reason="核实",
        )
        client = _en(client_for(world.users["leader"]))
        response = client.post(
            self._url(small), {"status": "above", "reason": REASON, "version": 1}
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "was changed by" in html and "Nothing was saved." in html
        row = _row(small)
        assert (row.override, row.override_reason, row.version) == (False, "核实", 2)
        # Saved again on top of theirs, it goes through.
        data = response.context["form"].data
        assert str(data["version"]) == "2"
        again = client.post(self._url(small), {"status": "above", "reason": REASON, "version": 2})
        assert again.status_code == 302 and _row(small).override is True

    def test_a_firm_without_a_status_of_the_year_gets_one(self, world, firms, client_for):
        client = client_for(world.users["leader"])
        response = client.post(
            self._url(firms["big"], 2021), {"status": "above", "reason": REASON, "version": 0}
        )
        assert response.status_code == 302
        row = _row(firms["big"], 2021)
        assert (row.override, row.above, row.threshold_wan, row.version) == (
            True,
            True,
            D(2000),
            1,
        )

    def test_an_impossible_year_is_not_found(self, world, firms, client_for):
        client = client_for(world.users["leader"])
        assert client.get(self._url(firms["big"], 1999)).status_code == 404


def _api(world, username):
    from django.test import Client

    from zonedesk.org.services import api_token_create

    _row, token = api_token_create(actor=SYSTEM, user=world.users[username], name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


class TestApi:
    def test_list_derive_and_override(self, world, firms):
        api = _api(world, "leader")
        derived = api.post("/api/v1/zones/zone-a/sizes/2020/derive").json()
        assert {k: derived[k] for k in ("firms", "changed", "to_above", "to_below")} == {
            "firms": 6,
            "changed": 3,
            "to_above": 2,
            "to_below": 1,
        }
        assert derived["newly_above"] == 2 and derived["no_basis"] == 3
        listed = api.get("/api/v1/zones/zone-a/sizes/2020").json()
        assert listed["threshold_wan"] == "2000.00" and listed["threshold_from_year"] == 2011
        assert listed["counts"] == {
            "all": 6,
            "above": 3,
            "below": 3,
            "newly_above": 2,
            "dropped": 1,
            "overridden": 0,
            "no_basis": 3,
        }
        edge = next(f for f in listed["firms"] if f["id"] == firms["edge"].pk)
        assert (edge["basis_revenue_wan"], edge["basis_months"], edge["derived"]) == (
            "2000.00",
            10,
            True,
        )
        assert edge["newly_above"] is True and edge["version"] == 1

        url = f"/api/v1/firms/{firms['edge'].pk}/sizes/2020/override"
        body = {"status": "below", "reason": REASON, "version": 1}
        done = api.put(url, json.dumps(body), content_type=JSON)
        assert done.status_code == 200
        got = done.json()
        assert (got["override"], got["above"], got["newly_above"], got["version"]) == (
            "below",
            False,
            False,
            2,
        )
        assert got["override_by"] == str(world.users["leader"])
        # The same version again: someone (this client) set it since: 409, nothing saved.
        stale = api.put(url, json.dumps({**body, "status": "clear"}), content_type=JSON)
        assert stale.status_code == 409 and stale.json()["version"] == 2
        assert _row(firms["edge"]).override is False
        dropped = api.get("/api/v1/zones/zone-a/sizes/2020", {"show": "overridden"}).json()
        assert [f["id"] for f in dropped["firms"]] == [firms["edge"].pk]

    def test_bad_input_gets_field_errors(self, world, firms):
        api = _api(world, "leader")
        bad_show = api.get("/api/v1/zones/zone-a/sizes/2020", {"show": "big"})
        assert bad_show.status_code == 400 and "show" in bad_show.json()["errors"]
        bad_year = api.post("/api/v1/zones/zone-a/sizes/1999/derive")
        assert bad_year.status_code == 400 and "year" in bad_year.json()["errors"]
        no_threshold = api.post("/api/v1/zones/zone-a/sizes/2005/derive")
        assert no_threshold.status_code == 400
        assert no_threshold.json()["errors"]["year"] == [
            "No above-size threshold is recorded for 2005."
        ]
        url = f"/api/v1/firms/{firms['big'].pk}/sizes/2020/override"
        no_reason = api.put(url, json.dumps({"status": "above", "version": 0}), content_type=JSON)
        assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
        long = api.put(
            url, json.dumps({"status": "above", "reason": "理" * 301}), content_type=JSON
        )
        assert long.status_code == 400
        assert long.json()["errors"]["reason"] == [
            "The reason is 301 characters long; at most 300 are kept."
        ]
        odd = api.put(url, json.dumps({"status": "maybe", "reason": "x"}), content_type=JSON)
        assert odd.status_code in (400, 422) and "status" in odd.content.decode()
        assert not FirmSize.objects.filter(year=2020).exists()

    def test_an_officer_reads_but_may_not_set(self, world, firms):
        api = _api(world, "officer")
        assert api.get("/api/v1/zones/zone-a/sizes/2020").status_code == 200
        assert api.post("/api/v1/zones/zone-a/sizes/2020/derive").status_code == 403
        url = f"/api/v1/firms/{firms['big'].pk}/sizes/2020/override"
        body = json.dumps({"status": "above", "reason": REASON})
        assert api.put(url, body, content_type=JSON).status_code == 403
        assert not FirmSize.objects.filter(year=2020).exists()


class TestCommand:
    def _run(self, *args) -> str:
        out = io.StringIO()
        call_command("sizes", *args, "--lang", "en", stdout=out)
        return out.getvalue()

    def test_derive_then_override_and_clear(self, world, firms):
        out = self._run("derive", "--zone", "zone-a", "--year", "2020")
        assert out.startswith("2020: 6 firms judged against 2,000 (10k yuan); 3 changed status")
        small = firms["small"]
        out = self._run(
            "override", "--zone", "zone-a", "--firm", small.credit_code.lower(), "--above",
            "--reason", REASON,
        )  # fmt: skip
        assert out.strip() == "小河食品有限公司, 2020: above designated size."
        row = _row(small)
        assert (row.override, row.override_reason, row.override_by) == (True, REASON, None)
        entry = AuditEntry.objects.filter(target_type="monitoring.firmsize").latest("pk")
        assert entry.actor_name == "system" and entry.changes["override"] == [None, True]
        out = self._run("override", "--zone", "zone-a", "--firm", small.credit_code, "--clear")
        assert out.strip() == "小河食品有限公司, 2020: below designated size."

    def test_as_a_user_whose_permissions_apply(self, world, firms):
        with pytest.raises(CommandError, match="You do not have permission"):
            self._run("derive", "--zone", "zone-a", "--year", "2020", "--user", "officer")
        self._run("derive", "--zone", "zone-a", "--year", "2020", "--user", "leader")
        entry = AuditEntry.objects.filter(target_type="monitoring.firmsize").latest("pk")
        assert entry.actor_name == "leader"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["derive", "--zone", "zone-a", "--year", "20"], "“20” is not a year"),
            (["derive", "--zone", "nowhere", "--year", "2020"], "No zone or area “nowhere”"),
            (["derive", "--zone", "zone-a", "--year", "2005"], "No above-size threshold"),
            (
                ["override", "--zone", "zone-a", "--firm", "X", "--above", "--reason", "r"],
                "No firm with the credit code X in 甲经开区",
            ),
            (
                ["override", "--zone", "zone-b", "--firm", "X", "--below", "--user", "leader"],
                "No zone or area “zone-b” that leader may see",
            ),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, world, firms, args, message):
        with pytest.raises(CommandError, match=message):
            self._run(*args)
        assert not FirmSize.objects.filter(year=2020).exists()

    def test_a_setting_without_a_reason_is_refused(self, world, firms):
        code = firms["big"].credit_code
        with pytest.raises(CommandError, match="Say why the status is set by hand"):
            self._run("override", "--zone", "zone-a", "--firm", code, "--above", "--year", "2020")
        assert not FirmSize.objects.filter(year=2020).exists()

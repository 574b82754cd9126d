"""Policy pages through the test client: a firm's benefits and why, the benefit's next step,
open benefits, and a zone's coverage, with their xlsx exports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests.factories import JUNE, TODAY, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Entitlement, EntitlementEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):
    """firm_a: 50 employees; firm_a2: 10; firm_b (重庆): 80. Three Sichuan measures: one both
    zone_a firms qualify for, one only firm_a does, one needing revenue (not reported)."""
    w = world
    figures(w.firm_a, 50)
    figures(w.firm_a2, 10)
    figures(w.firm_b, 80)
    doc = document(w, "province", area=w.sichuan)
    w.everyone = measure(doc, "employees >= 5", "employees * 0.1", clause="第一条", title="稳岗")
    w.big = measure(doc, "employees >= 20", clause="第二条", title="大企业贴息")
    w.revenue = measure(doc, "revenue_ytd_yoy <= -30%", clause="第三条", title="营收下降补助")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    return w


def pair(firm, m) -> Entitlement:
    return Entitlement.objects.get(enterprise=firm, measure=m)


def test_the_firm_page_shows_each_benefit_with_the_firms_own_values(setting, client_for):
    w = setting
    page = client_for(w.users["enterprise"]).get(f"/policies/firms/{w.firm_a.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "稳岗" in html and "大企业贴息" in html
    # the condition as a sentence with the firm's own value (never the rule's code), the
    # estimate, and the missing fact named
    assert "本月末用工人数不少于 20 人：贵企业为 50 人" in html
    assert "employees &gt;=" not in html and "employees" not in html
    assert "5.00" in html
    assert 'data-testid="group-undetermined"' in html and "累计营收同比" in html
    # firm_a2 (10 employees) does not qualify for 大企业贴息: listed with the failed condition
    other = client_for(w.users["leader"]).get(f"/policies/firms/{w.firm_a2.pk}/").content.decode()
    not_eligible = other.split('data-testid="group-not-eligible"')[1]
    assert "大企业贴息" in not_eligible and "✗" in not_eligible
    assert "本月末用工人数不少于 20 人：该企业为 10 人" in not_eligible  # an official reads it


@pytest.mark.parametrize("role", ["leader", "city_leader", "officer", "enterprise"])
def test_the_firm_pages_queries_do_not_grow_with_its_benefits(world, client_for, role):
    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan)
    counts = []
    for n in (2, 12):
        while doc.measures.count() < n:
            measure(doc, "employees >= 5", clause=f"c{doc.measures.count()}")
        client = client_for(world.users[role])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/policies/firms/{world.firm_a.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_officer_moves_a_benefit_along_and_every_step_is_stamped(setting, client_for):
    w = setting
    e = pair(w.firm_a, w.everyone)
    officer = client_for(w.users["officer"])
    page = officer.get(f"/policies/firms/{w.firm_a.pk}/").content.decode()
    assert f'action="/policies/entitlements/{e.pk}/move/"' in page

    response = officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "notified"})
    assert response.status_code == 302 and response["Location"].endswith(f"#e{e.pk}")
    e.refresh_from_db()
    assert e.state == "notified"
    event = EntitlementEvent.objects.get(entitlement=e)
    assert (event.from_state, event.to_state, event.actor) == (
        "identified",
        "notified",
        w.users["officer"],
    )
    assert AuditEntry.objects.filter(target_type="policies.entitlement", actor=w.users["officer"])

    # approval without an amount: refused with the field named, nothing changes
    response = officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "approved"})
    assert response.status_code == 302 and response["Location"].endswith(f"#e{e.pk}")
    assert 'data-testid="move-errors"' in officer.get(response["Location"]).content.decode()
    e.refresh_from_db()
    assert e.state == "notified" and EntitlementEvent.objects.filter(entitlement=e).count() == 1

    officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "approved", "amount_wan": "4.5"})
    officer.post(
        f"/policies/entitlements/{e.pk}/move/",
        {"to": "disbursed", "amount_wan": "4.5", "on": "2020-08-01"},
    )
    e.refresh_from_db()
    assert (e.state, e.disbursed_wan, e.disbursed_on) == (
        "disbursed",
        Decimal("4.50"),
        dt.date(2020, 8, 1),
    )
    page = officer.get(f"/policies/firms/{w.firm_a.pk}/").content.decode()
    received = page.split('data-testid="group-received"')[1]
    assert "稳岗" in received and "4.50" in received
    # amounts carry their unit on the benefit (approved, received, and in its history)
    assert '<strong data-testid="received">4.50</strong> 万元' in received
    assert '<strong data-testid="approved">4.50</strong> 万元' in received
    assert "· 4.50 万元 ·" in received


def test_a_move_out_of_turn_is_refused_with_the_reason(setting, client_for):
    w = setting
    e = pair(w.firm_a, w.everyone)
    officer = client_for(w.users["officer"])
    response = officer.post(
        f"/policies/entitlements/{e.pk}/move/",
        {"to": "disbursed", "amount_wan": "1", "on": "2020-08-01"},
    )
    assert response.status_code == 302
    assert "之后不能直接" in officer.get(response["Location"]).content.decode()
    response = officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "nonsense"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.state == "identified"


def test_a_refused_step_is_said_at_the_top_and_a_reload_goes_back_to_the_firm(world, client_for):
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    e = Entitlement.objects.get(measure=m, enterprise=world.firm_a)
    officer = client_for(world.users["officer"])
    response = officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "approved"})
    # back on the benefit (not left on the POST URL), the reason beside it and at the top
    assert response.status_code == 302
    assert response["Location"] == f"/policies/firms/{world.firm_a.pk}/#e{e.pk}"
    page = officer.get(response["Location"])
    html = page.content.decode()
    card = html.split(f'data-testid="entitlement-{e.pk}"')[1]
    assert 'data-testid="move-errors"' in card and "data-scroll-to" in html
    said = [str(message) for message in page.context["messages"]]
    assert len(said) == 1 and m.title in said[0] and "之后不能直接" in said[0]
    # shown once: a reload of the firm page is clean
    assert 'data-testid="move-errors"' not in officer.get(response["Location"]).content.decode()
    reload = officer.get(f"/policies/entitlements/{e.pk}/move/")
    assert reload.status_code == 302 and reload["Location"].endswith(f"#e{e.pk}")


def test_the_firm_declines_but_may_not_tell_itself(setting, client_for):
    w = setting
    e = pair(w.firm_a, w.everyone)
    firm = client_for(w.users["enterprise"])
    page = firm.get(f"/policies/firms/{w.firm_a.pk}/").content.decode()
    assert 'data-testid="move-notified"' not in page
    assert firm.post(f"/policies/entitlements/{e.pk}/move/", {"to": "notified"}).status_code == 403
    response = firm.post(f"/policies/entitlements/{e.pk}/move/", {"to": "declined"})
    assert response.status_code == 302  # a reason is needed: said beside the benefit
    assert 'data-testid="move-errors"' in firm.get(response["Location"]).content.decode()
    firm.post(f"/policies/entitlements/{e.pk}/move/", {"to": "declined", "note": "不需要"})
    e.refresh_from_db()
    assert (e.state, e.reason) == ("declined", "不需要")
    # a neighbour's benefit is not found at all
    other = pair(w.firm_a2, w.everyone)
    assert (
        firm.post(f"/policies/entitlements/{other.pk}/move/", {"to": "declined"}).status_code == 404
    )


def test_open_benefits_are_the_officers_own_firms_unless_asked_for_all(setting, client_for):
    w = setting
    officer = client_for(w.users["officer"])
    mine = officer.get("/policies/open/").content.decode()
    assert w.firm_a.name in mine and w.firm_a2.name not in mine
    everyone = officer.get("/policies/open/", {"who": "all"}).content.decode()
    assert w.firm_a.name in everyone and w.firm_a2.name in everyone
    assert w.firm_b.name not in everyone
    # filters: a state, and odd values that must not fail
    services.entitlement_move(actor=SYSTEM, entitlement=pair(w.firm_a, w.everyone), to="notified")
    notified = officer.get("/policies/open/", {"state": "notified"}).content.decode()
    assert "稳岗" in notified and "大企业贴息" not in notified
    for odd in ({"state": "x"}, {"level": "'; drop"}, {"who": "<x>"}):
        assert officer.get("/policies/open/", odd).status_code == 200

    book = CalamineWorkbook.from_filelike(
        io.BytesIO(officer.get("/policies/open.xlsx", {"who": "all"}).content)
    )
    rows = book.get_sheet_by_index(0).to_python()
    names = {r[0] for r in rows[1:]}
    assert names == {w.firm_a.name, w.firm_a2.name}
    assert (
        len(rows) - 1
        == Entitlement.objects.filter(enterprise__zone=w.zone_a, decision="eligible").count()
    )


def test_coverage_counts_notified_and_received_pairs(setting, client_for):
    w = setting
    leader = client_for(w.users["leader"])
    services.entitlement_move(actor=SYSTEM, entitlement=pair(w.firm_a, w.everyone), to="notified")
    e = pair(w.firm_a2, w.everyone)
    services.entitlement_move(actor=SYSTEM, entitlement=e, to="notified")
    services.entitlement_move(actor=SYSTEM, entitlement=e, to="declined", note="不需要")
    html = leader.get("/policies/coverage/").content.decode()
    levels = html.split('data-testid="coverage-levels"')[1].split("</table>")[0]
    # 3 eligible pairs (2 + 1), 2 notified, 1 done; the 营收 pairs are undetermined
    assert "66.67%" in levels and "33.33%" in levels
    # firm_a2 declined its only benefit: nothing left to claim
    unclaimed = html.split('data-testid="unclaimed"')[1].split("</div>")[0]
    assert w.firm_a.name in unclaimed and w.firm_a2.name not in unclaimed

    book = CalamineWorkbook.from_filelike(io.BytesIO(leader.get("/policies/coverage.xlsx").content))
    assert len(book.sheet_names) == 3
    by_level = book.get_sheet_by_index(0).to_python()
    assert by_level[1][2:7] == [3, 2, pytest.approx(66.67), 1, pytest.approx(33.33)]
    assert leader.get("/policies/coverage/", {"zone": w.zone_b.code}).status_code == 404
    assert client_for(w.users["enterprise"]).get("/policies/coverage/").status_code == 403


def test_coverage_lists_every_measure_covering_the_zone_with_its_zeros(world):
    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan)
    some = measure(doc, "employees >= 5", clause="一")
    none = measure(doc, "employees >= 500", clause="二")
    _levels, by_measure = selectors.coverage(world.users["leader"], zone=world.zone_a)
    assert [(r.key, r.eligible) for r in by_measure] == [(str(some.pk), 1), (str(none.pk), 0)]


def test_rates_in_the_xlsx_exports_round_half_up_as_on_the_page():
    from zonedesk.core.templatetags.zd import pct
    from zonedesk.policies import sheets

    rate = Decimal(1) / 32  # 3.125 %
    assert pct(rate) == "3.13%" and sheets._rate(rate) == Decimal("3.13")


def test_the_firm_page_card_and_the_module_front_page(setting, client_for):
    w = setting
    firm = client_for(w.users["enterprise"])
    detail = firm.get(f"/enterprises/{w.firm_a.pk}/").content.decode()
    card = detail.split('data-testid="firm-benefits"')[1]
    assert f"/policies/firms/{w.firm_a.pk}/" in card
    assert firm.get("/policies/")["Location"] == f"/policies/firms/{w.firm_a.pk}/"
    assert client_for(w.users["officer"]).get("/policies/")["Location"] == "/policies/open/"
    assert client_for(w.users["leader"]).get("/policies/")["Location"] == "/policies/coverage/"


def test_a_city_leader_sees_each_zone_and_the_city_wide_total(setting, client_for):
    """A city leader's coverage page adds a table of the city's zones with the city-wide total
    (shares of the summed pairs); a zone leader, who sees one zone, has no such table. The
    workbook carries the same rows."""
    from tests.factories import firm
    from zonedesk.org.services import zone_create

    w = setting
    zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙经开区", area=w.kaijiang)
    firm_c = firm(zone_c)
    figures(firm_c, 30)
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    services.entitlement_move(actor=SYSTEM, entitlement=pair(firm_c, w.everyone), to="notified")
    city = client_for(w.users["city_leader"])
    html = city.get("/policies/coverage/", {"zone": w.zone_a.code}).content.decode()
    table = html.split('data-testid="coverage-zones"')[1].split("</table>")[0]
    rows = {
        r.split('data-key="')[1].split('"')[0]: r for r in table.split("<tr")[2:]
    }  # the head's row first
    assert set(rows) == {str(w.zone_a.pk), str(zone_c.pk), "total"}
    # zone_a: 3 pairs (firm_a 2, firm_a2 1), none notified; zone_c: 2 pairs, 1 notified
    total = rows["total"]
    assert "达州市各园区合计" in total and ">5<" in total and ">1<" in total and "20.00%" in total
    assert "50.00%" in rows[str(zone_c.pk)] and w.firm_b.name not in html
    zone_leader = client_for(w.users["leader"]).get("/policies/coverage/").content.decode()
    assert 'data-testid="coverage-zones"' not in zone_leader

    book = CalamineWorkbook.from_filelike(io.BytesIO(city.get("/policies/coverage.xlsx").content))
    by_zone = book.get_sheet_by_name("分园区").to_python()
    assert [r[0] for r in by_zone[1:]] == ["甲经开区", "丙经开区", "达州市各园区合计"]
    assert by_zone[-1][2:5] == [5, 1, pytest.approx(20.0)]

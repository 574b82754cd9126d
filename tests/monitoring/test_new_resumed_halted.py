"""New firms by production start date, resumed firms, average days halted (平均停工天数) and the
comparable basis, on a small zone whose every figure is worked out by hand below.

The zone's firms (June 2019 -> June 2020 output in 万元; days halted in 2020):
  old       started 2010   100 -> 110        halted Feb 20, Mar 10      = 30 days
  resumed   started 2015     0 -> 50         halted all of June 2019; Feb 29, Mar 31, Apr 30,
            (May 2019: 40, its level before the halt)                 May 10 = 100 days
  new       started 2020-03-15   — -> 40     never halted
  stopped   started 2012    60 -> 0          halted all of June 2020 (Feb 29 too): not producing
  steady    started 2011   200 -> 190        never halted
"""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import EnterpriseData, enterprise_update
from zonedesk.monitoring import indicators, rollups, selectors
from zonedesk.monitoring.indicators import CapacityClass, FirmMonth, percent
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth
from zonedesk.monitoring.schemas import status_dict

JUNE = Period(2020, 6)


def _row(firm, year, month, output, *, halted=0, employees=10, status="confirmed"):
    return MonthlyFigure.objects.create(
        enterprise=firm,
        period=dt.date(year, month, 1),
        output_value_wan=D(output),
        employees=employees,
        days_halted=halted,
        status=status,
    )


@pytest.fixture
def zone(world):
    z = world.zone_a
    MonthlyFigure.objects.filter(enterprise__zone=z).delete()
    start = {
        "old": dt.date(2010, 1, 1),
        "resumed": dt.date(2015, 5, 1),
        "new": dt.date(2020, 3, 15),
        "stopped": dt.date(2012, 1, 1),
        "steady": dt.date(2011, 1, 1),
    }
    firms = {k: factories.firm(z, production_start=d, status="producing") for k, d in start.items()}
    _row(firms["old"], 2019, 6, 100)
    _row(firms["old"], 2020, 2, 20, halted=20)
    _row(firms["old"], 2020, 3, 60, halted=10)
    _row(firms["old"], 2020, 6, 110)
    _row(firms["resumed"], 2019, 5, 40)
    _row(firms["resumed"], 2019, 6, 0, halted=30)
    for month, halted in ((2, 29), (3, 31), (4, 30)):
        _row(firms["resumed"], 2020, month, 0, halted=halted)
    _row(firms["resumed"], 2020, 5, 30, halted=10)
    _row(firms["resumed"], 2020, 6, 50)
    _row(firms["new"], 2020, 6, 40)
    _row(firms["stopped"], 2019, 6, 60)
    _row(firms["stopped"], 2020, 2, 0, halted=29)
    _row(firms["stopped"], 2020, 6, 0, halted=30)
    _row(firms["steady"], 2019, 6, 200)
    _row(firms["steady"], 2020, 6, 190)
    rollups.rebuild([z.pk])
    return z, {k: f.pk for k, f in firms.items()}


def _status(zone_obj, *, area=False):
    scope = (
        selectors.scope_for(SYSTEM, area="511700") if area else selectors.Scope.of_zone(zone_obj)
    )
    return selectors.status(SYSTEM, scope, JUNE)


def test_new_is_decided_by_the_start_date_and_a_halted_old_firm_is_resumed(zone):
    """The firm halted all of June 2019 that started in 2015 is resumed, not new."""
    z, ids = zone
    s = _status(z).summary
    assert s.new_firms == (ids["new"],)
    assert s.resumed_firms == (ids["resumed"],)
    # producing: old (+10 %: above), resumed (above), new (above), steady (−5 %: level, inclusive)
    assert (s.count(CapacityClass.ABOVE), s.count(CapacityClass.LEVEL)) == (3, 1)
    assert s.count(CapacityClass.BELOW) == 0 and s.halted == (ids["stopped"],)


def test_headline_and_comparable_growth_by_hand(zone):
    """Headline over the reporting firms, its parts, and the comparable basis (new firm out)."""
    z, _ids = zone
    out = _status(z).summary.aggregates["output_value_wan"]
    # this June 110 + 50 + 40 + 0 + 190 = 390; last June 100 + 0 + 0 + 60 + 200 = 360
    assert (out.current, out.last_year) == (D(390), D(360))
    assert percent(out.yoy) == D("8.33")  # 30 / 360
    assert percent(out.new_part) == D("11.11")  # 40 / 360
    assert percent(out.resumed_part) == D("13.89")  # 50 / 360
    assert percent(out.existing_part) == D("-16.67")  # (10 − 60 − 10) / 360
    assert out.new_part + out.resumed_part + out.existing_part == out.yoy
    # comparable: old, resumed, stopped, steady: 350 against 360 -> −10 / 360
    assert (out.comparable_current, out.comparable_last_year) == (D(350), D(360))
    assert out.comparable_firms == 4
    assert percent(out.comparable_yoy) == D("-2.78")


def test_average_days_halted_by_hand(zone):
    """Over the producing firms halted since January: (30 + 100) / 2 = 65; the firm halted all
    June is not producing and the never-halted firms are outside it."""
    z, ids = zone
    h = _status(z).halted
    assert (h.months, h.firms, h.days, h.average_days) == (6, 2, 130, 65)
    assert h.by_firm == tuple(sorted([(ids["old"], 30), (ids["resumed"], 100)]))
    # May: only the resumed firm produced (30 万元, 10 days halted): 29 + 31 + 30 + 10 = 100;
    # the old firm has no May row, so it is not among the firms producing in May
    may = selectors.average_days_halted(Enterprise.objects.filter(zone=z), Period(2020, 5))
    assert (may.firms, may.days, may.average_days) == (1, 100, 100)


def test_the_paragraph_and_the_api_state_the_average(zone):
    from django.utils import translation

    from zonedesk.reports.sections import status as section

    z, _ids = zone
    st = _status(z)
    with translation.override("en"):
        text = section.paragraph(st.facts)
    assert (
        "From month 1 to month 6, 2 producing firms had been halted, for 65 days on average."
    ) in text
    assert (
        "1 of them resumed after a halt" in text
        and "(of which resumed firms adding 13.89 points)" in text
    )
    # headline output +8.33 %, employment 50 against 40 (+25 %); comparable (new firm out):
    # output 350 / 360 (−2.78 %), employment 40 / 40; no revenue, power or water reported
    assert "output value was up 8.33% on the same month last year" in text
    assert (
        "On a comparable basis (the same firms in both years, new firms left out): "
        "output down 2.78%, employment unchanged."
    ) in text
    data = status_dict(st)
    assert data["halted_days"] == {
        "months": 6,
        "firms": 2,
        "days": 130,
        "average_days": 65,
        "average": "65.0000",
    }
    assert data["capacity"]["resumed"] == 1 and data["capacity"]["new_firm_months"] == 12
    assert data["figures"]["output_value_wan"]["resumed_firms_points"] == "13.89"


def test_a_resumed_firm_is_compared_with_its_own_level_before_the_halt(zone):
    """The firm table compares the resumed firm with May 2019 (40): 50 / 40 − 1 = +25 %."""
    z, ids = zone
    rows = {r.enterprise.pk: r for r in selectors.month_rows(SYSTEM, z, JUNE)}
    r = rows[ids["resumed"]]
    assert r.resumed and not r.new and r.capacity_class == "above"
    assert r.own_basis == (Period(2019, 5), D(40)) and r.own_basis_change == D("0.25")
    assert [x.enterprise.pk for x in selectors.shown(list(rows.values()), "resumed")] == [
        ids["resumed"]
    ]


def test_the_new_firm_window_is_a_setting(zone, settings):
    """With a 2-month window the firm started 2020-03-15 is no longer new in June: it had no
    output in June 2019, so it is resumed-like (started before the window)."""
    z, ids = zone
    settings.ZONEDESK = {**settings.ZONEDESK, "NEW_FIRM_MONTHS": 3}  # April..June 2020
    s = _status(z).summary
    assert s.new_firms == () and set(s.resumed_firms) == {ids["new"], ids["resumed"]}
    settings.ZONEDESK = {**settings.ZONEDESK, "NEW_FIRM_MONTHS": 4}  # March..June 2020
    assert _status(z).summary.new_firms == (ids["new"],)


def test_changing_the_start_date_moves_the_area_figures(zone, django_capture_on_commit_callbacks):
    """A corrected start date drops the kept summaries of the firm's months: the area (added
    up from them) sees the resumed firm as new at once."""
    z, ids = zone
    assert ZoneMonth.objects.filter(zone=z, period=JUNE.first_day).exists()
    area = _status(z, area=True).summary
    assert area.resumed_firms == (ids["resumed"],)
    firm = Enterprise.objects.get(pk=ids["resumed"])
    data = dataclasses.replace(EnterpriseData.of(firm), production_start=dt.date(2020, 4, 1))
    with django_capture_on_commit_callbacks(execute=False):
        enterprise_update(actor=SYSTEM, enterprise=firm, data=data)
    assert not ZoneMonth.objects.filter(zone=z, period=JUNE.first_day).exists()
    area = _status(z, area=True).summary
    assert set(area.new_firms) == {ids["new"], ids["resumed"]} and area.resumed_firms == ()
    out = area.aggregates["output_value_wan"]
    assert percent(out.new_part) == D("25.00")  # (40 + 50) / 360
    assert out.comparable_firms == 3  # old, stopped, steady: 300 against 360
    assert percent(out.comparable_yoy) == D("-16.67")


def test_pure_rules_of_new_and_resumed():
    """Table of the rule: start date in the window -> new; before it, no output a year earlier
    -> resumed; unknown start -> the old rule (no output a year earlier -> new)."""
    since = dt.date(2019, 7, 1)
    cases = [
        # (start, output a year earlier, new, resumed)
        (dt.date(2019, 7, 1), D(50), True, False),  # first day of the window: new
        (dt.date(2019, 6, 30), None, False, True),  # a day before: resumed
        (dt.date(2015, 1, 1), D(0), False, True),
        (dt.date(2015, 1, 1), D(80), False, False),
        (None, None, True, False),
        (None, D(80), False, False),
    ]
    for start, base, new, resumed in cases:
        row = FirmMonth(1, output_value_wan=D(100), production_start=start)
        b = FirmMonth(1, output_value_wan=base) if base is not None else None
        c = indicators.classify(row, b, new_since=since)
        assert (c.new, c.resumed) == (new, resumed), (start, base)


def test_halted_days_average_rounds_half_up():
    assert indicators.HaltedDays(6, 2, 91).average_days == 46  # 45.5 -> 46
    assert indicators.HaltedDays(6, 3, 136).average_days == 45  # 45.33 -> 45
    assert indicators.HaltedDays(6, 0, 0).average is None


def test_preliminary_and_confirmed_figures_differ_when_reports_await_confirmation(zone):
    """The steady firm's June 2020 report is submitted, not confirmed. 快报 counts it:
    390 / 360 (+8.33 %); 审定 leaves it out: (110 + 50 + 40 + 0) / (100 + 0 + 0 + 60) =
    200 / 160 (+25.00 %). The paragraph says which it is."""
    from django.utils import translation

    from zonedesk.reports.sections import status as section

    z, ids = zone
    MonthlyFigure.objects.filter(enterprise_id=ids["steady"], period=JUNE.first_day).update(
        status="submitted"
    )
    scope = selectors.Scope.of_zone(z)
    pre = selectors.status(SYSTEM, scope, JUNE)
    con = selectors.status(SYSTEM, scope, JUNE, basis="confirmed")
    a, b = (s.summary.aggregates["output_value_wan"] for s in (pre, con))
    assert (a.current, a.last_year, percent(a.yoy)) == (D(390), D(360), D("8.33"))
    assert (b.current, b.last_year, percent(b.yoy)) == (D(200), D(160), D("25.00"))
    assert pre.unconfirmed == con.unconfirmed == 1
    with translation.override("en"):
        assert section.paragraph(pre.facts).endswith(
            "Preliminary figures (快报): they include 1 report not yet confirmed."
        )
        assert section.paragraph(con.facts).endswith(
            "Confirmed figures (审定): 1 report not yet confirmed is left out."
        )
    assert status_dict(con)["basis"] == "confirmed"


def test_a_missing_month_is_left_out_of_both_years_everywhere(zone):
    """The steady firm reported May 2019 (200) but not May 2020. The month, the year to date
    and the catch-up leave it out of May on both sides:
    Jan..Jun 2020 reported: Feb 20 + 0 + 0, Mar 60 + 0, Apr 0, May 30, Jun 390 = 500;
    their own 2019 months: May 40 (resumed firm), Jun 360 = 400 -> +25.00 %
    (counting the missing May as 0 would give 500 / 600, −16.67 %).
    报送率 of June: the 5 firms of the fixture of the zone's 7 expected (world's 2 never report)."""
    from django.utils import translation

    from zonedesk.reports.sections import status as section

    z, ids = zone
    _row(Enterprise.objects.get(pk=ids["steady"]), 2019, 5, 200)
    st = _status(z)
    ytd = st.ytd["output_value_wan"]
    assert (ytd.current, ytd.last_year, percent(ytd.yoy)) == (D(500), D(400), D("25.00"))
    assert (st.recovery.actual_to_date, st.recovery.last_year_to_date) == (D(500), D(400))
    may = selectors.status(SYSTEM, selectors.Scope.of_zone(z), Period(2020, 5))
    assert may.summary.aggregates["output_value_wan"].last_year == D(40)  # steady left out
    assert (st.summary.reporting, st.expected) == (5, 7)
    with translation.override("en"):
        text = section.paragraph(st.facts)
    assert (
        "5 of the 7 firms expected reported (71.43%); a firm that did not report a month is "
        "left out of both years of that month."
    ) in text


def test_on_the_confirmed_basis_a_report_awaiting_confirmation_counts_as_not_reported(
    zone, client, world
):
    """The steady firm's June 2020 report is submitted, not confirmed. On 审定 the zone's 7
    expected firms are: 4 confirmed (old, resumed, new, stopped), 1 awaiting confirmation
    (steady), 2 with no report (the world's firms). The missing count is 3, the paragraph,
    the page and the API say 4 of 7 confirmed (57.14 %) and 1 awaiting; the June point of the
    trend is incomplete (left out of the chart), not a fall. On 快报 nothing of this shows."""
    from django.utils import translation

    from zonedesk.monitoring import charts
    from zonedesk.reports.sections import status as section

    z, ids = zone
    MonthlyFigure.objects.filter(enterprise_id=ids["steady"], period=JUNE.first_day).update(
        status="submitted"
    )
    scope = selectors.Scope.of_zone(z)
    pre = selectors.status(SYSTEM, scope, JUNE)
    con = selectors.status(SYSTEM, scope, JUNE, basis="confirmed")
    # given the rule of docs/statistics.md: on 审定 an unconfirmed report counts as not reported
    assert (con.summary.reporting, con.expected) == (4, 7)
    assert [e.pk for e in con.awaiting] == [ids["steady"]]
    assert len(con.missing) == 2 and len(con.not_counted) == 3
    assert [a for _e, a in con.not_counted].count(True) == 1
    assert (pre.awaiting, len(pre.not_counted)) == ([], 2)
    missing = {r["key"]: r["count"] for r in charts.class_rows(con)}["missing"]
    assert missing == 3
    with translation.override("en"):
        text = section.paragraph(con.facts)
    assert (
        "4 of the 7 firms expected have confirmed reports (57.14%) and 1 more await "
        "confirmation; a firm not reported or not yet confirmed for a month is left out of both "
        "years of that month."
    ) in text
    # the trend: June 2020 is incomplete on 审定 (190 of the steady firm left out), so the
    # chart leaves the point out; 快报 draws it (390)
    june = con.trend[-1]
    assert (june.period, june.pending, june.incomplete) == (JUNE, 1, True)
    out = charts.trend(con)["series"][0]
    assert out["measure"] == "output_value_wan" and out["this"][-1] is None
    assert charts.trend(pre)["series"][0]["this"][-1] == 390.0
    assert charts.incomplete_months(pre) == []
    assert len(charts.incomplete_months(con)) == 1
    api = status_dict(con)
    assert api["firms_awaiting_confirmation"] == 1
    assert sorted(r["awaiting_confirmation"] for r in api["not_reported"]) == [False, False, True]
    assert api["trend_incomplete"] == [{"period": "2020-06", "awaiting_confirmation": 1}]
    # the page: the count of firms left out, the firm marked, the note under the charts
    client.force_login(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = client.get(
        "/monitoring/", {"zone": z.code, "period": "2020-06", "basis": "confirmed"}
    ).content.decode()
    assert 'data-testid="class-missing">3<' in page
    assert "1 report awaiting confirmation, left out" in page
    assert 'data-testid="awaiting-confirmation"' in page
    assert 'data-testid="trend-incomplete"' in page
    page = client.get("/monitoring/", {"zone": z.code, "period": "2020-06"}).content.decode()
    assert 'data-testid="class-missing">2<' in page and "trend-incomplete" not in page


def _text(html: str, testid: str) -> str:
    """The text of the element marked data-testid (tags out, spaces folded)."""
    import re

    start = html.index(f'data-testid="{testid}"')
    chunk = html[start : start + 3000].split(">", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", chunk).split())


def test_the_dashboard_and_the_firm_table_put_units_on_their_figures(zone, client, world):
    """The average days halted reads “65 days” (not a bare 65), the year to date “500.00 10k
    yuan” (Feb 20 + Mar 60 + May 30 + Jun 390), the year-to-date average headcount ends in
    “persons”; the firm table's columns carry their units. In Chinese: 天, 万元, 人."""
    z, _ids = zone
    client.force_login(world.users["leader"])
    for lang, days, wan, persons in (
        ("en", "days", "10k yuan", "persons"),
        ("zh-hans", "天", "万元", "人"),
    ):
        client.cookies["django_language"] = lang
        page = client.get("/monitoring/", {"zone": z.code, "period": "2020-06"}).content.decode()
        assert f"65 {days}" in _text(page, "halted-days")
        assert _text(page, "ytd-total").startswith(f"500.00 {wan}")
        assert _text(page, "ytd-employees").split()[1] == persons
        table = client.get("/monitoring/month/", {"zone": z.code, "period": "2020-06"})
        head = _text(table.content.decode(), "month-table").split("Acme")[0]
        assert all(f"({unit})" in head for unit in (wan, persons, days)), head

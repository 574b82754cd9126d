"""The comparable basis (可比口径) of the year to date beside the headline, and the employees'
card at month end (issue 15). Hand-worked, February 2020 (January..February in all):

  firm  start       2019-01  2019-02   2020-01  2020-02   employees, the same four months
  A     2010-03-01  100      100       110      90        50 50 80 40
  B     2019-09-01  10 (trial) 10      50       70        5 5 20 20    new (within 12 months)
  C     2011-05-01  50       (no row)  40       30        30 — 30 30

Headline output (each month's reporting firms against the same firms a year earlier, a missing
figure there 0): January 200 / 160, February 190 / 110; in all 390 / 270 = +44.44 %.
Comparable (each month the firms with output in both years' month, new B left out): January
A 110/100 + C 40/50 = 150 / 150, February A 90/100 (C has no February 2019) = 90 / 100; in all
240 / 250 = −4.00 %.
Employees, a stock: February's month-end 90 (A 40 + B 20 + C 30) against 55 (C: no row),
+63.64 %; comparable A 40 / 50 = −20.00 %. The card shows 90 persons (not the average of
January's 130 and February's 90, 110, as it did).
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.monitoring import charts, selectors
from zonedesk.monitoring.indicators import percent
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.schemas import status_dict
from zonedesk.reports.document import plain
from zonedesk.reports.sections import production as section

FEB = Period(2020, 2)


def _row(firm, year, month, output, employees):
    MonthlyFigure.objects.create(
        enterprise=firm,
        period=dt.date(year, month, 1),
        output_value_wan=D(output),
        employees=employees,
    )


@pytest.fixture
def zone(world):
    z = world.zone_a
    a = factories.firm(z, production_start=dt.date(2010, 3, 1))
    b = factories.firm(z, production_start=dt.date(2019, 9, 1))
    c = factories.firm(z, production_start=dt.date(2011, 5, 1))
    _row(a, 2019, 1, 100, 50), _row(a, 2019, 2, 100, 50)
    _row(a, 2020, 1, 110, 80), _row(a, 2020, 2, 90, 40)
    _row(b, 2019, 1, 10, 5), _row(b, 2019, 2, 10, 5), _row(b, 2020, 1, 50, 20)
    _row(b, 2020, 2, 70, 20)
    _row(c, 2019, 1, 50, 30), _row(c, 2020, 1, 40, 30), _row(c, 2020, 2, 30, 30)
    return z


def _status(zone):
    return selectors.status(SYSTEM, selectors.Scope.of_zone(zone), FEB)


def test_the_comparable_year_to_date_beside_the_headline(zone):
    st = _status(zone)
    ytd, cmp = st.ytd["output_value_wan"], st.ytd_comparable["output_value_wan"]
    assert (ytd.current, ytd.last_year, percent(ytd.yoy)) == (D(390), D(270), D("44.44"))
    assert (cmp.current, cmp.last_year, percent(cmp.yoy)) == (D(240), D(250), D("-4.00"))
    employees = st.ytd_comparable["employees"]  # a stock: February's own comparable
    assert (employees.current, employees.last_year, percent(employees.yoy)) == (
        D(40),
        D(50),
        D("-20.00"),
    )
    data = status_dict(st)["figures"]
    assert data["output_value_wan"]["ytd_yoy_pct"] == "44.44"
    assert data["output_value_wan"]["ytd_comparable_total"] == "240.00"
    assert data["output_value_wan"]["ytd_comparable_last_year"] == "250.00"
    assert data["output_value_wan"]["ytd_comparable_yoy_pct"] == "-4.00"
    assert data["employees"]["ytd_comparable_yoy_pct"] == "-20.00"


def test_the_work_summary_says_the_comparable_year_to_date(zone):
    st = _status(zone)
    production = section.Production(
        st.facts, dict(st.ytd), 2, tuple(st.year_output), ytd_comparable=dict(st.ytd_comparable)
    )
    with translation.override("en"):
        text = plain(" ".join(section.cumulative_sentences(production)))
    assert "up 44.44% on the same months last year" in text
    assert "months 1 to 2: output down 4.00%" in text


def test_the_dashboard_cards_the_comparable_year_to_date_and_the_month_end_headcount(
    zone, world, client_for
):
    cards = {c["measure"]: c for c in charts.key_figures(_status(zone))}
    assert cards["employees"]["ytd"] == 90  # month end, not (130 + 90) / 2 = 110
    assert percent(cards["employees"]["ytd_yoy"]) == D("63.64")  # 35 / 55
    assert percent(cards["output_value_wan"]["ytd_comparable_yoy"]) == D("-4.00")
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = client.get("/monitoring/", {"zone": zone.code, "period": "2020-02"}).content.decode()
    assert 'data-testid="ytd-comparable-output_value_wan">-4.00%<' in page
    assert 'data-testid="ytd-employees">90 persons<' in page

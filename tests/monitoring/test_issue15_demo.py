"""The demo's figures of issue 15's statistics fixes (helper stat15), so an outside check can
recompute them from the demo's rows. The published June 2020 figures (47 producing, 12.78 %,
…) are pinned elsewhere (tests/monitoring/test_pages.py, tests/reports) and do not move.

June 2020 (all firms, 快报):
- 环比 of output over the 48 firms that reported both May and June: 26,941.41 / 26,347.61 =
  +2.25 % (before: every June reporter against May with a missing May as 0, +4.14 %).
- Output January..June: headline 113,220.11 / 133,959.33 = −15.48 %; comparable (each month's
  firms with output in both years' month, new firms left out) 110,266.46 / 133,959.33 =
  −17.69 %. Revenue −15.67 % / −17.89 %, electricity −15.39 % / −17.49 %, water −15.61 % /
  −18.03 %.
- Above-size scope: output June +7.87 % headline, +3.99 % comparable; January..June −16.97 %
  headline, −17.73 % comparable.
February 2020: nine rows halted all 29 days with output > 0 (warned about, not refused).
Deriving 2019's above-size status again (no 2018 revenue) keeps 30 firms above and 2020's
新升规 at 15 (before: 42 and 0, 2020's flags borrowed)."""

from decimal import Decimal as D

import pytest

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.monitoring import figures, selectors
from zonedesk.monitoring.indicators import percent
from zonedesk.monitoring.models import FirmSize, MonthlyFigure
from zonedesk.monitoring.services import sizes_derive
from zonedesk.org.models import Zone

pytestmark = pytest.mark.django_db
JUNE = Period(2020, 6)


def _zone():
    return Zone.objects.get(code="demo")


def test_the_demos_month_on_month_and_comparable_year_to_date(demo):
    st = selectors.status(SYSTEM, selectors.Scope.of_zone(_zone()), JUNE)
    output = st.summary.aggregates["output_value_wan"]
    assert (output.mom_current, output.previous, output.mom_firms) == (
        D("26941.41"),
        D("26347.61"),
        48,
    )
    assert percent(output.mom) == D("2.25")
    ytd, cmp = st.ytd["output_value_wan"], st.ytd_comparable["output_value_wan"]
    assert (ytd.current, ytd.last_year, percent(ytd.yoy)) == (
        D("113220.11"),
        D("133959.33"),
        D("-15.48"),
    )
    assert (cmp.current, cmp.last_year, percent(cmp.yoy)) == (
        D("110266.46"),
        D("133959.33"),
        D("-17.69"),
    )
    assert {m: percent(st.ytd_comparable[m].yoy) for m in ("revenue_wan", "electricity_kwh")} == {
        "revenue_wan": D("-17.89"),
        "electricity_kwh": D("-17.49"),
    }
    above = selectors.status(SYSTEM, selectors.Scope.of_zone(_zone()), JUNE, size="above")
    assert percent(above.ytd["output_value_wan"].yoy) == D("-16.97")
    assert percent(above.ytd_comparable["output_value_wan"].yoy) == D("-17.73")


def test_the_demos_halted_months_with_output_are_warned_about(demo):
    rows = MonthlyFigure.objects.filter(enterprise__zone=_zone(), period="2020-02-01")
    warned = [
        f
        for f in rows
        if figures.warnings(
            {"days_halted": f.days_halted, "output_value_wan": f.output_value_wan}, 29
        )
    ]
    assert len(warned) == 9


def test_deriving_2019_again_keeps_2019_and_2020s_newly_above(demo):
    zone = _zone()

    def counts(year):
        of_year = FirmSize.objects.filter(enterprise__zone=zone, year=year)
        return of_year.filter(above=True).count(), of_year.filter(newly_above=True).count()

    assert (counts(2019), counts(2020)) == ((30, 0), (42, 15))
    sizes_derive(actor=SYSTEM, zone=zone, year=2019)
    assert (counts(2019), counts(2020)) == ((30, 0), (42, 15))

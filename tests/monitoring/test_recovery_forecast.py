"""The recovery forecast: the year's output with the key projects' expected output from their
planned first-production months. Every expected value is worked out by hand beside it.

Last year 100 a month (ΣB = 1200), January..June at 80 (ΣA = 480, t = 6), target 8 %
((1 + r)·ΣB = 1296). Without additions the forecast is 480 + 600 = 1080, 1080 / 1296 = 5/6.
"""

from decimal import Decimal as D

import pytest

from zonedesk.monitoring.recovery import Addition, added_by_month, forecast, recovery

FLAT = [D(100)] * 12
HALF = [D(80)] * 6
REC = recovery(year=2020, last_year=FLAT, actual=HALF, target=D("0.08"))


def _a(year, month, annual, label="p"):
    return Addition(label=label, year=year, month=month, annual=D(annual))


@pytest.mark.parametrize(
    ("additions", "added", "items"),
    [
        ([], D(0), 0),
        # planned for September: 1200 / 12 = 100 a month, September..December = 400
        ([_a(2020, 9, 1200)], D(400), 1),
        # planned for March but not yet producing: it adds from July, 6 × 100
        ([_a(2020, 3, 1200)], D(600), 1),
        # planned last year and still not producing: from July too
        ([_a(2019, 11, 1200)], D(600), 1),
        # planned for next year: nothing this year
        ([_a(2021, 1, 1200)], D(0), 0),
        # December only: 2400 / 12
        ([_a(2020, 12, 2400)], D(200), 1),
        # two projects add up: 400 + 6 × 50
        ([_a(2020, 9, 1200), _a(2020, 1, 600)], D(700), 2),
        # no expected output: nothing
        ([_a(2020, 9, 0)], D(0), 0),
    ],
)
def test_what_the_projects_add(additions, added, items):
    fc = forecast(REC, additions)
    assert fc.added == added and fc.added_items == items
    assert fc.total == D(1080) + added


@pytest.mark.parametrize(
    ("month", "share"),
    [
        # 1080 / 1296 without the project
        (None, D(1080) / D(1296)),
        # September: (1080 + 400) / 1296
        (9, D(1480) / D(1296)),
        # slips to November: (1080 + 200) / 1296
        (11, D(1280) / D(1296)),
        # slips into next year: back to 1080 / 1296
        (13, D(1080) / D(1296)),
    ],
)
def test_a_project_that_slips_moves_the_share_of_the_target(month, share):
    additions = [] if month is None else [_a(2020 + (month > 12), (month - 1) % 12 + 1, 1200)]
    fc = forecast(REC, additions)
    assert fc.share_of_target == share
    assert fc.share_without == D(1080) / D(1296)


def test_growth_and_no_target():
    fc = forecast(recovery(year=2020, last_year=FLAT, actual=HALF), [_a(2020, 9, 1200)])
    # 1480 / 1200 − 1
    assert fc.growth == D(1480) / D(1200) - 1
    assert fc.target_total is None and fc.share_of_target is None and fc.share_without is None


def test_no_month_left_no_forecast():
    assert forecast(recovery(year=2020, last_year=FLAT, actual=[D(80)] * 12), []) is None


def test_before_any_month_reported():
    # t = 0: the whole year's base (1200) plus July..December at 100
    fc = forecast(recovery(year=2020, last_year=FLAT, actual=[]), [_a(2020, 7, 1200)])
    assert fc.total == D(1800)


def test_added_by_month_spreads_evenly_from_the_first_month():
    months = added_by_month(2020, 6, [_a(2020, 10, 1200)])
    assert months == [D(0)] * 9 + [D(100)] * 3


def test_the_sentence_is_said_only_when_a_project_adds_to_the_year():
    from django.utils import translation

    from zonedesk.reports.sections.recovery import forecast_sentences

    with translation.override("en"):
        assert forecast_sentences(forecast(REC, [])) == []
        assert forecast_sentences(forecast(REC, [_a(2021, 1, 1200)])) == []
        (said,) = forecast_sentences(forecast(REC, [_a(2020, 9, 1200)]))
    # (1080 + 400) / 1296 = 114.20 %, 1080 / 1296 = 83.33 %
    assert "(400.00 10k yuan in the remaining months)" in said
    assert "reaches 114.20% of the annual target (83.33% without them)" in said

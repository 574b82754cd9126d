"""The year's investment figures of key projects (projects/investment.py), table-driven: the
year's plan, planned and completed to date, the completion rate, the period's completed
investment and the zone's totals by level and kind."""

import datetime as dt
from decimal import Decimal

import pytest

from zonedesk.projects import investment as inv

D = dt.date
M = inv.MonthRow


def _d(x) -> Decimal:
    return Decimal(str(x))


ROWS = (
    M(D(2019, 12, 1), _d(500), _d(400)),  # the year before: never counted for 2020
    M(D(2020, 1, 1), _d(100), _d(80)),
    M(D(2020, 3, 1), _d(200), _d(250)),
    M(D(2020, 6, 1), _d(300), _d(0)),
    M(D(2020, 11, 1), _d(400), _d(0)),  # a plan of a later month: in the year's plan only
)


@pytest.mark.parametrize(
    ("through", "planned_year", "planned", "done", "rate"),
    [
        (D(2020, 1, 1), 1000, 100, 80, Decimal("0.08")),
        (D(2020, 2, 15), 1000, 100, 80, Decimal("0.08")),  # any day of the month counts it
        (D(2020, 3, 31), 1000, 300, 330, Decimal("0.33")),
        (D(2020, 12, 1), 1000, 1000, 330, Decimal("0.33")),
        (D(2019, 12, 1), 500, 500, 400, Decimal("0.8")),
        (D(2021, 6, 1), 0, 0, 0, None),  # no plan: no rate
    ],
)
def test_year_figures(through, planned_year, planned, done, rate):
    got = inv.year_figures(ROWS, through=through)
    assert got.year == through.year and got.through == through.replace(day=1)
    assert (got.planned_year, got.planned_to_date, got.done_to_date) == (
        _d(planned_year),
        _d(planned),
        _d(done),
    )
    assert got.rate == rate


@pytest.mark.parametrize(
    ("done", "planned", "rate"),
    [
        (_d(50), _d(200), Decimal("0.25")),
        (_d(300), _d(200), Decimal("1.5")),  # more than planned: above 100 %
        (_d(0), _d(200), Decimal(0)),
        (_d(10), _d(0), None),
    ],
)
def test_completion_rate(done, planned, rate):
    assert inv.completion_rate(done, planned) == rate


@pytest.mark.parametrize(
    ("first", "last", "done"),
    [
        (D(2020, 1, 1), D(2020, 6, 30), 330),  # a half year, the last day of its last month
        (D(2020, 3, 1), D(2020, 3, 1), 250),
        (D(2020, 4, 1), D(2020, 5, 1), 0),
        (D(2019, 12, 1), D(2020, 1, 1), 480),  # across the year's end
    ],
)
def test_done_between(first, last, done):
    assert inv.done_between(ROWS, first, last) == _d(done)


def test_zone_totals_by_level_and_kind():
    projects = [
        inv.ProjectRows("province", "industrial", (M(D(2020, 1, 1), _d(100), _d(50)),)),
        inv.ProjectRows("city", "industrial", (M(D(2020, 2, 1), _d(300), _d(30)),)),
        inv.ProjectRows("province", "services", (M(D(2020, 9, 1), _d(600), _d(0)),)),
        inv.ProjectRows("county", "services", ()),  # nothing entered: zeros, no rate
    ]
    got = inv.zone_totals(projects, through=D(2020, 6, 30))
    assert (got.all.planned_year, got.all.planned_to_date, got.all.done_to_date) == (
        _d(1000),
        _d(400),
        _d(80),
    )
    assert got.all.rate == Decimal("0.08")
    assert got.by_level["province"].planned_year == _d(700)
    assert got.by_level["province"].done_to_date == _d(50)
    assert got.by_level["city"].rate == Decimal("0.1")
    assert got.by_level["county"].rate is None
    assert got.by_kind["industrial"].done_to_date == _d(80)
    assert got.by_kind["services"].planned_year == _d(600)
    assert set(got.by_kind) == {"industrial", "services"}


def test_zone_totals_of_no_project():
    got = inv.zone_totals([], through=D(2020, 6, 1))
    assert got.all.planned_year == 0 and got.all.rate is None and got.by_level == {}


def _facts(**investment):
    from zonedesk.projects.facts import ProjectFacts

    values = dict(
        projects=2,
        total_investment_wan=Decimal(1000),
        yearly_investment_wan=Decimal(300),
        started=0,
        completed=0,
        producing=0,
        red=0,
        yellow=0,
        day=D(2020, 6, 30),
        warn_days=5,
        late=(),
        as_of=None,
    )
    return ProjectFacts(**values, **investment)


@pytest.mark.parametrize(
    ("investment", "says"),
    [
        (
            {
                "invest_done_wan": Decimal("1234.5"),
                "invest_rate": Decimal("0.45678"),
                "invest_plan_wan": Decimal("2702.61"),
            },
            "In the period, 1,234.50 (10k yuan) of their investment was completed; by its end, "
            "45.68% of the year's monthly investment plans (2,702.61, 10k yuan) had been "
            "completed.",
        ),
        (
            {"invest_done_wan": Decimal(10), "invest_rate": None},
            "In the period, 10.00 (10k yuan) of their investment was completed (no monthly plan "
            "of the year is recorded).",
        ),
        ({}, None),  # no month entered: no sentence
    ],
)
def test_the_paragraphs_investment_sentence(investment, says):
    from django.utils import translation

    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    with translation.override("en"):
        text = plain(" ".join(section.sentences(_facts(**investment), "H1 2020")))
    if says is None:
        assert "investment was completed" not in text
    else:
        assert says in text

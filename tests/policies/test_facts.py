"""Facts for rules: size classes by the national thresholds, and the bulk fact table."""

import datetime as dt

import pytest

from tests import factories
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.policies import facts, rules, sizes
from zonedesk.policies.sizes import Size


@pytest.mark.parametrize(
    ("section", "code", "employees", "revenue", "expected"),
    [
        ("C", "36", 1000, 40000, Size.LARGE),
        ("C", "36", 1000, 39999, Size.MEDIUM),  # large needs both bounds
        ("C", "36", 300, 2000, Size.MEDIUM),
        ("C", "36", 299, 50000, Size.SMALL),  # medium needs both: 299 employees is small
        ("C", "36", 20, 300, Size.SMALL),
        ("C", "36", 19, 5000, Size.MICRO),
        ("C", "36", 500, 299, Size.MICRO),
        ("F", "52", 50, 500, Size.MEDIUM),  # retail
        ("F", "52", 49, 500, Size.SMALL),
        ("F", "51", 4, 5000, Size.MICRO),  # wholesale
        ("I", "65", 100, 1000, Size.MEDIUM),  # software
        ("L", "72", 299, None, Size.MEDIUM),  # leasing & business services: employees only
        ("L", "72", 300, None, Size.LARGE),
        ("P", "83", 9, None, Size.MICRO),  # other industries: employees only
        ("K", "7020", 300, 1000, Size.MEDIUM),  # property management (group 702)
        ("K", "7010", None, 1000, Size.MEDIUM),  # real estate development: revenue only
        ("C", "36", None, 300, None),  # unknown employees: unknown class
        ("C", "36", 30, None, None),
    ],
)
def test_size_classes_follow_the_national_thresholds(section, code, employees, revenue, expected):
    assert sizes.size_class(section, code, employees, revenue) == expected


def _figure(firm, period, output, revenue, employees, halted=0, export=None):
    MonthlyFigure.objects.create(
        enterprise=firm,
        period=Period.parse(period).first_day,
        output_value_wan=output,
        revenue_wan=revenue,
        employees=employees,
        days_halted=halted,
        export_value_wan=export,
    )


@pytest.mark.django_db
def test_fact_table_computes_every_fact_from_stored_rows(world):
    a, a2 = world.firm_a, world.firm_a2  # C3311 and C1391, zone-a under 511723
    Enterprise.objects.filter(pk=a2.pk).update(production_start=dt.date(2020, 3, 1))
    for month in range(1, 13):
        _figure(a, f"2019-{month:02d}", 100, 200, 40)  # revenue last year: 2,400 万元
    _figure(a, "2020-01", 90, 150, 36, halted=10, export=30)
    _figure(a, "2020-02", 60, 150, 36, halted=20, export=30)
    _figure(a2, "2020-02", 10, 10, 8)
    table = facts.fact_table(Enterprise.objects.filter(zone=world.zone_a), Period(2020, 2))
    row = table.row(table.firm_ids.index(a.pk))
    assert row["industry_section"] == "C" and row["industry_division"] == "33"
    assert row["employees"] == 36
    assert row["employees_yoy"] == pytest.approx(-0.1)  # 36 against 40
    assert row["output_month_yoy"] == pytest.approx(-0.4)  # 60 against 100
    assert row["output_ytd_wan"] == 150 and row["output_ytd_yoy"] == pytest.approx(-0.25)
    assert row["revenue_ytd_yoy"] == pytest.approx(-0.25)  # 300 against 400
    assert row["revenue_last_year_wan"] == 2400 and row["output_last_year_wan"] == 1200
    assert row["days_halted"] == 20 and row["days_halted_ytd"] == 30
    assert row["export_share"] == pytest.approx(0.2)  # 60 of 300
    assert row["size_class"] == "small" and row["is_sme"] is True  # 36 staff, 2,400 万元
    assert row["new_this_year"] is False and row["status"] == "producing"
    assert (row["county_code"], row["city_code"], row["province_code"]) == (
        "511723",
        "511700",
        "510000",
    )
    new = table.row(table.firm_ids.index(a2.pk))
    assert new["new_this_year"] is True
    # No last year: the base-year figures cannot exist (not applicable, not missing).
    assert new["revenue_last_year_wan"] is rules.NOT_APPLICABLE
    assert new["output_last_year_wan"] is rules.NOT_APPLICABLE
    assert new["output_month_yoy"] is rules.NOT_APPLICABLE
    assert new["revenue_ytd_yoy"] is rules.NOT_APPLICABLE
    assert new["size_class"] is None  # its own figure missing, not one that cannot exist
    assert new["output_month_wan"] == 10  # this year's figures are its own


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (None, "2020-06", set()),  # start not known: nothing is ruled out
        ("2005-03-01", "2020-06", set()),
        ("2019-06-30", "2020-06", set()),  # producing in June 2019: a base for June 2020
        ("2019-07-01", "2020-06", facts.SAME_MONTH_LAST_YEAR),  # last year's total exists
        ("2019-12-31", "2020-06", facts.SAME_MONTH_LAST_YEAR),
        ("2020-01-01", "2020-06", facts.NO_BASE_YEAR),  # started this year: no base year
        ("2020-06-15", "2020-06", facts.NO_BASE_YEAR),
        ("2021-03-01", "2020-06", facts.NO_BASE_YEAR),  # not started yet
        ("2019-12-31", "2020-12", set()),
    ],
)
def test_figures_without_a_base_year(start, period, expected):
    """Which facts cannot exist for a firm that started production on `start` (a date or,
    as SQLite returns it, its ISO text)."""
    assert facts.without_base(start, Period.parse(period)) == expected
    if start is not None:
        day = dt.date.fromisoformat(start)
        assert facts.without_base(day, Period.parse(period)) == expected


@pytest.mark.django_db
def test_a_stored_figure_is_used_even_before_the_start_of_production(world):
    """A firm that reported a figure for a month before its recorded start (trial runs, or a
    start date entered late) is compared on it: only an absent figure is not applicable."""
    a = world.firm_a
    Enterprise.objects.filter(pk=a.pk).update(production_start=dt.date(2020, 1, 1))
    _figure(a, "2019-06", 100, 200, 40)
    _figure(a, "2020-06", 50, 100, 40)
    row = facts.fact_table(Enterprise.objects.filter(pk=a.pk), Period(2020, 6)).row(0)
    assert row["output_month_yoy"] == pytest.approx(-0.5)
    assert row["output_last_year_wan"] == 100
    assert row["output_ytd_yoy"] == pytest.approx(-0.5)  # January to June 2019: June's 100
    assert row["revenue_last_year_wan"] == 200


@pytest.mark.django_db
def test_fact_table_feeds_the_vectorised_evaluator(world):
    for i in range(5):
        firm = factories.firm(world.zone_a, f"事实测试{i}有限公司")
        _figure(firm, "2020-06", 10 * (i + 1), 10, 10 * i)
    firms = Enterprise.objects.filter(zone=world.zone_a)
    table = facts.fact_table(firms, Period(2020, 6))
    source = 'industry_section == "C" and employees >= 20'
    tree = rules.compile_rule(source, facts.TYPES, result=rules.Type.BOOL)
    result = rules.evaluate(tree, table.columns, len(table))
    for i in range(len(table)):
        one = rules.explain(tree, table.row(i), source).value
        many = bool(result.values[i]) if result.known[i] else None
        assert one == many
    assert int(result.values[result.known].sum()) == 3  # employees 20, 30 and 40
    assert int((~result.known).sum()) == 2  # firm_a and firm_a2 have no June figures


def test_every_fact_is_described_in_both_languages():
    for f in facts.FACTS.values():
        assert f.zh and f.en and f.type in rules.Type

"""The early-warning rules over hand-worked arrays (monitoring.alerts, no database)."""

import math

import numpy as np
import pytest

from zonedesk.monitoring import alerts
from zonedesk.monitoring.alerts import Months, Thresholds


def months(*firms, expected=None, days=30) -> Months:
    """Firms given as {offset: (output, kwh, halted)} with offset 0 = m, -1 = m-1 … -24."""
    m = Months.empty(len(firms), days_in_month=days)
    for i, firm in enumerate(firms):
        for offset, (output, kwh, halted) in firm.items():
            col = alerts.MONTHS - 1 + offset
            m.output[i, col] = np.nan if output is None else output
            m.kwh[i, col] = np.nan if kwh is None else kwh
            m.halted[i, col] = halted
            m.reported[i, col] = True
    if expected is not None:
        m.expected[:] = expected
    return m


def rules(m: Months, th: Thresholds | None = None) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for w in alerts.evaluate(m, th):
        found.setdefault(w.firm_id, []).append(w.rule)
    return found


def steady(ratio: float = 0.5, months: int = 25, output: float = 100.0) -> dict:
    """A firm reporting every month the same output at a fixed output per kWh."""
    return {-k: (output, output / ratio, 0) for k in range(months)}


def test_a_steady_firm_raises_nothing():
    assert rules(months(steady())) == {}


@pytest.mark.parametrize(
    ("now", "last_year", "fires", "change"),
    [
        (812.0, 1203.0, True, 812 / 1203 - 1),  # -32.5 %
        (80.0, 100.0, False, -0.2),  # exactly the line: not beyond it
        (79.99, 100.0, True, -0.2001),
        (0.0, 100.0, True, -1.0),  # nothing produced this month
        (50.0, 0.0, False, None),  # no base: never infinite growth, never a fall
    ],
)
def test_output_down_year_on_year_beyond_the_line(now, last_year, fires, change):
    firm = steady()
    firm[0], firm[-12] = (now, None, 0), (last_year, None, 0)
    found = [w for w in alerts.evaluate(months(firm)) if w.rule == alerts.YOY_DROP]
    assert bool(found) == fires
    if fires:
        assert found[0].numbers["current"] == now
        assert found[0].numbers["last_year"] == last_year
        assert math.isclose(found[0].numbers["change"], change, abs_tol=1e-4)


def test_the_yoy_line_is_configurable():
    firm = steady()
    firm[0], firm[-12] = (85.0, None, 0), (100.0, None, 0)
    assert alerts.YOY_DROP not in rules(months(firm)).get(0, [])
    assert alerts.YOY_DROP in rules(months(firm), Thresholds(yoy_drop=0.1))[0]


def test_a_firm_without_last_years_month_has_no_yoy_warning():
    firm = {0: (10.0, None, 0), -1: (20.0, None, 0)}
    assert alerts.YOY_DROP not in rules(months(firm)).get(0, [])


def test_three_consecutive_declines_fire_and_carry_the_four_months():
    firm = steady()
    for offset, value in zip((-3, -2, -1, 0), (120.0, 110.0, 105.0, 100.0), strict=True):
        firm[offset] = (value, value * 2, 0)
    (w,) = [w for w in alerts.evaluate(months(firm)) if w.rule == alerts.DECLINING]
    assert w.numbers == {"m3": 120.0, "m2": 110.0, "m1": 105.0, "m0": 100.0}


@pytest.mark.parametrize(
    "values",
    [
        (120.0, 110.0, 110.0, 100.0),  # a flat month breaks the run
        (120.0, 125.0, 105.0, 100.0),  # a rise breaks it
        (120.0, 110.0, None, 100.0),  # a missing month breaks it
    ],
)
def test_a_broken_run_is_no_decline(values):
    firm = steady()
    for offset, value in zip((-3, -2, -1, 0), values, strict=True):
        if value is None:
            del firm[offset]
        else:
            firm[offset] = (value, value * 2, 0)
    assert alerts.DECLINING not in rules(months(firm)).get(0, [])


def test_halted_days_this_month_with_their_count():
    firm = steady()
    firm[0] = (60.0, 120.0, 12)
    firm[-1] = (100.0, 200.0, 5)  # last month's halt is not this month's warning
    (w,) = [w for w in alerts.evaluate(months(firm)) if w.rule == alerts.HALTED]
    assert w.numbers == {"days": 12, "days_in_month": 30}
    assert w.severity == alerts.MEDIUM


def test_a_whole_month_halted_is_high():
    firm = steady()
    firm[0] = (0.0, 0.0, 31)
    (w,) = [w for w in alerts.evaluate(months(firm, days=31)) if w.rule == alerts.HALTED]
    assert w.severity == alerts.HIGH


def test_a_missing_report_only_for_firms_expected_to_report():
    reporting = steady()
    silent = steady()
    del silent[0]
    closed = steady()
    del closed[0]
    found = rules(months(reporting, silent, closed, expected=[True, True, False]))
    assert found.get(0, []) == []
    assert found[1] == [alerts.MISSING]
    assert 2 not in found


def test_power_ratio_drift_against_the_firms_own_median():
    firm = steady(ratio=0.5)
    firm[-5] = (100.0, 100.0, 0)  # one odd month does not move the median
    firm[0] = (100.0, 125.0, 0)  # 0.8 per kWh against a median of 0.5: +60 %
    (w,) = [w for w in alerts.evaluate(months(firm)) if w.rule == alerts.POWER_DRIFT]
    assert w.numbers["ratio"] == pytest.approx(0.8)
    assert w.numbers["median"] == pytest.approx(0.5)
    assert w.numbers["drift"] == pytest.approx(0.6)
    assert w.numbers["months"] == 12


@pytest.mark.parametrize(
    ("kwh_now", "fires"),
    [(200.0 / 1.29, False), (200.0 / 1.31, True), (200.0 / 0.71, False), (200.0 / 0.69, True)],
)
def test_the_drift_band_is_thirty_percent_both_ways(kwh_now, fires):
    firm = steady(ratio=0.5)
    firm[0] = (100.0, kwh_now, 0)
    assert (alerts.POWER_DRIFT in rules(months(firm)).get(0, [])) == fires


def test_drift_needs_six_months_with_both_figures():
    """A new firm (five earlier months) or months without kWh are not enough for a median."""
    young = {-k: (100.0, 200.0, 0) for k in range(6)}  # m and five months before
    young[0] = (100.0, 50.0, 0)
    no_power = steady()
    for k in range(1, 8):
        no_power[-k] = (100.0, None, 0)  # 5 of the 12 months keep their kWh
    no_power[0] = (100.0, 50.0, 0)
    six = {-k: (100.0, 200.0, 0) for k in range(7)}
    six[0] = (100.0, 50.0, 0)
    found = rules(months(young, no_power, six))
    assert 0 not in found and 1 not in found
    assert found[2] == [alerts.POWER_DRIFT]


def test_zero_kwh_months_are_not_counted_and_zero_kwh_now_is_no_ratio():
    zero_now = steady()
    zero_now[0] = (100.0, 0.0, 0)
    zero_before = steady()
    for k in range(1, 13):
        zero_before[-k] = (100.0, 0.0, 0)
    zero_before[0] = (100.0, 50.0, 0)
    assert rules(months(zero_now, zero_before)) == {}


def test_output_zero_with_power_used_is_a_drift():
    firm = steady()
    firm[0] = (0.0, 200.0, 0)
    found = rules(months(firm))[0]
    assert alerts.POWER_DRIFT in found and alerts.YOY_DROP in found


def test_a_firm_can_carry_several_warnings_in_rule_order():
    firm = steady(ratio=0.5)
    firm[-3], firm[-2], firm[-1] = (150.0, 300.0, 0), (140.0, 280.0, 0), (130.0, 260.0, 0)
    firm[0] = (60.0, 40.0, 8)  # down 40 % on last year, declining, halted, 1.5 per kWh
    assert rules(months(firm))[0] == [
        alerts.YOY_DROP,
        alerts.DECLINING,
        alerts.HALTED,
        alerts.POWER_DRIFT,
    ]


def test_from_rows_places_cursor_rows_and_ignores_others():
    first = 2018 * 12 + 5  # m-24 = June 2018, m = June 2020
    rows = [
        (7, first + 24, 100.0, 2000.0, 3),
        (7, first + 12, 150.0, None, 0),
        (9, first + 24, 50.0, 1000.0, 0),
        (9, first - 1, 999.0, 1.0, 0),  # before the window
        (8, first + 24, 1.0, 1.0, 0),  # not one of the firms
    ]
    m = alerts.from_rows(rows, firm_ids=[9, 7], first_month=first)
    assert list(m.firm_ids) == [9, 7]
    assert m.output[1, -1] == 100.0 and m.halted[1, -1] == 3 and m.output[1, -13] == 150.0
    assert math.isnan(m.kwh[1, -13]) and m.reported[1, -13]
    assert m.reported.sum() == 3
    assert m.output[0, -1] == 50.0


def test_from_rows_with_no_rows_is_all_missing():
    m = alerts.from_rows([], firm_ids=[1, 2], first_month=0, expected=[True, False])
    assert [w.rule for w in alerts.evaluate(m)] == [alerts.MISSING]

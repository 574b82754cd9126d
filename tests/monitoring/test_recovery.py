"""追赶测算. Every expected value is worked out by hand in the comment next to it.

g = ((1 + r)·ΣB − ΣA(1..t) − ΣB(t+1..12)) / ΣB(t+1..12)
"""

from decimal import Decimal as D

import pytest

from zonedesk.monitoring.indicators import percent
from zonedesk.monitoring.recovery import (
    recovery,
    remaining_days,
    required_growth,
    with_halted_days,
)

FLAT = [D(100)] * 12  # last year: 100 every month, ΣB = 1200
HALF = [D(80)] * 6  # January..June at 80: ΣA = 480, t = 6


# --- required_growth -------------------------------------------------------------------------


def test_catch_up_hand_example():
    """To catch up, the remaining months grow by what is missing over their base."""
    # ΣB = 1200, ΣA = 480, ΣB(7..12) = 600: (1200 − 480 − 600) / 600 = 120 / 600
    assert required_growth(FLAT, HALF) == D("0.2")


def test_target_hand_example():
    """A yearly target raises the growth the remaining months need."""
    # 1.08 × 1200 = 1296: (1296 − 480 − 600) / 600 = 216 / 600
    assert required_growth(FLAT, HALF, D("0.08")) == D("0.36")


def test_t_zero():
    """Before any month is reported the growth needed is the target itself (zero to catch up)."""
    # nothing done yet, ΣB(1..12) remains: (1200 − 0 − 1200) / 1200 = 0
    assert required_growth(FLAT, []) == D(0)
    # (1296 − 0 − 1200) / 1200 = 96 / 1200 = the target itself
    assert required_growth(FLAT, [], D("0.08")) == D("0.08")


def test_t_eleven():
    """With one month left, that month carries the whole shortfall."""
    # ΣA = 11 × 90 = 990, December remains: (1200 − 990 − 100) / 100 = 110 / 100
    assert required_growth(FLAT, [D(90)] * 11) == D("1.1")


def test_t_twelve_is_none():
    """With no month left no growth can be asked for."""
    assert required_growth(FLAT, [D(100)] * 12) is None
    assert required_growth(FLAT, [D(100)] * 12, D("0.08")) is None


def test_ahead_of_last_year_gives_negative_growth():
    # ΣA = 6 × 120 = 720: (1200 − 720 − 600) / 600 = −120 / 600
    assert required_growth(FLAT, [D(120)] * 6) == D("-0.2")


def test_remaining_months_with_zero_base_is_none():
    base = [D(100)] * 6 + [D(0)] * 6
    assert required_growth(base, HALF) is None
    assert required_growth(base, HALF, D("0.08")) is None
    assert required_growth(base, []) == D(0)  # t = 0: (600 − 0 − 600) / 600


def test_partly_zero_remaining_base():
    """Remaining months with zero output last year count with their zero."""
    # ΣB = 600 + 300 = 900, ΣB(7..12) = 300: (900 − 480 − 300) / 300 = 120 / 300
    base = [D(100)] * 6 + [D(0)] * 5 + [D(300)]
    assert required_growth(base, HALF) == D("0.4")


def test_missing_actual_month_counts_as_zero():
    # ΣA = 5 × 90 + 0 = 450 (t = 6): (1200 − 450 − 600) / 600 = 150 / 600
    assert required_growth(FLAT, [D(90), None, D(90), D(90), D(90), D(90)]) == D("0.25")


def test_missing_last_year_month_counts_as_zero():
    # ΣB = 1100 (July missing), ΣB(7..12) = 500: (1100 − 480 − 500) / 500 = 120 / 500
    base = [D(100)] * 6 + [None] + [D(100)] * 5
    assert required_growth(base, HALF) == D("0.24")


def test_repeating_result():
    """A repeating rate rounds to two places as a percentage."""
    # (1200 − 400 − 600) / 600 = 1/3 -> 33.33 %
    assert percent(required_growth(FLAT, [D(80)] * 5 + [D(0)])) == D("33.33")


@pytest.mark.parametrize("n", [0, 11, 13])
def test_last_year_needs_twelve_months(n):
    with pytest.raises(ValueError):
        required_growth([D(100)] * n, HALF)
    with pytest.raises(ValueError):
        recovery(year=2020, last_year=[D(100)] * n, actual=HALF)


def test_more_than_twelve_actual_months_raises():
    with pytest.raises(ValueError):
        required_growth(FLAT, [D(100)] * 13)


# --- published figures -----------------------------------------------------------------------
#
# catch-up g0 = (P − S) / R and g8 − g0 = 0.08·(P + R) / R with P = ΣB(1..6), R = ΣB(7..12),
# S = ΣA(1..6).  25.67 − 11.65 = 14.02 points = 8·(1 + P/R)  =>  P / R = 0.7525.
# R = 100000, P = 75250; S = 63602 gives g0 = 11648 / 100000 = 0.11648 (→ 11.65 %) and
# g8 = (1.08 × 175250 − 63602 − 100000) / 100000 = (189270 − 163602) / 100000 = 0.25668 (→ 25.67 %).

PUBLISHED_B = [
    *(D(v) for v in (12000, 12000, 12500, 12500, 13000, 13250)),  # Σ = 75250
    *(D(v) for v in (16000, 16500, 16500, 17000, 17000, 17000)),  # Σ = 100000
]
PUBLISHED_A = [D(v) for v in (10000, 10100, 10200, 10500, 11000, 11802)]  # Σ = 63602


def test_published_figures():
    """The zone's published catch-up (11.65 %) and target (25.67 %) rates are reproduced."""
    catch_up = required_growth(PUBLISHED_B, PUBLISHED_A)
    to_target = required_growth(PUBLISHED_B, PUBLISHED_A, D("0.08"))
    assert catch_up == D("0.11648")  # (175250 − 63602 − 100000) / 100000 = 11648 / 100000
    assert to_target == D("0.25668")  # 25668 / 100000
    assert percent(catch_up) == D("11.65")
    assert percent(to_target) == D("25.67")


def test_published_figures_through_recovery():
    """The published rates come out of the whole recovery, with halted days and the year to date."""
    r = recovery(
        year=2020, last_year=PUBLISHED_B, actual=PUBLISHED_A, target=D("0.08"), halted_days=24
    )
    assert r.last_year_total == D(175250)  # 75250 + 100000
    assert r.last_year_to_date == D(75250)
    assert r.actual_to_date == D(63602)
    assert r.remaining_base == D(100000)
    assert percent(r.catch_up) == D("11.65")
    assert percent(r.to_target) == D("25.67")
    # 2020 Jul..Dec = 184 days, 24 lost over them: 160 worked
    assert r.catch_up_if_halted == D("0.283952")  # 1.11648 × 184 = 205.43232; / 160 = 1.283952
    assert r.to_target_if_halted == D("0.445182")  # 1.25668 × 184 = 231.22912; / 160 = 1.445182
    # ytd: (63602 − 75250) / 75250 = −11648 / 75250 = −0.154790… -> −15.48 %
    assert percent(r.ytd_change) == D("-15.48")


# --- with_halted_days ------------------------------------------------------------------------


def test_remaining_days():
    """D counts the real days of the months after t, a leap February included."""
    # 2020 Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31 = 184
    assert remaining_days(2020, 6) == 184
    assert remaining_days(2020, 1) == 335  # Feb 29 + Mar..Dec 306
    assert remaining_days(2021, 1) == 334  # Feb 28 + 306
    assert remaining_days(2020, 12) == 0


def test_halted_days_2020_second_half():
    """H is the total of days lost over the rest of the year, not a number per month."""
    # 184 days, H = 24: 160 worked
    assert with_halted_days(D("0.2"), 2020, 6, 24) == D("0.38")  # 1.2 × 184 / 160 = 1.38
    assert with_halted_days(D("0.36"), 2020, 6, 24) == D("0.564")  # 1.36 × 184 / 160 = 1.564


def test_halted_days_forty_five():
    """The reference's 45 days can be entered: 184 − 45 = 139 days worked."""
    # catch-up 11.65 % -> 1.1165 × 184 = 205.436; / 139 = 1.477956… -> 47.80 %
    assert percent(with_halted_days(D("0.1165"), 2020, 6, 45)) == D("47.80")


def test_halted_days_zero_changes_nothing():
    assert with_halted_days(D("0.2"), 2020, 6, 0) == D("0.2")  # 1.2 × 184 / 184


def test_halted_days_nearly_every_day():
    # H = 180: 4 days worked; 1.2 × 184 / 4 = 55.2
    assert with_halted_days(D("0.2"), 2020, 6, 180) == D("54.2")


def test_halted_days_every_day_is_none():
    # H = 184 (or more): no day worked in Jul..Dec
    assert with_halted_days(D("0.2"), 2020, 6, 184) is None
    assert with_halted_days(D("0.2"), 2020, 6, 200) is None


def test_halted_days_leap_february():
    """The days worked are taken from the real month lengths, a leap February included."""
    # 2020, t = 1: 335 days; H = 55: 280 worked
    assert with_halted_days(D("0.12"), 2020, 1, 55) == D("0.34")  # 1.12 × 335 = 375.2; / 280
    # 2021, t = 1: 334 days, 334 − 55 = 279; 1.12 × 334 = 374.08; / 279 = 1.34079 →
    assert percent(with_halted_days(D("0.12"), 2021, 1, 55)) == D("34.08")


def test_halted_days_non_leap_year():
    # 2021, t = 1, H = 154: 334 − 154 = 180 worked; 0.9 × 334 = 300.6; / 180 = 1.67
    assert with_halted_days(D("-0.1"), 2021, 1, 154) == D("0.67")


def test_halted_days_none_growth_or_no_month_left():
    assert with_halted_days(None, 2020, 6, 4) is None
    assert with_halted_days(D("0.2"), 2020, 12, 4) is None  # no month remains


# --- recovery --------------------------------------------------------------------------------


def test_recovery_hand_example():
    """The recovery gives the totals, both rates, their halted-days variants and the year to date."""
    r = recovery(year=2020, last_year=FLAT, actual=HALF, target=D("0.08"), halted_days=24)
    assert r.year == 2020
    assert r.through_month == 6
    assert r.target == D("0.08")
    assert r.last_year_total == D(1200)  # 12 × 100
    assert r.last_year_to_date == D(600)  # 6 × 100
    assert r.actual_to_date == D(480)  # 6 × 80
    assert r.remaining_base == D(600)  # 6 × 100
    assert r.catch_up == D("0.2")  # 120 / 600
    assert r.to_target == D("0.36")  # 216 / 600
    assert r.halted_days == 24
    assert r.catch_up_if_halted == D("0.38")  # 1.2 × 184 / (184 − 24)
    assert r.to_target_if_halted == D("0.564")  # 1.36 × 184 / 160
    assert r.ytd_change == D("-0.2")  # (480 − 600) / 600


def test_recovery_without_target_or_what_if():
    r = recovery(year=2020, last_year=FLAT, actual=HALF)
    assert r.target is None
    assert r.catch_up == D("0.2")
    assert r.to_target is None
    assert r.halted_days == 0
    assert r.catch_up_if_halted is None
    assert r.to_target_if_halted is None


def test_recovery_t_zero():
    """Before any month, the recovery asks only the target and has no year-to-date change."""
    r = recovery(year=2020, last_year=FLAT, actual=[], target=D("0.08"))
    assert r.through_month == 0
    assert r.last_year_to_date == D(0)
    assert r.actual_to_date == D(0)
    assert r.remaining_base == D(1200)
    assert r.catch_up == D(0)  # (1200 − 0 − 1200) / 1200
    assert r.to_target == D("0.08")  # 96 / 1200
    assert r.ytd_change is None  # no month yet: base 0


def test_recovery_t_twelve():
    """After December nothing remains to grow; only the year-to-date change is given."""
    r = recovery(year=2020, last_year=FLAT, actual=[D(110)] * 12, target=D("0.08"), halted_days=3)
    assert r.through_month == 12
    assert r.remaining_base == D(0)
    assert r.catch_up is None
    assert r.to_target is None
    assert r.catch_up_if_halted is None
    assert r.to_target_if_halted is None
    assert r.ytd_change == D("0.1")  # (1320 − 1200) / 1200


def test_recovery_zero_remaining_base():
    """A remaining base of zero gives no rates, but the year-to-date change still."""
    r = recovery(
        year=2020, last_year=[D(100)] * 6 + [D(0)] * 6, actual=HALF, target=D("0.08"), halted_days=2
    )
    assert r.remaining_base == D(0)
    assert r.catch_up is None
    assert r.to_target is None
    assert r.catch_up_if_halted is None
    assert r.ytd_change == D("-0.2")  # (480 − 600) / 600


def test_recovery_zero_target_equals_catch_up():
    r = recovery(year=2020, last_year=FLAT, actual=HALF, target=D(0))
    assert r.target == D(0)
    assert r.to_target == r.catch_up == D("0.2")

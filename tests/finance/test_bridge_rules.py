"""The bridge-loan fund's rules (finance/bridge.py). Every expected value is worked out by hand in
the comment next to it.

The fund of most cases: 95% of the committed renewal, 500万元 per firm, 10 days, 0.1%/day for
days 1–5 and 0.2%/day from day 6.
"""

import datetime as dt
from decimal import Decimal as D

import chinese_calendar
import pytest

from zonedesk.finance import bridge
from zonedesk.finance.bridge import (
    Application,
    Draw,
    FeeTier,
    FundLimits,
    average_utilisation,
    check_draw,
    days_used,
    draw_status,
    due_date,
    exposure_by_bank,
    exposure_by_firm,
    fee,
    largest_draw,
    outstanding,
    overdue_days,
    turnover,
    utilisation,
)

LIMITS = FundLimits(cap_per_firm_wan=D(500))
JUNE_1 = dt.date(2020, 6, 1)


def app(**changes) -> Application:
    values = dict(
        firm="A",
        bank="ICBC",
        requested_wan=D(300),
        maturing_wan=D(400),
        committed_wan=D(400),
        term_days=10,
    )
    return Application(**(values | changes))


# --- limits -----------------------------------------------------------------------------------


def test_defaults_are_the_published_rule():
    """The defaults: 95% of the commitment, 10 days, 0.1%/day then 0.2%/day from day 6, no firm
    with wage arrears or bad credit."""
    limits = FundLimits()
    assert limits.share_of_commitment == D("0.95")
    assert limits.longest_term_days == 10
    assert [(t.from_day, t.daily_pct) for t in limits.fee_tiers] == [(1, D("0.1")), (6, D("0.2"))]
    assert limits.exclusions == {bridge.WAGE_ARREARS, bridge.BAD_CREDIT}
    assert limits.cap_per_firm_wan is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"share_of_commitment": D(0)}, "share_of_commitment"),
        ({"share_of_commitment": D("1.01")}, "share_of_commitment"),
        ({"cap_per_firm_wan": D(0)}, "cap_per_firm_wan"),
        ({"longest_term_days": 0}, "longest_term_days"),
        ({"fee_tiers": ()}, "fee tiers"),
        ({"fee_tiers": (FeeTier(2, D("0.1")),)}, "fee tiers"),
        ({"fee_tiers": (FeeTier(1, D("0.1")), FeeTier(1, D("0.2")))}, "fee tiers"),
        ({"fee_tiers": (FeeTier(1, D("-0.1")),)}, "negative"),
        ({"overdue_daily_pct": D("-1")}, "negative"),
    ],
)
def test_limits_refuse_nonsense(changes, message):
    """Limits that cannot be applied are refused when the fund is configured."""
    with pytest.raises(ValueError, match=message):
        FundLimits(**changes)


def test_allowed_draw():
    """A draw within every limit is allowed; the largest is the tightest limit."""
    # share 0.95 × 400 = 380; maturing 400; cap 500 − 100 = 400; available 2000: 380
    check = check_draw(LIMITS, app(), firm_exposure_wan=D(100), available_wan=D(2000))
    assert check.allowed
    assert check.refusals == ()
    assert check.largest_wan == D(380)


@pytest.mark.parametrize(
    ("name", "application", "exposure", "available", "code", "figures", "largest"),
    [
        (
            "share of the committed renewal",
            app(requested_wan=D(390)),
            D(0),
            D(5000),
            bridge.SHARE_OF_COMMITMENT,
            # 95% × 400 = 380 < 390
            {
                "share_pct": D(95),
                "committed_wan": D(400),
                "limit_wan": D(380),
                "requested_wan": D(390),
            },
            D(380),
        ),
        (
            "cap per firm less its open draws",
            app(requested_wan=D(300)),
            D(350),
            D(5000),
            bridge.CAP_PER_FIRM,
            # 500 − 350 = 150 < 300
            {
                "cap_wan": D(500),
                "exposure_wan": D(350),
                "limit_wan": D(150),
                "requested_wan": D(300),
            },
            D(150),
        ),
        (
            "the fund's available balance",
            app(requested_wan=D(300)),
            D(0),
            D(120),
            bridge.AVAILABLE_BALANCE,
            {"available_wan": D(120), "limit_wan": D(120), "requested_wan": D(300)},
            D(120),
        ),
        (
            "the maturing loan",
            app(requested_wan=D(300), maturing_wan=D(250), committed_wan=D(1000)),
            D(0),
            D(5000),
            bridge.MATURING_AMOUNT,
            # 95% × 1000 = 950, but only 250 matures
            {"maturing_wan": D(250), "limit_wan": D(250), "requested_wan": D(300)},
            D(250),
        ),
    ],
)
def test_refused_by_one_limit(name, application, exposure, available, code, figures, largest):
    """A draw above one limit is refused by that limit alone, naming the limit, the figures it is
    made of and the amount requested."""
    check = check_draw(LIMITS, application, firm_exposure_wan=exposure, available_wan=available)
    assert not check.allowed, name
    assert check.codes == [code]
    assert dict(check.refusals[0].figures) == figures
    assert check.largest_wan == largest
    assert (
        largest_draw(LIMITS, application, firm_exposure_wan=exposure, available_wan=available)
        == largest
    )


def test_requested_equal_to_the_limit_is_allowed():
    """A limit is a maximum: asking for exactly it is allowed."""
    check = check_draw(LIMITS, app(requested_wan=D(380)), available_wan=D(380))
    assert check.allowed


def test_refused_by_every_limit_at_once():
    """Each limit exceeded is its own refusal, in a fixed order."""
    check = check_draw(
        LIMITS,
        app(requested_wan=D(600), maturing_wan=D(500), committed_wan=D(500), term_days=12),
        firm_exposure_wan=D(480),
        available_wan=D(10),
    )
    assert check.codes == [
        bridge.SHARE_OF_COMMITMENT,  # 475 < 600
        bridge.MATURING_AMOUNT,  # 500 < 600
        bridge.CAP_PER_FIRM,  # 20 < 600
        bridge.AVAILABLE_BALANCE,  # 10 < 600
        bridge.TERM,  # 12 > 10
    ]
    assert check.largest_wan == D(10)


def test_firm_over_its_cap_has_a_zero_limit():
    """A firm already above the cap (the cap lowered since) can draw nothing; the figure shown is
    0, with the cap and its exposure."""
    check = check_draw(
        LIMITS, app(requested_wan=D(1)), firm_exposure_wan=D(600), available_wan=D(9)
    )
    assert check.codes == [bridge.CAP_PER_FIRM]
    assert check.refusals[0].figures["limit_wan"] == D(0)
    assert check.refusals[0].figures["exposure_wan"] == D(600)
    assert check.largest_wan == D(0)


def test_no_cap_configured():
    """Without a cap per firm, the firm's exposure does not limit it."""
    limits = FundLimits()
    check = check_draw(limits, app(), firm_exposure_wan=D(10**6), available_wan=D(5000))
    assert check.allowed
    assert check.largest_wan == D(380)


@pytest.mark.parametrize("flag", [bridge.WAGE_ARREARS, bridge.BAD_CREDIT])
def test_excluded_firm(flag):
    """A firm with an excluding flag is refused whatever the amount, and may draw nothing."""
    check = check_draw(LIMITS, app(flags=frozenset({flag, "other"})), available_wan=D(5000))
    assert check.codes == [bridge.EXCLUDED]
    assert check.refusals[0].figures == {"flag": flag}
    assert check.largest_wan == D(0)


def test_flag_not_excluded_by_this_fund():
    """A flag the fund does not exclude on is no refusal."""
    limits = FundLimits(exclusions=frozenset({bridge.BAD_CREDIT}))
    assert check_draw(
        limits, app(flags=frozenset({bridge.WAGE_ARREARS})), available_wan=D(900)
    ).allowed


def test_no_commitment():
    """Without the bank's written renewal commitment nothing can be drawn (one refusal, not a
    second one for its 95%)."""
    check = check_draw(LIMITS, app(committed_wan=D(0)), available_wan=D(5000))
    assert check.codes == [bridge.NO_COMMITMENT]
    assert check.largest_wan == D(0)


@pytest.mark.parametrize("amount", [D(0), D(-5)])
def test_amount_not_positive(amount):
    check = check_draw(LIMITS, app(requested_wan=amount), available_wan=D(5000))
    assert check.codes == [bridge.AMOUNT_NOT_POSITIVE]
    assert check.refusals[0].figures == {"requested_wan": amount}


@pytest.mark.parametrize(("days", "refused"), [(0, True), (1, False), (10, False), (11, True)])
def test_term(days, refused):
    """The term runs from 1 day to the longest term, inclusive."""
    check = check_draw(LIMITS, app(term_days=days), available_wan=D(5000))
    assert (check.codes == [bridge.TERM]) is refused
    if refused:
        assert check.refusals[0].figures == {"longest_term_days": 10, "requested_days": days}


def test_every_code_is_listed():
    assert len(set(bridge.CODES)) == len(bridge.CODES) == 8


# --- days and fees ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repaid", "days"),
    [
        (JUNE_1, 1),  # the same day counts one day
        (dt.date(2020, 6, 2), 1),  # 算头不算尾
        (dt.date(2020, 6, 6), 5),
        (dt.date(2020, 6, 7), 6),
        (dt.date(2020, 7, 1), 30),
    ],
)
def test_days_used(repaid, days):
    assert days_used(JUNE_1, repaid) == days


def test_repaid_before_disbursed_is_refused():
    with pytest.raises(ValueError, match="before disbursed"):
        days_used(JUNE_1, dt.date(2020, 5, 31))


@pytest.mark.parametrize(
    ("name", "repaid", "total", "lines"),
    [
        # 1000 × 0.1% × 1
        ("same day", JUNE_1, D(1), [(1, 1, D("0.1"))]),
        # 1000 × 0.1% × 5: the last day of the first tier
        ("day 5", dt.date(2020, 6, 6), D(5), [(1, 5, D("0.1"))]),
        # 5 + 1000 × 0.2% × 1: day 6 is the first of the second tier
        ("day 6", dt.date(2020, 6, 7), D(7), [(1, 5, D("0.1")), (6, 6, D("0.2"))]),
        # 5 + 1000 × 0.2% × 5
        ("day 10", dt.date(2020, 6, 11), D(15), [(1, 5, D("0.1")), (6, 10, D("0.2"))]),
        # without an overdue rate, the last tier goes on: 5 + 1000 × 0.2% × 7
        ("day 12", dt.date(2020, 6, 13), D(19), [(1, 5, D("0.1")), (6, 12, D("0.2"))]),
    ],
)
def test_fee_tiers(name, repaid, total, lines):
    """Each day is charged at its own tier's rate."""
    result = fee(LIMITS, D(1000), JUNE_1, repaid)
    assert result.total_wan == total, name
    assert [(x.first_day, x.last_day, x.daily_pct) for x in result.lines] == lines
    assert sum(x.days for x in result.lines) == result.days


def test_fee_with_an_overdue_rate():
    """With an overdue rate, the days after the due date are charged at it instead."""
    limits = FundLimits(overdue_daily_pct=D("0.5"))
    # due 11 June; repaid 13 June: 12 days, 10 in term (15) + 2 overdue: 1000 × 0.5% × 2 = 10
    result = fee(limits, D(1000), JUNE_1, dt.date(2020, 6, 13))
    assert result.total_wan == D(25)
    assert result.lines[-1].overdue
    assert (result.lines[-1].first_day, result.lines[-1].last_day) == (11, 12)
    # repaid on the due date: nothing overdue
    assert fee(limits, D(1000), JUNE_1, dt.date(2020, 6, 11)).total_wan == D(15)


def test_fee_rounds_to_the_fen():
    """The fee is rounded half up to 0.000001 万元 (1 分)."""
    # 0.0333 × 0.1% × 1 = 0.0000333 万元 = 0.333 元 → 0.33 元
    assert fee(LIMITS, D("0.0333"), JUNE_1, JUNE_1).total_wan == D("0.000033")
    # 0.0335 × 0.1% = 0.0000335 万元 → half up to 0.34 元
    assert fee(LIMITS, D("0.0335"), JUNE_1, JUNE_1).total_wan == D("0.000034")


def test_three_tiers():
    limits = FundLimits(
        fee_tiers=(FeeTier(1, D("0.05")), FeeTier(4, D("0.1")), FeeTier(8, D("0.3")))
    )
    # 200 × (3 × 0.05% + 4 × 0.1% + 2 × 0.3%) = 200 × 1.15% = 2.3
    assert fee(limits, D(200), JUNE_1, dt.date(2020, 6, 10)).total_wan == D("2.3")


# --- due dates and overdue days ---------------------------------------------------------------

# 2020's National Day and Mid-Autumn holiday: 1–8 October off, Saturday 10 October worked.
SEPT_24 = dt.date(2020, 9, 24)


def test_due_date_plain():
    """Disbursement + the term: a 10-day draw of 1 June is due on 11 June."""
    assert due_date(JUNE_1, 10) == dt.date(2020, 6, 11)


def test_due_date_moves_past_a_holiday():
    """A due date on a holiday moves to the next working day (遇节假日顺延)."""
    # 24 September + 10 = 4 October, in the holiday; 9 October is the next working day
    assert due_date(SEPT_24, 10, chinese_calendar.is_workday) == dt.date(2020, 10, 9)
    # 1 June + 10 = 11 June, a Thursday: unchanged
    assert due_date(JUNE_1, 10, chinese_calendar.is_workday) == dt.date(2020, 6, 11)


def test_due_date_on_a_make_up_working_day():
    """A make-up working day (Saturday 10 October 2020) is a working day."""
    assert due_date(dt.date(2020, 9, 30), 10, chinese_calendar.is_workday) == dt.date(2020, 10, 10)


def test_calendar_without_working_days():
    with pytest.raises(ValueError, match="no working day"):
        due_date(JUNE_1, 10, lambda day: False)


@pytest.mark.parametrize(
    ("as_of", "repaid", "days"),
    [
        (dt.date(2020, 10, 9), None, 0),  # on the due date: not yet overdue
        (dt.date(2020, 10, 12), None, 3),  # unrepaid, 3 days after
        (dt.date(2020, 10, 20), dt.date(2020, 10, 12), 3),  # repaid late: the days to repayment
        (dt.date(2020, 10, 20), dt.date(2020, 10, 9), 0),  # repaid on the due date
        (dt.date(2020, 10, 11), dt.date(2020, 10, 12), 2),  # repaid after the figure's day
    ],
)
def test_overdue_days_across_a_holiday(as_of, repaid, days):
    """Overdue days count from the due date moved past the holiday, in calendar days."""
    due = due_date(SEPT_24, 10, chinese_calendar.is_workday)
    assert overdue_days(due, as_of=as_of, repaid_on=repaid) == days


def test_overdue_without_the_calendar_would_count_the_holiday():
    """Without a calendar the same draw is 5 days overdue on 9 October: the calendar matters."""
    assert overdue_days(due_date(SEPT_24, 10), as_of=dt.date(2020, 10, 9)) == 5


def test_fee_across_a_holiday_uses_the_moved_due_date():
    """Days within the holiday's extension are charged at the tiers, not the overdue rate."""
    limits = FundLimits(overdue_daily_pct=D("0.5"))
    due = due_date(SEPT_24, 10, chinese_calendar.is_workday)
    # 24 September to 9 October: 15 days, all in term: 1000 × (5 × 0.1% + 10 × 0.2%) = 25
    assert fee(limits, D(1000), SEPT_24, dt.date(2020, 10, 9), due).total_wan == D(25)
    # with the unmoved due date (4 October): 15 + 5 overdue days × 5 = 40
    assert fee(limits, D(1000), SEPT_24, dt.date(2020, 10, 9)).total_wan == D(40)


@pytest.mark.parametrize(
    ("draw", "as_of", "state", "late", "to_due"),
    [
        (Draw("A", "b", D(1), JUNE_1), dt.date(2020, 5, 31), bridge.NOT_YET, 0, 11),
        (Draw("A", "b", D(1), JUNE_1), dt.date(2020, 6, 3), bridge.OPEN, 0, 8),
        (Draw("A", "b", D(1), JUNE_1), dt.date(2020, 6, 4), bridge.DUE_SOON, 0, 7),
        (Draw("A", "b", D(1), JUNE_1), dt.date(2020, 6, 11), bridge.DUE_SOON, 0, 0),
        (Draw("A", "b", D(1), JUNE_1), dt.date(2020, 6, 14), bridge.OVERDUE, 3, -3),
        (
            Draw("A", "b", D(1), JUNE_1, dt.date(2020, 6, 8)),
            dt.date(2020, 6, 14),
            bridge.REPAID,
            0,
            -3,
        ),
        (
            Draw("A", "b", D(1), JUNE_1, dt.date(2020, 6, 13)),
            dt.date(2020, 6, 14),
            bridge.REPAID_LATE,
            2,
            -3,
        ),
        # repaid after the figure's day: still overdue on it
        (
            Draw("A", "b", D(1), JUNE_1, dt.date(2020, 6, 20)),
            dt.date(2020, 6, 14),
            bridge.OVERDUE,
            3,
            -3,
        ),
    ],
)
def test_draw_status(draw, as_of, state, late, to_due):
    """A draw of 1 June is due on 11 June; due soon within 7 days of it."""
    status = draw_status(draw, LIMITS, as_of=as_of)
    assert (status.state, status.overdue_days, status.days_to_due) == (state, late, to_due)
    assert status.due_on == dt.date(2020, 6, 11)


# --- the fund's figures -----------------------------------------------------------------------

FUND = D(5000)
DRAWS = [
    Draw("A", "ICBC", D(1000), dt.date(2020, 6, 1), dt.date(2020, 6, 11)),
    Draw("B", "ABC", D(2000), dt.date(2020, 6, 5)),
    Draw("A", "ABC", D(500), dt.date(2020, 6, 20), dt.date(2020, 6, 25)),
    Draw("C", "ICBC", D(300), dt.date(2020, 5, 20), dt.date(2020, 5, 28)),
]


def test_outstanding_and_exposure():
    """On 10 June, A's first draw and B's are out; C's was repaid in May."""
    day = dt.date(2020, 6, 10)
    assert outstanding(DRAWS, day) == D(3000)
    assert exposure_by_firm(DRAWS, day) == {"A": D(1000), "B": D(2000)}
    assert exposure_by_bank(DRAWS, day) == {"ICBC": D(1000), "ABC": D(2000)}
    assert bridge.available_balance(FUND, DRAWS, day) == D(2000)
    # 3000 / 5000
    assert utilisation(FUND, DRAWS, day) == D("0.6")


def test_a_draw_repaid_that_day_is_no_longer_out():
    """On 11 June (A repaid) only B's 2000 is out; on 20 June A's second draw adds 500."""
    assert exposure_by_firm(DRAWS, dt.date(2020, 6, 11)) == {"B": D(2000)}
    assert exposure_by_firm(DRAWS, dt.date(2020, 6, 20)) == {"A": D(500), "B": D(2000)}
    assert exposure_by_bank(DRAWS, dt.date(2020, 6, 20)) == {"ABC": D(2500)}


def test_average_utilisation():
    """Σ amount × days out in June / (5000 × 30 days)."""
    # A: 1–10 June, 10 days × 1000 = 10,000; B: 5–30 June, 26 × 2000 = 52,000;
    # A: 20–24 June, 5 × 500 = 2,500; C: May only. 64,500 / 150,000 = 0.43
    assert average_utilisation(FUND, DRAWS, dt.date(2020, 6, 1), dt.date(2020, 6, 30)) == D("0.43")


def test_average_utilisation_of_one_day_is_that_day():
    day = dt.date(2020, 6, 10)
    assert average_utilisation(FUND, DRAWS, day, day) == utilisation(FUND, DRAWS, day)


def test_turnover():
    """The amount disbursed in the period over the fund size."""
    # June: 1000 + 2000 + 500 = 3500 / 5000
    assert turnover(FUND, DRAWS, dt.date(2020, 6, 1), dt.date(2020, 6, 30)) == D("0.7")
    # May to June: + 300 = 3800 / 5000
    assert turnover(FUND, DRAWS, dt.date(2020, 5, 1), dt.date(2020, 6, 30)) == D("0.76")
    # 6 to 30 June: only the draw of 20 June
    assert turnover(FUND, DRAWS, dt.date(2020, 6, 6), dt.date(2020, 6, 30)) == D("0.1")


def test_a_fund_of_no_size_is_refused():
    with pytest.raises(ValueError, match="fund size"):
        turnover(D(0), DRAWS, JUNE_1, JUNE_1)
    with pytest.raises(ValueError, match="before it starts"):
        average_utilisation(FUND, DRAWS, dt.date(2020, 6, 2), JUNE_1)


def test_no_draws():
    assert outstanding([], JUNE_1) == D(0)
    assert exposure_by_firm([], JUNE_1) == {}
    assert turnover(FUND, [], JUNE_1, JUNE_1) == D(0)

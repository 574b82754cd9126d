"""Monthly production indicators. Every expected value is worked out by hand in the comment
next to it; none is computed by the code under test."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zonedesk.monitoring.indicators import (
    DEFAULT_BAND,
    MEASURES,
    CapacityClass,
    FirmMonth,
    change,
    classify,
    percent,
    summarise,
    year_to_date,
)

ABOVE, LEVEL, BELOW = CapacityClass.ABOVE, CapacityClass.LEVEL, CapacityClass.BELOW


def out(firm_id, output, **kw):
    """A firm month with its output value (and any other figures)."""
    return FirmMonth(firm_id, output_value_wan=None if output is None else D(output), **kw)


# --- change / percent ------------------------------------------------------------------------


def test_change():
    """A change is (current − base) / base, unrounded."""
    assert change(D(110), D(100)) == D("0.1")  # (110 − 100) / 100
    assert change(D(0), D(100)) == D(-1)  # (0 − 100) / 100
    assert change(D(75), D(100)) == D("-0.25")  # (75 − 100) / 100
    assert change(D(100), D(100)) == D(0)


@pytest.mark.parametrize(
    ("current", "base"),
    [(None, D(100)), (D(100), None), (None, None), (D(100), D(0)), (D(100), D(-5))],
)
def test_change_without_a_positive_base_is_none(current, base):
    assert change(current, base) is None


def test_percent():
    """A rate as a percentage rounds half up (away from zero) to two places, or as asked."""
    assert percent(D("0.127849")) == D("12.78")  # 12.7849 -> 12.78
    assert percent(D("0.12785")) == D("12.79")  # 12.785 -> half up -> 12.79
    assert percent(D("0.12775")) == D("12.78")  # 12.775 -> half up (not to even) -> 12.78
    assert percent(D("-0.12785")) == D("-12.79")  # half away from zero
    assert str(percent(D("0.1"))) == "10.00"  # 10 with two places
    assert percent(D("0.127849"), places=1) == D("12.8")  # 12.7849 -> 12.8
    assert percent(D("0.2567")) == D("25.67")
    assert percent(None) is None


# --- FirmMonth.producing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "producing"),
    [
        (out(1, "10"), True),
        (out(1, "0.01"), True),
        (out(1, "10", days_in_month=31, days_halted=30), True),  # one day worked
        (out(1, "10", days_in_month=31, days_halted=31), False),  # halted all month
        (out(1, "10", days_in_month=28, days_halted=28), False),
        (out(1, "10", days_in_month=30, days_halted=31), False),
        (out(1, "0"), False),  # no output
        (out(1, None), False),  # output not reported
        (out(1, "-3"), False),
    ],
)
def test_producing(row, producing):
    """A firm month is producing when it has a positive output and worked at least one day."""
    assert row.producing is producing


def test_value_is_decimal():
    """A firm month gives each figure as a Decimal, or None when not reported."""
    row = FirmMonth(1, employees=12, revenue_wan=D("3.5"))
    assert row.value("employees") == D(12)
    assert isinstance(row.value("employees"), D)
    assert row.value("revenue_wan") == D("3.5")
    assert row.value("water_t") is None


# --- classify: band boundaries, new firms ----------------------------------------------------


@pytest.mark.parametrize(
    ("current", "cls", "rate"),
    [
        ("105", LEVEL, D("0.05")),  # (105 − 100) / 100 = +5 %: inside the inclusive band
        ("95", LEVEL, D("-0.05")),  # (95 − 100) / 100 = −5 %: inside the inclusive band
        ("105.01", ABOVE, D("0.0501")),  # 5.01 / 100
        ("94.99", BELOW, D("-0.0501")),  # −5.01 / 100
        ("100", LEVEL, D(0)),
        ("120", ABOVE, D("0.2")),
        ("75", BELOW, D("-0.25")),
    ],
)
def test_classify_band(current, cls, rate):
    """Within ±5 % of last year (boundaries included) a firm is level; beyond, above or below."""
    fc = classify(out(7, current), out(7, "100"))
    assert fc.firm_id == 7
    assert fc.capacity_class == cls
    assert fc.output_change == rate
    assert fc.new is False


def test_classify_custom_band():
    """The level band can be set wider than the default 5 %."""
    # +8 %: above with the default 5 % band, level with a 10 % band
    assert classify(out(1, "108"), out(1, "100")).capacity_class == ABOVE
    assert classify(out(1, "108"), out(1, "100"), D("0.10")).capacity_class == LEVEL
    assert classify(out(1, "110"), out(1, "100"), D("0.10")).capacity_class == LEVEL  # +10 %
    assert classify(out(1, "89.9"), out(1, "100"), D("0.10")).capacity_class == BELOW  # −10.1 %
    assert D("0.05") == DEFAULT_BAND


@pytest.mark.parametrize(
    "base",
    [
        None,  # no row last year
        out(3, "0"),  # zero output last year: no base, not a division by zero
        out(3, None),  # a row, but no output reported
        FirmMonth(3, employees=40),  # other figures, no output
    ],
)
def test_classify_new_firm(base):
    """A firm without last year's output is new, classed above, with no rate of its own."""
    fc = classify(out(3, "50"), base)
    assert fc.capacity_class == ABOVE
    assert fc.new is True
    assert fc.output_change is None


# --- summarise: one hand-worked month --------------------------------------------------------
#
#   firm  last year (output, employees)  this month (output, employees)   status
#   1     100, 50   (revenue 100)        120, 55   (revenue 110)          +20 %  above
#   2     100, 80   (revenue 500)         75, 70   (no revenue)           −25 %  below
#   3     100, 40                          97, 40                          −3 %   level
#   4       0, 10                          30, 12                          zero base: new
#   5     (no row)                         40, 15  (export 30)             no row: new
#   6     100, 20                           0, 18  halted 31/31            not producing
#   7      80, 30                         (no row)                         not reported
#   8     100, 50                         105, 50                          +5 %   level
#
#   previous month: 1: 100/50, 2: 80, 3: 100, 4: 20, 6: 0, 8: 100, 7: 60 (5 absent)

LAST_YEAR = [
    out(1, "100", employees=50, revenue_wan=D(100)),
    out(2, "100", employees=80, revenue_wan=D(500)),
    out(3, "100", employees=40),
    out(4, "0", employees=10),
    out(6, "100", employees=20),
    out(7, "80", employees=30),
    out(8, "100", employees=50),
]
CURRENT = [
    out(1, "120", employees=55, revenue_wan=D(110)),
    out(2, "75", employees=70),
    out(3, "97", employees=40),
    out(4, "30", employees=12),
    out(5, "40", employees=15, export_value_wan=D(30)),
    out(6, "0", employees=18, days_in_month=31, days_halted=31),
    out(8, "105", employees=50),
]
PREVIOUS = [
    out(1, "100", employees=50),
    out(2, "80"),
    out(3, "100"),
    out(4, "20"),
    out(6, "0"),
    out(7, "60"),
    out(8, "100"),
]


@pytest.fixture
def month():
    return summarise(CURRENT, LAST_YEAR, PREVIOUS)


def test_counts(month):
    """The month counts its reporting, producing, halted, not-reported and new firms."""
    assert month.reporting == 7  # firms 1 2 3 4 5 6 8
    assert month.producing == 6  # all but the halted 6
    assert month.halted == (6,)
    assert month.not_reported == (7,)  # reported last year, not this month
    assert month.new_firms == (4, 5)  # 4: zero base, 5: no row
    assert month.band == D("0.05")


def test_classes(month):
    """Producing firms are classed above, level with or below last year; halted firms are not."""
    assert month.classes[ABOVE] == (1, 4, 5)  # +20 % and the two new firms
    assert month.classes[LEVEL] == (3, 8)  # −3 %, +5 % (boundary)
    assert month.classes[BELOW] == (2,)  # −25 %
    assert month.count(ABOVE) == 3
    assert month.count(LEVEL) == 2
    assert month.count(BELOW) == 1
    assert 6 not in month.firms  # halted: not classed


def test_firm_classes(month):
    """Each producing firm has its output change; a new firm has none and is classed above."""
    assert set(month.firms) == {1, 2, 3, 4, 5, 8}
    assert month.firms[1].output_change == D("0.2")  # 20 / 100
    assert month.firms[2].output_change == D("-0.25")  # −25 / 100
    assert month.firms[3].output_change == D("-0.03")  # −3 / 100
    assert month.firms[8].output_change == D("0.05")  # 5 / 100
    for new in (4, 5):
        assert month.firms[new].new is True
        assert month.firms[new].output_change is None  # no rate of its own
        assert month.firms[new].capacity_class == ABOVE
    assert month.firms[1].new is False


def test_falls_largest_first(month):
    # producing firms with a fall: 2 (−25 %), 3 (−3 %); halted 6 (−100 %) is not producing
    assert [c.firm_id for c in month.falls] == [2, 3]
    assert [c.output_change for c in month.falls] == [D("-0.25"), D("-0.03")]


def test_output_aggregate(month):
    """Output: the year-on-year rate, split exactly into the new and existing firms' parts, and
    the month-on-month rate."""
    a = month.aggregates["output_value_wan"]
    assert a.measure == "output_value_wan"
    assert a.firms == 7  # every reporting firm gave an output (6 gave 0)
    assert a.current == D(467)  # 120 + 75 + 97 + 30 + 40 + 0 + 105
    assert a.last_year == D(500)  # 100 + 100 + 100 + 0 + 0 (5) + 100 + 100; 7's 80 left out
    assert a.yoy == D("-0.066")  # (467 − 500) / 500 = −33 / 500
    assert a.new_part == D("0.14")  # (30 − 0) + (40 − 0) = 70; 70 / 500
    assert a.existing_part == D("-0.206")  # 20 − 25 − 3 − 100 + 5 = −103; −103 / 500
    assert a.new_part + a.existing_part == a.yoy  # 0.14 − 0.206 = −0.066
    # 环比 over the firms that gave output in both months (1 2 3 4 6 8): 5 has no previous row
    # and 7 no row this month, so both are out of both sides (issue 15, M3; it was 467 / 400).
    assert a.previous == D(400)  # 100 + 80 + 100 + 20 + 0 + 100; 7's 60 left out
    assert (a.mom_current, a.mom_firms) == (D(427), 6)  # 120 + 75 + 97 + 30 + 0 + 105
    assert a.mom == D("0.0675")  # (427 − 400) / 400 = 27 / 400
    assert percent(a.yoy) == D("-6.60")
    assert percent(a.new_part) == D("14.00")
    assert percent(a.existing_part) == D("-20.60")


def test_employees_include_halted_firm(month):
    """Employees are summed over every reporting firm, a halted one included."""
    a = month.aggregates["employees"]
    assert a.firms == 7
    assert a.current == D(260)  # 55 + 70 + 40 + 12 + 15 + 18 (halted 6) + 50
    assert a.last_year == D(250)  # 50 + 80 + 40 + 10 + 0 (5) + 20 + 50; 7's 30 left out
    assert a.yoy == D("0.04")  # 10 / 250
    assert a.new_part == D("0.068")  # (12 − 10) + (15 − 0) = 17; 17 / 250
    assert a.existing_part == D("-0.028")  # 5 − 10 + 0 − 2 + 0 = −7; −7 / 250
    assert a.new_part + a.existing_part == a.yoy
    assert a.previous == D(50)  # only 1 gave employees last month
    assert (a.mom_current, a.mom_firms) == (D(55), 1)  # firm 1 only
    assert a.mom == D("0.1")  # (55 − 50) / 50; not (260 − 50) / 50 with 6 firms counted as 0


def test_revenue_like_for_like(month):
    """A figure is compared only for the firms that report it this month."""
    # only firm 1 reports revenue this month; firm 2's 500 last year is not compared
    a = month.aggregates["revenue_wan"]
    assert a.firms == 1
    assert a.current == D(110)
    assert a.last_year == D(100)
    assert a.yoy == D("0.1")  # 10 / 100
    assert a.new_part == D(0)
    assert a.existing_part == D("0.1")
    assert a.previous == D(0)  # 1's previous row has no revenue
    assert a.mom_firms == 0
    assert a.mom is None  # nobody gave revenue in both months


def test_figure_nobody_reports(month):
    """A figure nobody reports sums to zero and has no rates."""
    a = month.aggregates["electricity_kwh"]
    assert a.firms == 0
    assert a.current == D(0)
    assert a.last_year == D(0)
    assert a.yoy is None
    assert a.mom is None
    assert a.new_part is None
    assert a.existing_part is None


def test_figure_only_a_new_firm_reports(month):
    # firm 5 (no row last year) exports 30: base 0 -> no rate, no division by zero
    a = month.aggregates["export_value_wan"]
    assert a.firms == 1
    assert a.current == D(30)
    assert a.last_year == D(0)
    assert a.yoy is None
    assert a.new_part is None
    assert a.existing_part is None


def test_every_measure_aggregated(month):
    """Every measure has an aggregate."""
    assert set(month.aggregates) == set(MEASURES)


def test_without_previous_month():
    """Without the previous month there is no month-on-month rate; the yearly rate is unchanged."""
    a = summarise(CURRENT, LAST_YEAR).aggregates["output_value_wan"]
    assert a.previous is None
    assert a.mom is None
    assert a.yoy == D("-0.066")  # unchanged: (467 − 500) / 500


def test_previous_month_empty():
    """A known but empty previous month sums to zero and gives no month-on-month rate."""
    # a known but empty previous month: Σ = 0, so no MoM rate
    a = summarise(CURRENT, LAST_YEAR, []).aggregates["output_value_wan"]
    assert a.previous == D(0)
    assert a.mom is None


def test_mom_negative():
    """A month-on-month fall is a negative rate."""
    a = summarise([out(1, "90")], [], [out(1, "120")]).aggregates["output_value_wan"]
    assert a.mom == D("-0.25")  # (90 − 120) / 120 = −30 / 120


def test_mom_leaves_a_firm_missing_last_month_out():
    """环比 on the one rule for missing reports: firm 2 did not report last month, so it is out
    of both sides: (110 − 100) / 100 = +10 %, not (110 + 50 − 100) / 100 = +60 % with its
    missing month counted as zero."""
    a = summarise([out(1, "110"), out(2, "50")], [], [out(1, "100")]).aggregates["output_value_wan"]
    assert (a.current, a.mom_current, a.previous, a.mom_firms) == (D(160), D(110), D(100), 1)
    assert a.mom == D("0.1")


# --- empty months ----------------------------------------------------------------------------


def test_empty_month():
    """A month nobody reported has zero counts, no classes and no rates."""
    m = summarise([])
    assert m.reporting == 0
    assert m.producing == 0
    assert m.classes == {ABOVE: (), LEVEL: (), BELOW: ()}
    assert m.new_firms == ()
    assert m.firms == {}
    assert m.halted == ()
    assert m.not_reported == ()
    assert m.falls == ()
    for measure in MEASURES:
        a = m.aggregates[measure]
        assert (a.current, a.firms, a.last_year) == (D(0), 0, D(0))
        assert a.previous is None
        assert a.yoy is a.mom is a.new_part is a.existing_part is None


def test_empty_month_with_last_year_rows():
    m = summarise([], [out(2, "10"), out(1, "20")], [])
    assert m.reporting == 0
    assert m.not_reported == (1, 2)
    a = m.aggregates["output_value_wan"]
    assert a.current == D(0)
    assert a.last_year == D(0)  # no reporting firm, nothing to compare
    assert a.previous == D(0)
    assert a.yoy is None
    assert a.mom is None


def test_no_last_year_rows():
    """Without last year's rows every producing firm is new and there is no yearly rate."""
    m = summarise([out(1, "10"), out(2, "20"), out(3, "0")])
    assert m.new_firms == (1, 2)  # 3 gave no output: not producing, not new
    assert m.classes[ABOVE] == (1, 2)
    assert m.classes[LEVEL] == m.classes[BELOW] == ()
    assert m.halted == (3,)
    assert m.falls == ()
    a = m.aggregates["output_value_wan"]
    assert a.current == D(30)  # 10 + 20 + 0
    assert a.last_year == D(0)
    assert a.yoy is None  # base 0: no rate
    assert a.new_part is None
    assert a.existing_part is None


def test_all_firms_halted():
    """When every firm is halted nothing is classed; staff and output are still summed and
    compared."""
    rows = [
        out(1, "0", employees=10),
        out(2, "50", employees=20, days_in_month=30, days_halted=30),
    ]
    m = summarise(rows, [out(1, "100", employees=10), out(2, "100", employees=20)])
    assert m.producing == 0
    assert m.halted == (1, 2)
    assert m.classes == {ABOVE: (), LEVEL: (), BELOW: ()}
    assert m.falls == ()  # not producing: no fall listed
    e = m.aggregates["employees"]
    assert e.current == D(30)  # 10 + 20: halted firms' staff still counted
    assert e.yoy == D(0)  # (30 − 30) / 30
    o = m.aggregates["output_value_wan"]
    assert o.current == D(50)  # 0 + 50
    assert o.yoy == D("-0.75")  # (50 − 200) / 200
    assert o.new_part == D(0)
    assert o.existing_part == D("-0.75")


def test_halted_firm_without_output_last_year_is_not_new():
    m = summarise([out(1, "0")], [])
    assert m.new_firms == ()
    assert m.halted == (1,)


# --- band, falls, duplicates -----------------------------------------------------------------


def test_band_boundaries_in_summary():
    """The level band includes its boundaries and can be widened."""
    base = [out(i, "100") for i in range(1, 6)]
    rows = [out(1, "105"), out(2, "95"), out(3, "105.01"), out(4, "94.99"), out(5, "100")]
    m = summarise(rows, base)
    assert m.classes[LEVEL] == (1, 2, 5)  # +5 %, −5 %, 0 %
    assert m.classes[ABOVE] == (3,)  # +5.01 %
    assert m.classes[BELOW] == (4,)  # −5.01 %
    wide = summarise(rows, base, band=D("0.10"))
    assert wide.band == D("0.10")
    assert wide.classes[LEVEL] == (1, 2, 3, 4, 5)  # all within ±10 %


def test_falls_order_and_ties():
    """Falls are listed largest first, ties by firm id, level firms that fell included."""
    base = [out(i, "100") for i in range(1, 6)]
    rows = [
        out(3, "90"),  # −10 %
        out(1, "50"),  # −50 %
        out(2, "90"),  # −10 %, tie with 3: lower id first
        out(4, "96"),  # −4 %: level, still a fall
        out(5, "110"),  # +10 %: no fall
    ]
    m = summarise(rows, base)
    assert [c.firm_id for c in m.falls] == [1, 2, 3, 4]
    assert [c.output_change for c in m.falls] == [D("-0.5"), D("-0.1"), D("-0.1"), D("-0.04")]


@pytest.mark.parametrize("where", ["current", "last_year", "previous"])
def test_duplicate_firm_raises(where):
    rows = {"current": [out(1, "10")], "last_year": [out(1, "10")], "previous": [out(1, "10")]}
    rows[where] = [out(1, "10"), out(2, "5"), out(1, "20")]
    with pytest.raises(ValueError, match="firm 1"):
        summarise(rows["current"], rows["last_year"], rows["previous"])


def test_split_with_new_firm_employees_last_year():
    # firm 2 had staff but no output last year: new, and its staff change goes to the new part
    m = summarise(
        [out(1, "100", employees=100), out(2, "10", employees=50)],
        [out(1, "100", employees=100), FirmMonth(2, employees=25)],
    )
    assert m.new_firms == (2,)
    e = m.aggregates["employees"]
    assert e.yoy == D("0.2")  # (150 − 125) / 125 = 25 / 125
    assert e.new_part == D("0.2")  # (50 − 25) / 125
    assert e.existing_part == D(0)  # 100 − 100


def test_split_is_exact_with_repeating_decimals():
    # firm 0 new (172, no base); firm 1: 789 against 880.
    # ΣA = 961, ΣB = 880: yoy = 81/880 = 0.0920454545…, new = 172/880 = 0.1954545…,
    # existing = −91/880 = −0.1034090909…
    m = summarise([out(0, "172"), out(1, "789")], [out(1, "880")])
    a = m.aggregates["output_value_wan"]
    assert percent(a.yoy) == D("9.20")  # 9.2045… -> 9.20
    assert percent(a.new_part) == D("19.55")  # 19.5454… -> 19.55
    assert percent(a.existing_part) == D("-10.34")  # −10.3409… -> −10.34


def test_split_sums_exactly_with_repeating_decimals():
    # same month as above: yoy = 81/880, new = 172/880; the docstring promises an exact split
    m = summarise([out(0, "172"), out(1, "789")], [out(1, "880")])
    a = m.aggregates["output_value_wan"]
    assert a.new_part + a.existing_part == a.yoy


# --- year to date ----------------------------------------------------------------------------


def test_year_to_date():
    """Year to date sums the months of both years and compares the sums."""
    y = year_to_date("output_value_wan", [D(100), D(110), D(120)], [D(100), D(100), D(100)])
    assert y.measure == "output_value_wan"
    assert y.months == 3
    assert y.current == D(330)  # 100 + 110 + 120
    assert y.last_year == D(300)  # 3 × 100
    assert y.yoy == D("0.1")  # 30 / 300


def test_year_to_date_missing_months_count_as_zero():
    y = year_to_date("revenue_wan", [D(100), None, D(120)], [D(100), D(100), None])
    assert y.months == 3
    assert y.current == D(220)  # 100 + 0 + 120
    assert y.last_year == D(200)  # 100 + 100 + 0
    assert y.yoy == D("0.1")  # 20 / 200


def test_year_to_date_cuts_last_year_to_the_months_so_far():
    y = year_to_date("output_value_wan", [D(50), D(50)], [D(100)] * 12)
    assert y.months == 2
    assert y.current == D(100)  # 50 + 50
    assert y.last_year == D(200)  # January + February only: 2 × 100
    assert y.yoy == D("-0.5")  # −100 / 200


def test_year_to_date_short_last_year():
    y = year_to_date("output_value_wan", [D(100), D(100), D(100)], [D(100)])
    assert y.last_year == D(100)  # only January known; the rest count as 0
    assert y.yoy == D(2)  # (300 − 100) / 100


def test_year_to_date_empty_and_zero_base():
    y = year_to_date("output_value_wan", [], [])
    assert (y.months, y.current, y.last_year, y.yoy) == (0, D(0), D(0), None)
    z = year_to_date("output_value_wan", [D(5), D(5)], [D(0), None])
    assert z.current == D(10)
    assert z.last_year == D(0)
    assert z.yoy is None  # base 0: no rate


# --- properties ------------------------------------------------------------------------------

amounts = st.one_of(
    st.none(),
    st.just(D(0)),
    st.decimals(min_value=D("0.01"), max_value=D(100000), places=2),
    st.integers(min_value=1, max_value=5000).map(D),
)


@st.composite
def months(draw):
    ids = draw(st.lists(st.integers(min_value=1, max_value=50), unique=True, max_size=10))
    current, base = [], []
    for firm_id in ids:
        current.append(
            FirmMonth(
                firm_id,
                days_in_month=30,
                days_halted=draw(st.sampled_from([0, 0, 0, 10, 29, 30])),
                output_value_wan=draw(amounts),
                revenue_wan=draw(amounts),
                employees=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=900))),
            )
        )
        if draw(st.booleans()):
            base.append(
                FirmMonth(
                    firm_id,
                    output_value_wan=draw(amounts),
                    revenue_wan=draw(amounts),
                    employees=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=900))),
                )
            )
    # firms that reported only last year
    for firm_id in draw(st.lists(st.integers(min_value=51, max_value=60), unique=True)):
        base.append(FirmMonth(firm_id, output_value_wan=draw(amounts)))
    return current, base


PROPERTY = settings(max_examples=300, database=None, derandomize=True, deadline=None)


@PROPERTY
@given(months())
def test_property_classes_partition_producing_firms(data):
    current, base = data
    m = summarise(current, base)
    producing = {r.firm_id for r in current if r.producing}
    groups = [set(m.classes[c]) for c in CapacityClass]
    assert set().union(*groups) == producing == set(m.firms)
    assert sum(len(g) for g in groups) == len(producing) == m.producing  # disjoint
    assert set(m.new_firms) <= set(m.classes[ABOVE])
    assert set(m.halted) | producing == {r.firm_id for r in current}
    assert not set(m.halted) & producing
    assert m.reporting == len(current)
    assert set(m.not_reported) == {r.firm_id for r in base} - {r.firm_id for r in current}
    changes = [c.output_change for c in m.falls]
    assert changes == sorted(changes)
    assert all(c < 0 for c in changes)


@PROPERTY
@given(months())
def test_property_split_is_close_to_yoy(data):
    current, base = data
    for a in summarise(current, base).aggregates.values():
        if a.yoy is None:
            assert a.new_part is None
            assert a.existing_part is None
        else:
            assert abs(a.new_part + a.existing_part - a.yoy) <= D("1e-20")


@settings(PROPERTY)
@given(months())
def test_property_split_sums_exactly_to_yoy(data):
    current, base = data
    for a in summarise(current, base).aggregates.values():
        if a.yoy is not None:
            assert a.new_part + a.existing_part == a.yoy

"""The per-mu (亩均效益) evaluation's maths: indicators, benchmarks, scores and grades, with
hand-worked values (monitoring.permu, no database)."""

import pytest

from zonedesk.monitoring import permu
from zonedesk.monitoring.permu import FirmYear, NotGraded

TWO = {"tax_per_mu": 30, "value_added_per_mu": 20}
QUARTERS = {"A": 0.25, "B": 0.5, "C": 0.75}


def firm(n, land, tax, va, **more):
    return FirmYear(firm=n, land_mu=land, months=12, tax_wan=tax, value_added_wan=va, **more)


FOUR = [firm(1, 10, 50, 200), firm(2, 20, 40, 200), firm(3, 10, 10, 100), firm(4, 40, 40, 400)]


def by_firm(evaluations):
    return {e.firm: e for e in evaluations}


def test_indicators_of_one_firm():
    """Each indicator is its figure over its denominator; a missing denominator gives None."""
    f = FirmYear(
        firm=1,
        land_mu=20,
        months=12,
        tax_wan=60,
        output_wan=2000,
        value_added_wan=500,
        energy_tce=250,
        employees_avg=40,
        revenue_wan=1900,
        rd_wan=38,
    )
    values, stand_in = permu.indicators(f)
    assert values == {
        "tax_per_mu": 3.0,
        "value_added_per_mu": 25.0,
        "value_added_per_tce": 2.0,
        "labour_productivity": 12.5,
        "rd_share": 0.02,
    }
    assert stand_in is False
    assert permu.indicators(FirmYear(firm=1, land_mu=20, months=1))[0]["tax_per_mu"] is None


# name / input / expected (score, grade) per firm: benchmarks are the means (tax 2.25, value
# added 12.5 per mu); score = 30 × tax/2.25 + 20 × va/12.5; grades by rank quarter.
CASES = [
    (
        "four firms",
        FOUR,
        {1: (98.667, "A"), 2: (42.667, "B"), 3: (29.333, "C"), 4: (29.333, "D")},
    ),
    (
        # firm 4 on a quarter of the land: tax 4, va 40 per mu; means 3 and 20
        "firm 4 on 10 mu",
        [*FOUR[:3], firm(4, 10, 40, 400)],
        {1: (70.0, "B"), 2: (30.0, "C"), 3: (20.0, "D"), 4: (80.0, "A")},
    ),
    (
        # firm 3 pays 60: tax 6 per mu; tax mean 3.5
        "firm 3 pays more tax",
        [*FOUR[:2], firm(3, 10, 60, 100), FOUR[3]],
        {1: (74.857, "A"), 2: (33.143, "C"), 3: (67.429, "B"), 4: (24.571, "D")},
    ),
]


@pytest.mark.parametrize(("name", "firms", "expected"), CASES, ids=[c[0] for c in CASES])
def test_scores_and_grades(name, firms, expected):
    got = by_firm(permu.evaluate(firms, TWO, QUARTERS))
    ranked = sorted(expected, key=lambda f: (-expected[f][0], f))
    for rank, f in enumerate(ranked, start=1):
        assert got[f].score == pytest.approx(expected[f][0], abs=1e-3), (name, f)
        assert got[f].rank == rank
    assert {f: got[f].grade for f in expected} == {f: g for f, (_s, g) in expected.items()}


def test_more_tax_moves_a_firm_up():
    """Firm 3 paying 60 instead of 10 goes from C to B (30 × 6/3.5 + 16 = 67.43, second)."""
    before = by_firm(permu.evaluate(FOUR, TWO, QUARTERS))
    after = by_firm(permu.evaluate([*FOUR[:2], firm(3, 10, 60, 100), FOUR[3]], TWO, QUARTERS))
    assert (before[3].grade, after[3].grade) == ("C", "B")
    assert after[3].score == pytest.approx(30 * 6 / 3.5 + 20 * 10 / 12.5, abs=1e-9)
    assert after[1].score == pytest.approx(30 * 5 / 3.5 + 20 * 20 / 12.5, abs=1e-9)


def test_firms_without_land_figures_or_in_the_wrong_state_are_not_graded():
    firms = [
        *FOUR,
        FirmYear(firm=5, land_mu=None, months=12, tax_wan=99),
        FirmYear(firm=6, land_mu=0, months=12, tax_wan=99),
        FirmYear(firm=7, land_mu=10, months=0),
        FirmYear(firm=8, land_mu=10, months=12, tax_wan=5, excluded=NotGraded.CLOSED),
    ]
    got = by_firm(permu.evaluate(firms, TWO, QUARTERS))
    assert [got[f].not_graded for f in (5, 6, 7, 8)] == [
        NotGraded.NO_LAND,
        NotGraded.NO_LAND,
        NotGraded.NO_FIGURES,
        NotGraded.CLOSED,
    ]
    assert all(got[f].grade is None and got[f].score is None for f in (5, 6, 7, 8))
    # the graded four are graded as if the others were not there
    assert got[1].score == pytest.approx(98.667, abs=1e-3)
    assert permu.distribution(got.values()) == {
        "A": 1,
        "B": 1,
        "C": 1,
        "D": 1,
        "not_producing": 0,
        "none": 4,
    }


def test_a_firm_halted_all_year_is_not_graded_and_counted_apart():
    """Firm 9 reported twelve months of no output (halted all year): it is not evaluated (未参评,
    as the Zhejiang-style schemes leave out firms not in production), it does not lower the
    benchmarks (the four are scored as without it: firm 1 still 98.667), and the distribution
    counts it apart from the other firms not graded. Before, it ranked last and was graded D."""
    halted = FirmYear(firm=9, land_mu=10, months=12, tax_wan=0, output_wan=0, value_added_wan=0)
    got = by_firm(permu.evaluate([*FOUR, halted], TWO, QUARTERS))
    assert (got[9].grade, got[9].not_graded, got[9].rank) == (
        None,
        NotGraded.NOT_PRODUCING,
        None,
    )
    assert got[1].score == pytest.approx(98.667, abs=1e-3)
    assert [got[f].grade for f in (1, 2, 3, 4)] == ["A", "B", "C", "D"]
    assert permu.distribution(got.values()) == {
        "A": 1,
        "B": 1,
        "C": 1,
        "D": 1,
        "not_producing": 1,
        "none": 0,
    }
    # a firm with any output in the year is graded
    some = FirmYear(firm=9, land_mu=10, months=12, tax_wan=0, output_wan=1, value_added_wan=0)
    assert by_firm(permu.evaluate([*FOUR, some], TWO, QUARTERS))[9].grade == "D"


def test_output_stands_in_for_value_added_at_the_populations_rate():
    """Firm 2 reports no value added: its output 1,000 × the rate of the others (300/1,200 =
    0.25) gives 250, and the result says it was estimated."""
    firms = [
        FirmYear(firm=1, land_mu=10, months=12, output_wan=1200, value_added_wan=300),
        FirmYear(firm=2, land_mu=10, months=12, output_wan=1000),
    ]
    got = by_firm(permu.evaluate(firms, {"value_added_per_mu": 20}, QUARTERS))
    assert got[2].indicators["value_added_per_mu"] == pytest.approx(25.0)
    assert (got[1].output_as_value_added, got[2].output_as_value_added) == (False, True)
    alone = by_firm(permu.evaluate(firms[1:], {"value_added_per_mu": 20}, QUARTERS))
    assert alone[2].indicators["value_added_per_mu"] == pytest.approx(100.0)  # output itself


def test_a_missing_indicator_scores_zero_and_one_nobody_has_is_left_out():
    firms = [
        FirmYear(firm=1, land_mu=10, months=12, tax_wan=20, rd_wan=None, revenue_wan=100),
        FirmYear(firm=2, land_mu=10, months=12, tax_wan=20, rd_wan=4, revenue_wan=100),
    ]
    weights = {"tax_per_mu": 30, "rd_share": 10, "value_added_per_tce": 20}
    got = by_firm(permu.evaluate(firms, weights, QUARTERS))
    assert got[1].points == {"tax_per_mu": 30.0, "rd_share": 0.0}
    assert got[2].points == {"tax_per_mu": 30.0, "rd_share": 10.0}  # 0.04 / mean 0.04 × 10


def test_grade_cut_offs_by_rank_share():
    cut = {"A": 0.25, "B": 0.70, "C": 0.95}
    grades = [permu.grade_of(r, 45, cut) for r in range(1, 46)]
    assert [grades.count(g) for g in "ABCD"] == [11, 20, 11, 3]


@pytest.mark.parametrize(
    ("weights", "cutoffs", "fragment"),
    [
        ({}, QUARTERS, "at least one"),
        ({"per_head": 5}, QUARTERS, "unknown indicator"),
        ({"tax_per_mu": -1}, QUARTERS, "≥ 0"),
        (TWO, {"A": 0.5, "B": 0.25, "C": 0.75}, "A ≤ B"),
        (TWO, {"A": 0.5}, "A, B and C"),
    ],
)
def test_bad_schemes_are_refused_with_the_reason(weights, cutoffs, fragment):
    assert fragment in permu.scheme_problem(weights, cutoffs)
    assert permu.scheme_problem(TWO, QUARTERS) is None


def test_firms_that_moved_class():
    last = permu.evaluate(FOUR, TWO, QUARTERS)
    this = permu.evaluate([*FOUR[:3], firm(4, 10, 40, 400)], TWO, QUARTERS)
    assert permu.moved(this, last) == [(1, "A", "B"), (2, "B", "C"), (3, "C", "D"), (4, "D", "A")]


def test_the_paragraph_counts_grades_reasons_and_moves():
    from django.utils import translation

    from zonedesk.reports.sections import permu as section

    firms = [
        *FOUR,
        FirmYear(firm=5, land_mu=None, months=12),
        FirmYear(firm=6, land_mu=9, months=0),
    ]
    evaluations = permu.evaluate(firms, TWO, QUARTERS)
    with translation.override("en"):
        text = " ".join(section.sentences(2019, evaluations, {1: "B", 2: "B", 3: "A"}))
    assert "4 firms were graded" in text and "1 in class A, 1 in B, 1 in C and 1 in D" in text
    assert "2 firms were not graded: 1 without land recorded, 1 without figures" in text
    # firm 1 B → A (up), firm 2 B → B, firm 3 A → C (down)
    assert "Against 2018, 1 firms moved up a class and 1 moved down." in text

"""Inter-firm lending's rules (finance/lending.py): the LPR table, the legal rate ceiling at the
contract date, and the guarantee graph. Expected values are worked out by hand next to them."""

import datetime as dt
import random
from decimal import Decimal as D
from itertools import pairwise

import chinese_calendar
import pytest

from zonedesk.finance import lending
from zonedesk.finance.lending import (
    Guarantee,
    GuaranteeGraph,
    Lpr,
    LprTable,
    default_reach,
    edge_problems,
    guarantee_circles,
    lpr_table,
    rate_above_ceiling,
    rate_ceiling,
    rate_void_part,
    read_lpr,
)

# --- the LPR table ----------------------------------------------------------------------------

# Every change of the one-year and five-year LPR since the reform, from the announcements
# (National Interbank Funding Center, 贷款市场报价利率公告): the table must hold these and no other.
CHANGES = [
    (dt.date(2019, 8, 20), D("4.25"), D("4.85")),
    (dt.date(2019, 9, 20), D("4.20"), D("4.85")),
    (dt.date(2019, 11, 20), D("4.15"), D("4.80")),
    (dt.date(2020, 2, 20), D("4.05"), D("4.75")),
    (dt.date(2020, 4, 20), D("3.85"), D("4.65")),
    (dt.date(2021, 12, 20), D("3.80"), D("4.65")),
    (dt.date(2022, 1, 20), D("3.70"), D("4.60")),
    (dt.date(2022, 5, 20), D("3.70"), D("4.45")),
    (dt.date(2022, 8, 22), D("3.65"), D("4.30")),
    (dt.date(2023, 6, 20), D("3.55"), D("4.20")),
    (dt.date(2023, 8, 21), D("3.45"), D("4.20")),
    (dt.date(2024, 2, 20), D("3.45"), D("3.95")),
    (dt.date(2024, 7, 22), D("3.35"), D("3.85")),
    (dt.date(2024, 10, 21), D("3.10"), D("3.60")),
    (dt.date(2025, 5, 20), D("3.00"), D("3.50")),
]


def test_table_holds_the_published_changes():
    """The shipped table changes exactly on the announcements that changed a rate."""
    rows = lpr_table().rows
    changes = [
        (r.date, r.one_year_pct, r.five_year_pct)
        for prev, r in zip((None, *rows), rows, strict=False)
        if prev is None
        or (prev.one_year_pct, prev.five_year_pct) != (r.one_year_pct, r.five_year_pct)
    ]
    assert changes == CHANGES


def test_table_has_one_announcement_a_month_on_the_20th_or_next_working_day():
    """One row a month from August 2019, each on the 20th or, when it is not a working day, the
    next working day (checked against the State Council's calendar)."""
    rows = lpr_table().rows
    assert rows[0].date == lending.LPR_START
    months = [(r.date.year, r.date.month) for r in rows]
    expected, (y, m) = [], months[0]
    for _ in rows:
        expected.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert months == expected
    for r in rows:
        day = dt.date(r.date.year, r.date.month, 20)
        while not chinese_calendar.is_workday(day):
            day += dt.timedelta(days=1)
        assert r.date == day
        assert r.five_year_pct > r.one_year_pct


@pytest.mark.parametrize(
    ("day", "announced", "one_year"),
    [
        (dt.date(2019, 8, 19), None, None),  # before the reform
        (dt.date(2019, 8, 20), dt.date(2019, 8, 20), D("4.25")),
        (dt.date(2019, 9, 19), dt.date(2019, 8, 20), D("4.25")),  # between announcements
        (dt.date(2019, 9, 20), dt.date(2019, 9, 20), D("4.20")),  # on the day it is announced
        (dt.date(2019, 10, 20), dt.date(2019, 9, 20), D("4.20")),  # a Sunday: the 21st's not yet
        (dt.date(2020, 5, 1), dt.date(2020, 4, 20), D("3.85")),
        (dt.date(2021, 12, 19), dt.date(2021, 11, 22), D("3.85")),
        (dt.date(2021, 12, 20), dt.date(2021, 12, 20), D("3.80")),
    ],
)
def test_lpr_in_force(day, announced, one_year):
    """The rate in force on a day is the latest announced on or before it."""
    found = lpr_table().in_force(day)
    assert (found and found.date, found and found.one_year_pct) == (announced, one_year)


def test_read_refuses_a_bad_row(tmp_path):
    path = tmp_path / "lpr.csv"
    path.write_text("date,one_year_pct,five_year_pct\n2020-01-20,4.15,4.80\n2020-02-20,x,4.75\n")
    with pytest.raises(ValueError, match=r"lpr.csv, line 3"):
        read_lpr(path)
    path.write_text("date,one_year_pct,five_year_pct\n2020-01-20,415,4.80\n")
    with pytest.raises(ValueError, match="between 0 and 100"):
        read_lpr(path)
    path.write_text("date,one_year_pct,five_year_pct\n2020-02-20,4.05,4.75\n2020-01-20,4.15,4.8\n")
    with pytest.raises(ValueError, match="strictly increasing"):
        read_lpr(path)
    path.write_text("date,one_year_pct,five_year_pct\n")
    with pytest.raises(ValueError, match="empty"):
        read_lpr(path)


# --- the rate ceiling -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract", "regime", "ceiling", "void_above"),
    [
        # the amended provisions' first day: 4 × 3.85 (announced that morning, unchanged)
        (dt.date(2020, 8, 20), lending.LPR_4X, D("15.40"), None),
        (dt.date(2021, 12, 19), lending.LPR_4X, D("15.40"), None),
        (dt.date(2021, 12, 20), lending.LPR_4X, D("15.20"), None),  # 4 × 3.80
        (dt.date(2023, 1, 1), lending.LPR_4X, D("14.60"), None),  # 4 × 3.65
        (dt.date(2024, 10, 21), lending.LPR_4X, D("12.40"), None),  # 4 × 3.10
        (dt.date(2025, 6, 1), lending.LPR_4X, D("12.00"), None),  # 4 × 3.00
        # before 2020-08-20, the 2015 provisions: 24% upheld, above 36% void
        (dt.date(2020, 8, 19), lending.FIXED_2015, D(24), D(36)),
        (dt.date(2020, 1, 1), lending.FIXED_2015, D(24), D(36)),  # an LPR existed: still 24%
        (dt.date(2019, 1, 1), lending.FIXED_2015, D(24), D(36)),  # before the LPR reform
        (dt.date(2015, 9, 1), lending.FIXED_2015, D(24), D(36)),
        # before the 2015 provisions: unknown, not guessed
        (dt.date(2015, 8, 31), lending.BEFORE_2015, None, None),
    ],
)
def test_ceiling_at_the_contract_date(contract, regime, ceiling, void_above):
    found = rate_ceiling(contract)
    assert (found.regime, found.ceiling_pct, found.void_above_pct) == (regime, ceiling, void_above)
    assert found.source


def test_ceiling_names_the_lpr_used():
    found = rate_ceiling(dt.date(2022, 9, 1))
    assert found.lpr == Lpr(dt.date(2022, 8, 22), D("3.65"), D("4.30"))
    assert found.certain
    assert rate_ceiling(dt.date(2020, 1, 1)).lpr is None


@pytest.mark.parametrize(
    ("rate", "contract", "above"),
    [
        (D("15.40"), dt.date(2021, 6, 1), False),  # equal to 4 × 3.85 is allowed
        (D("15.41"), dt.date(2021, 6, 1), True),
        (D("15.30"), dt.date(2021, 12, 20), True),  # 4 × 3.80 = 15.20 from that day
        (D("15.30"), dt.date(2021, 12, 19), False),
        (D(24), dt.date(2020, 1, 1), False),
        (D("24.01"), dt.date(2020, 1, 1), True),
        (D(20), dt.date(2020, 8, 19), False),  # under the 2015 rule 20% is upheld
        (D(20), dt.date(2020, 8, 20), True),  # the next day it is above 15.40
        (D(10), dt.date(2014, 1, 1), None),  # before 2015-09-01: cannot say
        (12, dt.date(2025, 6, 1), False),  # an int rate is read as a Decimal
    ],
)
def test_rate_above_ceiling(rate, contract, above):
    assert rate_above_ceiling(rate, contract) is above


@pytest.mark.parametrize(
    ("rate", "contract", "void"),
    [
        (D(40), dt.date(2019, 1, 1), D(4)),  # 40 − 36
        (D(30), dt.date(2019, 1, 1), D(0)),  # above 24, not void: natural obligation
        (D(40), dt.date(2021, 1, 1), None),  # the LPR rule does not split the rate
    ],
)
def test_void_part_under_the_2015_rule(rate, contract, void):
    assert rate_void_part(rate, contract) == void


def test_date_past_the_table_is_uncertain():
    """A contract well after the last announcement gets the last rate, marked uncertain."""
    table = lpr_table()
    late = table.last.date + dt.timedelta(days=lending.STALE_AFTER_DAYS + 1)
    found = rate_ceiling(late)
    assert found.ceiling_pct == 4 * table.last.one_year_pct
    assert not found.certain
    assert rate_ceiling(table.last.date + dt.timedelta(days=lending.STALE_AFTER_DAYS)).certain


def test_a_given_table_is_used():
    table = LprTable((Lpr(dt.date(2021, 1, 20), D("5"), D("6")),))
    assert rate_ceiling(dt.date(2021, 2, 1), table).ceiling_pct == D(20)
    assert rate_above_ceiling(D(19), dt.date(2021, 2, 1), table) is False
    # a table that starts after the contract: no ceiling rather than a wrong one
    early = rate_ceiling(dt.date(2020, 9, 1), table)
    assert early.ceiling_pct is None and not early.certain
    assert rate_above_ceiling(D(30), dt.date(2020, 9, 1), table) is None


# --- the guarantee graph ----------------------------------------------------------------------


def g(guarantor, borrower, amount=100) -> Guarantee:
    return Guarantee(guarantor, borrower, D(amount))


def test_two_firms_guaranteeing_each_other():
    """互保: A guarantees B and B guarantees A."""
    circles = guarantee_circles([g("A", "B", 100), g("B", "A", 50)])
    assert len(circles) == 1
    assert circles[0].firms == ("A", "B")
    assert circles[0].cycle == ("A", "B", "A")
    assert circles[0].amount_wan == D(150)


def test_a_circle_of_three():
    """A → B → C → A (each guarantees the next), with a firm hanging off it."""
    edges = [g("A", "B"), g("B", "C"), g("C", "A"), g("D", "A"), g("C", "E")]
    circles = guarantee_circles(edges)
    assert [c.firms for c in circles] == [("A", "B", "C")]
    assert circles[0].cycle == ("A", "B", "C", "A")
    assert circles[0].amount_wan == D(300)  # D → A and C → E are outside it


def test_a_chain_has_no_circle():
    """A → B → C → D: guarantees in a line are no circle."""
    assert guarantee_circles([g("A", "B"), g("B", "C"), g("C", "D")]) == []


def test_two_circles_largest_first():
    edges = [g(1, 2), g(2, 1), g(10, 11), g(11, 12), g(12, 10), g(2, 10)]
    circles = guarantee_circles(edges)
    assert [c.firms for c in circles] == [(10, 11, 12), (1, 2)]
    assert GuaranteeGraph(edges).in_circle() == {10: 0, 11: 0, 12: 0, 1: 1, 2: 1}


def test_the_cycle_shown_is_the_shortest_through_the_first_firm():
    """In a component with a long and a short way back, the short one is shown."""
    edges = [g(1, 2), g(2, 3), g(3, 4), g(4, 1), g(2, 1)]
    circles = guarantee_circles(edges)
    assert circles[0].firms == (1, 2, 3, 4)
    assert circles[0].cycle == (1, 2, 1)


def test_parallel_guarantees_are_summed():
    graph = GuaranteeGraph([g("A", "B", 30), g("A", "B", 70), g("B", "A", 10)])
    assert graph.guarantees["A"] == {"B": D(100)}
    assert graph.circles()[0].amount_wan == D(110)


def test_self_guarantee_is_refused_at_entry_and_left_out():
    """A firm guaranteeing itself is no guarantee: refused when registered, and no circle of one
    when such a row is in the graph."""
    assert edge_problems(g("A", "A")) == ["self_guarantee"]
    assert edge_problems(Guarantee("A", "B", D(-1))) == ["amount_negative"]
    assert edge_problems(g("A", "B")) == []
    graph = GuaranteeGraph([g("A", "A"), g("A", "B")])
    assert graph.circles() == []
    assert graph.self_guarantees == [g("A", "A")]
    assert graph.default_reach("A").firms == []


def test_default_reaches_the_guarantors_up_the_chain():
    """G1 guarantees B, G2 guarantees G1: B's default makes G1 liable, and G1's failure G2."""
    edges = [g("G1", "B", 300), g("G2", "G1", 200), g("B", "X", 50)]
    reach = default_reach(edges, "B")
    assert reach.firms == ["G1", "G2"]
    assert reach.distance == {"G1": 1, "G2": 2}
    assert reach.amount_wan == D(500)  # 300 for B + 200 for G1; B's own guarantee of X is not
    # the direction matters: the borrower X is not reached by B's default, nor anyone by G2's
    assert default_reach(edges, "G2").firms == []
    assert default_reach(edges, "X").firms == ["B", "G1", "G2"]


def test_default_in_a_circle_reaches_the_circle_but_not_itself():
    edges = [g("A", "B", 10), g("B", "C", 20), g("C", "A", 30), g("D", "C", 5)]
    reach = default_reach(edges, "A")
    # A's guarantor is C (1); C's are B (2) and D (2); B's is A itself, already the defaulter
    assert reach.distance == {"C": 1, "B": 2, "D": 2}
    assert reach.firms == ["C", "B", "D"]
    assert reach.amount_wan == D(30 + 20 + 5)  # A's guarantee of B is not called from A


def test_unknown_firm_reaches_nobody():
    assert default_reach([g("A", "B")], "Z").firms == []


def test_long_chain_and_long_circle_without_recursion():
    """A chain of 5,000 firms closed into a circle: found without a recursion limit."""
    n = 5000
    edges = [g(i, i + 1) for i in range(n)]
    assert guarantee_circles(edges) == []
    assert len(default_reach(edges, n).firms) == n
    circles = guarantee_circles([*edges, g(n, 0)])
    assert len(circles) == 1
    assert len(circles[0].firms) == n + 1
    assert len(circles[0].cycle) == n + 2


def test_circles_match_a_brute_force_on_random_graphs():
    """Two firms are in the same circle exactly when each reaches the other (checked by BFS)."""
    rng = random.Random(19)
    for _ in range(200):
        nodes = range(rng.randint(1, 9))
        edges = [g(a, b) for a in nodes for b in nodes if a != b and rng.random() < 0.2]
        graph = GuaranteeGraph(edges)

        def reach(a, graph=graph):
            seen, todo = {a}, [a]
            while todo:
                for b in graph.guarantees.get(todo.pop(), {}):
                    if b not in seen:
                        seen.add(b)
                        todo.append(b)
            return seen

        reached = {a: reach(a) for a in graph.firms}
        together = {
            frozenset(b for b in graph.firms if b in reached[a] and a in reached[b])
            for a in graph.firms
        }
        expected = sorted(sorted(s) for s in together if len(s) > 1)
        assert sorted(sorted(c.firms) for c in graph.circles()) == expected
        for c in graph.circles():
            pairs = list(pairwise(c.cycle))
            assert c.cycle[0] == c.cycle[-1]
            assert all(b in graph.guarantees[a] for a, b in pairs)

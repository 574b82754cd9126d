"""The pure chain-health computation: hand-worked figures, flags and sub-tree aggregation."""

from decimal import Decimal as D

import pytest

from zonedesk.chain import health
from zonedesk.chain.health import FirmFigures as F
from zonedesk.chain.health import NodeSpec as N

T = health.Thresholds(weak_below_firms=3, dominant_share=D("0.6"))

FIGURES = {
    1: F(1, D("600"), D("500"), 120),  # +20 %
    2: F(2, D("300"), D("300"), 80),  # flat
    3: F(3, D("100"), D("125"), 40),  # −20 %
    4: F(4, D("200"), None, 30, new=True),  # new: apart from the comparable basis
    5: F(5, None, D("90"), None),  # reported last year only
    6: F(6, D("50"), None, 5),  # no base, not new (resumed): out of the comparable basis
}


def test_node_figures_hand_worked():
    """Σ output and employees of the reporting firms; YoY over the comparable firms only."""
    h = health.measure(1, frozenset({1, 2, 3, 4, 5}), FIGURES, thresholds=T)
    assert h.firms == 5
    assert h.reporting == 4
    assert h.output_wan == D("1200")
    assert h.employees == 270
    # comparable: firms 1, 2, 3 — (1000 − 925) / 925
    assert h.comparable_firms == 3
    assert h.comparable_output_wan == D("1000")
    assert h.comparable_last_year_wan == D("925")
    assert h.yoy == (D("1000") - D("925")) / D("925")
    assert h.new_firms == 1
    assert h.new_output_wan == D("200")
    assert h.largest_firm_id == 1
    assert h.largest_share == D("0.5")
    # HHI: 0.5² + 0.25² + (1/12)² + (1/6)² = (600² + 300² + 100² + 200²) / 1200²
    assert h.hhi == D(600**2 + 300**2 + 100**2 + 200**2) / D(1200**2)
    assert h.flags == ()
    assert h.strength == health.HEALTHY


CASES = [
    # name, firms, in_target, expected strength, flags
    ("no firm in the target map: gap", set(), True, health.GAP, ("gap",)),
    ("no firm outside the target map: not flagged", set(), False, health.OUTSIDE, ()),
    ("two firms, one dominant: weak and single", {1, 3}, True, health.WEAK, ("weak", "single")),
    ("three firms, largest 600/1000: single point", {1, 2, 3}, True, health.SINGLE, ("single",)),
    ("three firms, largest 300/... below 0.6", {2, 3, 4}, True, health.HEALTHY, ()),
    ("one firm outside the target: never flagged", {1}, False, health.HEALTHY, ()),
    ("one firm with no report: weak, no share", {5}, True, health.WEAK, ("weak",)),
]


@pytest.mark.parametrize(("name", "firms", "in_target", "strength", "flags"), CASES)
def test_flags(name, firms, in_target, strength, flags):
    h = health.measure(9, frozenset(firms), FIGURES, in_target=in_target, thresholds=T)
    assert h.strength == strength, name
    assert h.flags == flags, name


def test_share_at_the_threshold_is_single_point():
    """A firm making exactly `dominant_share` of the output is a single point of failure."""
    figures = {1: F(1, D("60")), 2: F(2, D("20")), 3: F(3, D("20"))}
    h = health.measure(1, frozenset({1, 2, 3}), figures, thresholds=T)
    assert h.largest_share == D("0.6")
    assert h.single_point


def test_no_output_no_concentration():
    """Without output the share and HHI are unknown, not a division by zero."""
    h = health.measure(1, frozenset({1, 2, 3}), {1: F(1, D(0)), 2: F(2, D(0))}, thresholds=T)
    assert h.largest_share is None and h.hhi is None and not h.single_point
    assert h.yoy is None


def test_parent_aggregates_its_subtree_counting_a_firm_once():
    """A parent's firms are its own and its descendants', each once; the whole chain (node 0)
    too; a gap under a parent that has firms does not make the parent a gap."""
    nodes = [
        N(10, None, True, ()),  # upstream, no firm of its own
        N(11, 10, True, (1, 2)),
        N(12, 10, True, (2, 3)),  # firm 2 on two nodes of one sub-tree
        N(13, 10, True, ()),  # gap
        N(20, None, True, (4,)),
        N(21, 20, False, ()),  # outside the target map
    ]
    h = health.chain_health(nodes, FIGURES, T)
    assert h.roots == (10, 20)
    up = h.nodes[10]
    assert up.firm_ids == frozenset({1, 2, 3})
    assert up.own_firms == 0
    assert up.output_wan == D("1000")
    assert up.strength == health.SINGLE  # 600 / 1000
    assert h.nodes[13].gap and h.nodes[13].strength == health.GAP
    assert h.nodes[11].strength == health.WEAK
    assert h.nodes[21].strength == health.OUTSIDE
    assert h.nodes[20].firm_ids == frozenset({4}) and h.nodes[20].weak
    assert h.whole.firm_ids == frozenset({1, 2, 3, 4})
    assert h.whole.output_wan == D("1200")
    assert not h.whole.flags
    assert [g.node_id for g in h.gaps] == [13]
    assert h.count(health.GAP) == 1


def test_a_loop_of_parents_ends():
    """Parents that loop (refused by the services) still give every node a result."""
    h = health.chain_health([N(1, 2, True, (1,)), N(2, 1, True, (2,))], FIGURES, T)
    assert {1, 2} <= set(h.nodes)


def test_deep_chain():
    """A chain deeper than Python's recursion limit."""
    nodes = [N(1, None, True, ())] + [N(i, i - 1, True, ()) for i in range(2, 3000)]
    nodes[-1] = N(2999, 2998, True, (1,))
    h = health.chain_health(nodes, FIGURES, T)
    assert h.nodes[1].firm_ids == frozenset({1})


def test_combined_parents_equal_walked_ones():
    """A parent combined from disjoint children gives what walking its firms gives."""
    nodes = [
        N(1, None, True, (6,)),
        N(2, 1, True, (1, 2)),
        N(3, 1, True, (3, 4)),
        N(4, 3, True, (5,)),
    ]
    h = health.chain_health(nodes, FIGURES, T)
    for node_id in (1, 3, 0):
        walked = health.measure(
            node_id,
            h.nodes[node_id].firm_ids,
            FIGURES,
            in_target=h.nodes[node_id].in_target,
            own_firms=h.nodes[node_id].own_firms,
            thresholds=T,
        )
        assert h.nodes[node_id] == walked, node_id


def _world(seed: int, firms: int = 120, sizes=(0, 0, 1, 2, 5, 12)) -> tuple[list, dict]:
    """A random forest of nodes, firms on one node or several (in one sub-tree or apart), firms
    without figures, without output, new, without a base, and ties for the largest."""
    import random

    rng = random.Random(seed)
    nodes = []
    for i in range(1, 60):
        parent = rng.choice([None, *range(1, i)]) if i > 1 and rng.random() > 0.1 else None
        placed = tuple(rng.sample(range(1, firms), rng.choice(sizes)))
        nodes.append(N(i, parent, rng.random() > 0.2, placed))
    figures = {}
    for f in range(1, firms):
        if rng.random() < 0.15:
            continue  # no figures at all
        output = rng.choice([None, D(0), D("0.00"), D(rng.randint(1, 5)), D("12.3456")])
        base = rng.choice([None, D(0), D(rng.randint(1, 9)), D("7.50")])
        if seed % 2:  # as read from the database: two decimal places
            cents = D("0.01")
            output = output if output is None else output.quantize(cents)
            base = base if base is None else base.quantize(cents)
        employees = rng.choice([None, rng.randint(0, 50)])
        figures[f] = F(f, output, base, employees, new=rng.random() < 0.2)
    return nodes, figures


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("seed", range(40))
def test_fast_path_equals_walking(seed, sparse):
    """Every node's figures (and the whole chain's) are what walking every sub-tree gives, to
    the Decimal's very digits (firm ids dense, looked up by list index, or sparse, by key)."""
    nodes, figures = _world(seed)
    if sparse:
        far = 10**7
        nodes = [
            N(n.node_id, n.parent_id, n.in_target, tuple(f * far for f in n.firm_ids))
            for n in nodes
        ]
        figures = {
            f * far: F(f * far, x.output_wan, x.output_last_year_wan, x.employees, x.new)
            for f, x in figures.items()
        }
        assert not health.FigureTable(figures).cover(far, 119 * far)
    # Amounts with one number of decimal places are summed packed into integers; others not.
    assert health.FigureTable(figures).packed == bool(seed % 2)
    for thresholds in (T, health.Thresholds(weak_below_firms=5, dominant_share=D("0.3"))):
        fast = health.chain_health(nodes, health.FigureTable(figures), thresholds)
        walked = health.chain_health_walked(nodes, figures, thresholds)
        assert fast.roots == walked.roots
        assert fast.children == walked.children
        assert set(fast.nodes) == set(walked.nodes)
        for node_id, h in walked.nodes.items():
            assert fast.nodes[node_id] == h, node_id
            assert fast.nodes[node_id].firm_ids == h.firm_ids, node_id
            for name in ("output_wan", "comparable_output_wan", "hhi", "largest_share", "yoy"):
                assert str(getattr(fast.nodes[node_id], name)) == str(getattr(h, name)), name


@pytest.mark.parametrize("seed", range(1, 20, 2))
def test_large_nodes_summed_by_numpy_equal_walking(seed):
    """Nodes of hundreds of firms (dense ids, amounts of one exponent): their own firms are
    summed lane by lane in numpy arrays; the figures are still those of walking every sub-tree,
    to the digit."""
    nodes, figures = _world(seed, firms=3000, sizes=(0, 1, 12, 70, 300, 900))
    table = health.FigureTable(figures)
    assert table.packed
    fast = health.chain_health(nodes, table, T)
    assert table._packed.arrays is not None  # the numpy path was taken
    walked = health.chain_health_walked(nodes, figures, T)
    assert set(fast.nodes) == set(walked.nodes)
    for node_id, h in walked.nodes.items():
        assert fast.nodes[node_id] == h, node_id
        assert fast.nodes[node_id].firm_ids == h.firm_ids, node_id
        for name in ("output_wan", "comparable_output_wan", "hhi", "largest_share", "yoy"):
            assert str(getattr(fast.nodes[node_id], name)) == str(getattr(h, name)), name


@pytest.mark.parametrize("seed", range(1, 30, 2))
def test_subtree_counts_from_arrays_equal_walking(seed):
    """Dense ids and amounts of one exponent: every node's firms counted and summed over the
    placements as numpy arrays (`health.arrays`), no set of firm ids made until a node's
    `firm_ids` is asked. Node ids out of tree order, firms on several nodes at every depth and
    a firm listed twice on one node: the figures and firm sets walking every sub-tree gives."""
    import random

    rng = random.Random(seed)
    nodes, figures = _world(seed, firms=400, sizes=(0, 1, 2, 12, 70))
    renumber = dict(zip(range(1, 60), rng.sample(range(100, 400), 59), strict=True))
    nodes = [
        N(
            renumber[n.node_id],
            None if n.parent_id is None else renumber[n.parent_id],
            n.in_target,
            n.firm_ids + n.firm_ids[:1] if rng.random() < 0.2 else n.firm_ids,
        )
        for n in nodes
    ]
    table = health.FigureTable(figures)
    fast = health.chain_health(nodes, table, T)
    assert table.arrays is not None
    assert not any(isinstance(h.ids, frozenset) for h in fast.nodes.values())  # not made yet
    walked = health.chain_health_walked(nodes, figures, T)
    assert set(fast.nodes) == set(walked.nodes)
    for node_id, h in walked.nodes.items():
        assert fast.nodes[node_id] == h, node_id
        assert (fast.nodes[node_id].firms, fast.nodes[node_id].own_firms) == (
            len(h.firm_ids),
            h.own_firms,
        )
        assert fast.nodes[node_id].firm_ids == h.firm_ids, node_id
        for name in ("output_wan", "comparable_output_wan", "hhi", "largest_share", "yoy"):
            assert str(getattr(fast.nodes[node_id], name)) == str(getattr(h, name)), name


@pytest.mark.parametrize("seed", [1, 3])
def test_a_table_of_integers_equals_one_of_decimals(seed):
    """`FigureTable.of_scaled` (the selectors' rows as integers) sums what a table of the same
    firms' `FirmFigures` sums, and gives those `FirmFigures` back."""
    nodes, figures = _world(seed, firms=600, sizes=(0, 1, 12, 70, 300))
    cents = D("0.01")
    scaled = [
        (
            f.firm_id,
            None if f.output_wan is None else int(f.output_wan / cents),
            None if f.output_last_year_wan is None else int(f.output_last_year_wan / cents),
            f.employees,
            f.new,
        )
        for f in figures.values()
    ]
    table = health.FigureTable.of_scaled(-2, scaled)
    assert table.packed
    assert table.figures == figures
    assert {k: str(v.output_wan) for k, v in table.figures.items()} == {
        k: str(v.output_wan) for k, v in figures.items()
    }
    fast = health.chain_health(nodes, table, T)
    walked = health.chain_health_walked(nodes, figures, T)
    for node_id, h in walked.nodes.items():
        assert fast.nodes[node_id] == h, node_id
        assert str(fast.nodes[node_id].output_wan) == str(h.output_wan)
        assert str(fast.nodes[node_id].hhi) == str(h.hhi)
    # A negative amount cannot be packed: summed as Decimals, the same figures.
    firm_id, _output, base, employees, new = scaled[0]
    odd = health.FigureTable.of_scaled(-2, [(firm_id, -5, base, employees, new), *scaled[1:]])
    assert not odd.packed
    assert odd.figures[firm_id].output_wan == D("-0.05")
    fast = health.chain_health(nodes, odd, T)
    walked = health.chain_health_walked(nodes, odd.figures, T)
    for node_id, h in walked.nodes.items():
        assert fast.nodes[node_id] == h, node_id

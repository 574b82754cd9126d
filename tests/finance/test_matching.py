"""Needs against products: the vectorised decision and the per-need explanation agree, and each
condition says why with the firm's value."""

import random

import numpy as np
import pytest

from zonedesk.finance import matching
from zonedesk.policies import rules
from zonedesk.policies.rules import Type

TYPES = {
    "amount_wan": Type.NUMBER,
    "term_months": Type.NUMBER,
    "collateral": Type.TEXT,
    "purpose": Type.TEXT,
    "years_in_operation": Type.NUMBER,
    "employees": Type.NUMBER,
    "revenue_last_year_wan": Type.NUMBER,
    "size_class": Type.TEXT,
}


def product(key=1, *, amount=(10, 500), term=(1, 36), collateral=(), rule="true"):
    return matching.Product(
        key=key,
        amount_min=amount[0],
        amount_max=amount[1],
        term_min=term[0],
        term_max=term[1],
        collateral=frozenset(collateral),
        rule=rules.parse(rule),
        source=rule,
    )


NEED = {
    "amount_wan": 100.0,
    "term_months": 12.0,
    "collateral": "property",
    "purpose": "working_capital",
    "years_in_operation": 3.5,
    "employees": 40.0,
    "revenue_last_year_wan": None,
    "size_class": "small",
}

CASES = [
    # name, product, expected outcome, the failed kinds
    ("every condition holds", product(rule="employees >= 20"), "match", []),
    ("amount above the range", product(amount=(10, 50)), "no", ["amount"]),
    ("term too short for the product", product(term=(24, 60)), "no", ["term"]),
    ("collateral not taken", product(collateral=("receivables",)), "no", ["collateral"]),
    ("collateral taken", product(collateral=("property", "equipment")), "match", []),
    ("rule false", product(rule="years_in_operation >= 5"), "no", ["rule"]),
    ("figure missing", product(rule="revenue_last_year_wan >= 1000"), "unsure", []),
    (
        "missing figure but another condition false",
        product(rule="revenue_last_year_wan >= 1000 and employees >= 100"),
        "no",
        ["rule"],
    ),
]


@pytest.mark.parametrize(("name", "p", "outcome", "failed"), CASES, ids=[c[0] for c in CASES])
def test_one_need_is_explained_condition_by_condition(name, p, outcome, failed):
    """The outcome, and the conditions that fail, each with the need's value."""
    (result,) = matching.explain(NEED, [p])
    assert result.outcome_name == outcome
    assert [c.kind for c in result.failed] == failed
    amount = next(c for c in result.checks if c.kind == "amount")
    assert (amount.value, amount.bounds) == (100.0, (p.amount_min, p.amount_max))


def test_a_failed_rule_condition_carries_the_firms_value():
    """`years_in_operation >= 5` fails with the firm's 3.5 years beside it."""
    (result,) = matching.explain(NEED, [product(rule="years_in_operation >= 5")])
    (failed,) = result.failed
    assert failed.condition.values == {"years_in_operation": 3.5}
    assert result.checks[0].value == 100.0 and result.checks[0].bounds == (10, 500)


def test_the_matrix_decides_as_the_explanation_for_every_pair():
    """Brute force: 300 random needs x 40 random products, the vectorised matrix equals the
    per-need evaluator's outcome pair by pair."""
    rng = random.Random(19)
    collaterals = ["property", "equipment", "receivables", "orders", "ip", "guarantee", "none"]
    sizes = ["large", "medium", "small", "micro"]
    needs = []
    for _ in range(300):
        needs.append(
            {
                "amount_wan": float(rng.choice([5, 20, 100, 300, 800, 2000])),
                "term_months": float(rng.choice([3, 6, 12, 24, 36, 60])),
                "collateral": rng.choice(collaterals),
                "purpose": rng.choice(["working_capital", "equipment", "construction", "bridge"]),
                "years_in_operation": rng.choice([None, 0.5, 2.0, 4.0, 12.0]),
                "employees": rng.choice([None, 5.0, 30.0, 120.0, 600.0]),
                "revenue_last_year_wan": rng.choice([None, 200.0, 2000.0, 30000.0]),
                "size_class": rng.choice([None, *sizes]),
            }
        )
    rule_texts = [
        "true",
        "employees >= 20",
        "years_in_operation >= 2 and revenue_last_year_wan >= 1000",
        'size_class in ["small", "micro"] or employees < 50',
        'not (purpose == "bridge") and amount_wan <= 0.5 * revenue_last_year_wan',
        "revenue_last_year_wan >= 500 or years_in_operation >= 10",
    ]
    products = []
    for j in range(40):
        low = rng.choice([0, 10, 50, 200])
        products.append(
            product(
                j,
                amount=(low, low + rng.choice([100, 500, 3000])),
                term=(rng.choice([1, 6, 12]), rng.choice([12, 36, 120])),
                collateral=tuple(rng.sample(collaterals, rng.choice([0, 1, 2, 3]))),
                rule=rng.choice(rule_texts),
            )
        )
    matrix = matching.match_all(matching.columns_of(needs, TYPES), len(needs), products)
    for i, need in enumerate(needs):
        expected = [r.outcome for r in matching.explain(need, products)]
        assert list(matrix[i]) == expected, (i, need)
    assert set(np.unique(matrix)) == {matching.MATCH, matching.UNSURE, matching.NO}

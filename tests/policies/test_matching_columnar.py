"""The columnar matching helpers, without a database: amounts rounded exactly as one by one,
and the plan of what to write from new and stored decisions."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonedesk.policies import matching


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.005, Decimal("1.01")),  # 100.49999… in binary; half-up on the decimal form
        (2.675, Decimal("2.68")),
        (-1.005, None),  # a negative estimate is no estimate
        (0.125, Decimal("0.13")),
        (5.0, Decimal("5.00")),
        (1e13, None),  # beyond the column
        (float("inf"), None),
    ],
)
def test_cents_round_half_up_on_the_decimal_form(value, expected):
    (got,) = matching.cents(np.array([value]))
    assert matching.decimal_of(got) == expected == matching.cents_of(value)


@given(st.lists(st.floats(allow_nan=False, min_value=-1e11, max_value=1e11), max_size=50))
def test_cents_agree_with_the_one_by_one_rounding(values):
    got = [matching.decimal_of(c) for c in matching.cents(np.array(values, dtype=float))]
    assert got == [matching.cents_of(v) for v in values]


@given(st.integers(-(10**9), 10**9), st.sampled_from([0, 1, 2, 3, 4, 5, 6]))
def test_cents_of_values_written_with_few_decimals(whole, places):
    value = whole / 10**places
    (got,) = matching.cents(np.array([value]))
    assert matching.decimal_of(got) == matching.cents_of(value)


def stored(rows):
    """Stored pairs from (key, decision, state, cents) with the same month and rules."""
    return matching.Stored(
        keys=np.array([r[0] for r in rows], dtype=np.int64),
        decision=np.array([matching.DECISION_CODES[r[1]] for r in rows], dtype=np.int8),
        state=np.array([matching.STATE_CODES[r[2]] for r in rows], dtype=np.int8),
        cents=np.array([r[3] for r in rows], dtype=np.int64),
        missing=np.zeros(len(rows), dtype=np.int32),
        same_period=np.ones(len(rows), dtype=bool),
        same_version=np.ones(len(rows), dtype=bool),
    )


def decisions(rows):
    return matching.Decisions(
        keys=np.array([r[0] for r in rows], dtype=np.int64),
        decision=np.array([matching.DECISION_CODES[r[1]] for r in rows], dtype=np.int8),
        cents=np.array([r[2] for r in rows], dtype=np.int64),
        missing=np.zeros(len(rows), dtype=np.int32),
        missing_texts=["[]"],
    )


def test_the_plan_writes_new_and_changed_pairs_and_deletes_gone_ones_without_workflow():
    none = matching.NO_AMOUNT
    old = stored(
        [
            (1, "eligible", "identified", 500),  # unchanged
            (2, "eligible", "identified", 500),  # estimate changes
            (3, "eligible", "identified", none),  # stops qualifying: deleted
            (4, "eligible", "applied", none),  # stops qualifying: kept, not eligible
            (5, "not_eligible", "disbursed", none),  # still not eligible: nothing to write
        ]
    )
    new = decisions([(1, "eligible", 500), (2, "eligible", 600), (6, "undetermined", none)])
    plan = matching.plan(new, old)
    assert plan.keys.tolist() == [2, 6, 4]
    assert [matching.STATES[s] for s in plan.state] == ["identified", "", "applied"]
    assert [matching.DECISIONS[d] for d in plan.decision] == [
        "eligible",
        "undetermined",
        "not_eligible",
    ]
    assert plan.delete_keys.tolist() == [3]
    assert (plan.inserted, plan.updated, plan.stored) == (1, 2, 5)


def test_the_plan_of_nothing_stored_inserts_everything():
    new = decisions([(0, "eligible", 1), (7, "undetermined", matching.NO_AMOUNT)])
    plan = matching.plan(new, stored([]))
    assert plan.keys.tolist() == [0, 7] and plan.inserted == 2 and not len(plan.delete_keys)

"""Columnar matching: every firm x measure decided with NumPy, compared with the stored
decisions, and only the differences kept. Pure NumPy, no database: services.match reads the
stored decisions and writes the plan made here (the state codes come from the flow's table).

A pair is keyed by firm row i (in the facts table) and measure index j as i * m + j, so the
decisions of 100,000 firms x 200 measures are a few sorted int64 arrays, joined with the stored
ones by binary search instead of one Python object per pair.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from zonedesk.policies import rules
from zonedesk.policies.flows import ENTITLEMENT
from zonedesk.policies.flows import IN_WORKFLOW as WORKFLOW_STATES

ELIGIBLE, UNDETERMINED, NOT_ELIGIBLE = 1, 2, 3
DECISIONS = {ELIGIBLE: "eligible", UNDETERMINED: "undetermined", NOT_ELIGIBLE: "not_eligible"}
DECISION_CODES = {v: k for k, v in DECISIONS.items()}
# A pair's state as a code: its index among the model's states (declaration order).
STATES: tuple[str, ...] = tuple(ENTITLEMENT.states.values)
STATE_CODES = {s: i for i, s in enumerate(STATES)}
NONE_STATE, IDENTIFIED = STATE_CODES[""], STATE_CODES[ENTITLEMENT.initial]
IN_WORKFLOW = np.array([s in WORKFLOW_STATES for s in STATES])  # by state code
NO_AMOUNT = np.iinfo(np.int64).min
NO_MISSING = "[]"


def missing_text(names: list[str]) -> str:
    """The missing facts as the JSON text the database stores (and PostgreSQL's jsonb prints)."""
    return json.dumps(names)


def cents_of(value: float) -> Decimal | None:
    """An estimate in 10k yuan as Decimal cents, rounded half-up on its shortest decimal form;
    none for a negative one (a rule that gives one estimates nothing a firm could receive)."""
    if not np.isfinite(value) or value < 0:
        return None
    amount = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return amount if abs(amount) < Decimal("1e12") else None


def cents(values: np.ndarray) -> np.ndarray:
    """`cents_of` for an array, as int64 cents (NO_AMOUNT for none), to the bit.

    floor(100x + 0.5) is right unless 100x lies within a few ulps of a half cent, where the
    decimal form of x decides (1.005 is 100.49999… in binary but rounds up): those few values,
    and huge or non-finite ones, go through `cents_of` one by one.
    """
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), NO_AMOUNT, dtype=np.int64)
    with np.errstate(all="ignore"):
        scaled = values * 100.0
        frac = scaled - np.floor(scaled)
        near_half = np.abs(frac - 0.5) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        slow = ~np.isfinite(values) | (np.abs(values) >= 1e9) | near_half
        fast = ~slow
        out[fast] = np.floor(scaled[fast] + 0.5).astype(np.int64)
    for i in np.flatnonzero(slow):
        amount = cents_of(values[i])
        if amount is not None:
            out[i] = int(amount * 100)
    with np.errstate(invalid="ignore"):
        out[values < 0] = NO_AMOUNT
    return out


def decimal_of(cents_value: int) -> Decimal | None:
    return None if cents_value == NO_AMOUNT else Decimal(int(cents_value)).scaleb(-2)


@dataclass
class Rule:
    """One measure as matched: its index, level, compiled rules and the firms in its scope."""

    level: str
    eligibility: rules.Node
    benefit: rules.Node | None
    in_scope: np.ndarray  # bool per firm row


@dataclass
class Decisions:
    """The pairs to store (eligible or undetermined), sorted by key."""

    keys: np.ndarray  # int64
    decision: np.ndarray  # int8
    cents: np.ndarray  # int64, NO_AMOUNT for none
    missing: np.ndarray  # int32 index into missing_texts
    missing_texts: list[str]
    eligible: Counter = field(default_factory=Counter)
    undetermined: Counter = field(default_factory=Counter)
    not_applicable: Counter = field(default_factory=Counter)  # decided, not stored


def decide(columns: dict[str, rules.Column], n: int, measures: list[Rule]) -> Decisions:
    """Every firm against every measure; only eligible and undetermined pairs are kept.

    A pair whose rule is unknown and may never turn out true (it needs a figure that cannot
    exist for the firm, rules.NOT_APPLICABLE) is "not applicable": a definite outcome, like
    not eligible, so it is not kept (and counted apart)."""
    m = len(measures)
    texts = {NO_MISSING: 0}
    parts_keys, parts_decision, parts_cents, parts_missing = [], [], [], []
    out = Decisions(*(np.empty(0, dtype=t) for t in (np.int64, np.int8, np.int64, np.int32)), [])
    for j, rule in enumerate(measures):
        if not rule.in_scope.any():
            continue  # (a re-match of a few firms, none of them in the measure's scope)
        decided = rules.evaluate(rule.eligibility, columns, n)
        eligible = rule.in_scope & decided.known & decided.values
        undetermined = rule.in_scope & ~decided.known
        if decided.may_true is not None:
            out.not_applicable[rule.level] += int((undetermined & ~decided.may_true).sum())
            undetermined &= decided.may_true
        rows = np.flatnonzero(eligible | undetermined)
        if not len(rows):
            continue
        out.eligible[rule.level] += int(eligible.sum())
        out.undetermined[rule.level] += int(undetermined.sum())
        is_eligible = eligible[rows]
        amounts = np.full(len(rows), NO_AMOUNT, dtype=np.int64)
        if rule.benefit is not None:
            estimate = rules.evaluate(rule.benefit, columns, n)
            with_amount = is_eligible & estimate.known[rows]
            amounts[with_amount] = cents(estimate.values[rows[with_amount]])
        missing = np.zeros(len(rows), dtype=np.int32)
        unsure = ~is_eligible
        if unsure.any():
            used = sorted(rules.facts_used(rule.eligibility))
            bits = np.zeros(int(unsure.sum()), dtype=np.int64)
            for b, name in enumerate(used):
                # missing: not reported yet (a figure that cannot exist is not asked for)
                column = columns[name]
                absent = ~column.known & ~column.not_applicable
                bits |= absent[rows[unsure]].astype(np.int64) << b
            codes = np.empty(len(bits), dtype=np.int32)
            for value in np.unique(bits):
                text = missing_text([f for b, f in enumerate(used) if value >> b & 1])
                codes[bits == value] = texts.setdefault(text, len(texts))
            missing[unsure] = codes
        parts_keys.append(rows.astype(np.int64) * m + j)
        parts_decision.append(np.where(is_eligible, ELIGIBLE, UNDETERMINED).astype(np.int8))
        parts_cents.append(amounts)
        parts_missing.append(missing)
    out.missing_texts = list(texts)
    if parts_keys:
        keys = np.concatenate(parts_keys)
        order = np.argsort(keys, kind="stable")
        out.keys = keys[order]
        out.decision = np.concatenate(parts_decision)[order]
        out.cents = np.concatenate(parts_cents)[order]
        out.missing = np.concatenate(parts_missing)[order]
    return out


PACK = 1 << 24  # a stored pair is read as firm id * PACK + measure id


@dataclass
class Stored:
    """The stored decisions of the same firms and measures, keyed like Decisions."""

    keys: np.ndarray  # int64
    decision: np.ndarray  # int8
    state: np.ndarray  # int8 (STATE_CODES)
    cents: np.ndarray  # int64
    missing: np.ndarray  # int32 (-1: a text no decision makes now)
    same_period: np.ndarray  # bool: decided on the facts of the same month
    same_version: np.ndarray  # bool: decided by the measure's current rules

    @classmethod
    def from_packed(cls, rows, firm_ids, measure_ids, missing_texts: list[str]) -> "Stored":
        """From (firm id * PACK + measure id, decision code + 4 * state code + 64 if the same
        month + 128 if the current rules, cents or None, missing text or None for "[]") rows."""
        n = len(rows)
        if n:
            packed, flags, amounts, missing = zip(*rows, strict=True)
        else:
            packed = flags = amounts = missing = ()
        packed = np.fromiter(packed, dtype=np.int64, count=n)
        flags = np.fromiter(flags, dtype=np.int64, count=n)
        firm_ids = np.asarray(firm_ids, dtype=np.int64)
        measure_ids = np.asarray(measure_ids, dtype=np.int64)
        by_measure = np.argsort(measure_ids)
        firm_rows = np.searchsorted(firm_ids, packed // PACK)
        measure_pos = np.searchsorted(measure_ids[by_measure], packed % PACK)
        keys = firm_rows * len(measure_ids) + by_measure[measure_pos]
        codes = {t: i for i, t in enumerate(missing_texts)}
        order = np.argsort(keys, kind="stable")
        return cls(
            keys=keys[order],
            decision=(flags % 4).astype(np.int8)[order],
            state=(flags // 4 % 16).astype(np.int8)[order],
            cents=np.fromiter(
                (NO_AMOUNT if a is None else a for a in amounts), dtype=np.int64, count=n
            )[order],
            missing=np.fromiter(
                (0 if t is None else codes.get(t, -1) for t in missing), dtype=np.int32, count=n
            )[order],
            same_period=(flags & 64 > 0)[order],
            same_version=(flags & 128 > 0)[order],
        )


@dataclass
class Plan:
    """What to write: pairs to insert or update, and pairs to delete (by key)."""

    keys: np.ndarray
    decision: np.ndarray
    state: np.ndarray
    cents: np.ndarray
    missing: np.ndarray
    inserted: int
    updated: int
    delete_keys: np.ndarray
    stored: int  # pairs stored after the write
    kept: np.ndarray  # their keys (not sorted)

    def stored_per_row(self, n: int, m: int) -> np.ndarray:
        """How many pairs each of the n firm rows has stored after the write."""
        return np.bincount(self.kept // m, minlength=n) if n else np.zeros(0, dtype=np.int64)


def plan(decided: Decisions, stored: Stored) -> Plan:
    """The differences between the new decisions and the stored ones."""
    n_stored = len(stored.keys)
    pos = np.searchsorted(stored.keys, decided.keys)
    at = np.minimum(pos, max(n_stored - 1, 0))
    found = (pos < n_stored) & (stored.keys[at] == decided.keys) if n_stored else pos < 0
    prior = np.where(found, stored.state[at] if n_stored else 0, NONE_STATE).astype(np.int8)
    eligible = decided.decision == ELIGIBLE
    state = prior.copy()
    state[eligible & (prior == NONE_STATE)] = IDENTIFIED
    state[~eligible & (prior == IDENTIFIED)] = NONE_STATE
    same = found
    if n_stored:
        same = (
            found
            & (stored.decision[at] == decided.decision)
            & (stored.state[at] == state)
            & (stored.cents[at] == decided.cents)
            & (stored.missing[at] == decided.missing)
            & stored.same_version[at]
            & stored.same_period[at]
        )
    write = ~same
    # Stored pairs no decision kept: they no longer qualify (or left the scope).
    gone = np.ones(n_stored, dtype=bool)
    gone[pos[found]] = False
    in_workflow = gone & IN_WORKFLOW[stored.state]
    stale = in_workflow & ~(
        (stored.decision == NOT_ELIGIBLE)
        & (stored.cents == NO_AMOUNT)
        & (stored.missing == 0)
        & stored.same_version
        & stored.same_period
    )
    n_left = int(stale.sum())
    return Plan(
        keys=np.concatenate([decided.keys[write], stored.keys[stale]]),
        decision=np.concatenate(
            [decided.decision[write], np.full(n_left, NOT_ELIGIBLE, dtype=np.int8)]
        ),
        state=np.concatenate([state[write], stored.state[stale]]),
        cents=np.concatenate([decided.cents[write], np.full(n_left, NO_AMOUNT, dtype=np.int64)]),
        missing=np.concatenate([decided.missing[write], np.zeros(n_left, dtype=np.int32)]),
        inserted=int((~found).sum()),
        updated=int((write & found).sum()) + n_left,
        delete_keys=stored.keys[gone & ~in_workflow],
        stored=len(decided.keys) + int(in_workflow.sum()),
        kept=np.concatenate([decided.keys, stored.keys[in_workflow]]),
    )

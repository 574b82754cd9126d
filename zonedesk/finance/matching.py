"""Financing needs against bank products, with reasons. Pure NumPy and the rule language, no
Django: finance.selectors gathers the facts and the products and calls this.

A product matches a need when four things hold: the amount asked lies within the product's
range, so does the term, the collateral offered is one the product takes (a product that takes
none asks for none), and its eligibility rule is true for the firm. A rule that is unknown
(a figure not reported) leaves the match "unsure" when the fixed conditions hold; a rule that
needs a figure which cannot exist for the firm is a definite "no", as for support measures.

`match_all` decides every need x every product at once (one vectorised pass per product, as
policies.matching); `explain` decides one need against each product and says why, condition
by condition, with the firm's values. The two must agree (tests/finance/test_matching.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from zonedesk.policies import rules

MATCH, UNSURE, NO = 1, 2, 3
OUTCOMES = {MATCH: "match", UNSURE: "unsure", NO: "no"}
FIXED = ("amount_wan", "term_months", "collateral")


@dataclass(frozen=True)
class Product:
    """A product as matched: its key (the stored id), ranges, collateral and compiled rule."""

    key: int
    amount_min: float
    amount_max: float
    term_min: float
    term_max: float
    collateral: frozenset[str]  # empty: none required
    rule: rules.Node
    source: str = "true"


@dataclass(frozen=True)
class Check:
    """One of a product's conditions, applied to one need."""

    kind: str  # "amount", "term", "collateral" or "rule"
    ok: bool | None  # None: unknown (a figure is missing)
    value: object = None  # the need's value (amount, term, collateral)
    bounds: tuple = ()  # (min, max), or the collateral accepted
    condition: rules.Condition | None = None  # for kind "rule"


@dataclass(frozen=True)
class Result:
    product: Product
    outcome: int
    checks: tuple[Check, ...] = field(default_factory=tuple)
    missing: frozenset[str] = frozenset()

    @property
    def outcome_name(self) -> str:
        return OUTCOMES[self.outcome]

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.ok is False)


def _fixed(columns: Mapping[str, rules.Column], p: Product, cache: dict) -> np.ndarray:
    amount, term = columns["amount_wan"], columns["term_months"]
    ok = amount.known & (amount.values >= p.amount_min) & (amount.values <= p.amount_max)
    ok &= term.known & (term.values >= p.term_min) & (term.values <= p.term_max)
    if p.collateral:
        if p.collateral not in cache:
            c = columns["collateral"]
            cache[p.collateral] = c.known & np.isin(c.values, sorted(p.collateral))
        ok &= cache[p.collateral]
    return ok


def match_all(columns: Mapping[str, rules.Column], n: int, products: list[Product]) -> np.ndarray:
    """An (n needs x m products) int8 array of MATCH, UNSURE or NO."""
    out = np.full((n, len(products)), NO, dtype=np.int8)
    cache: dict = {}
    rules_done: dict = {}
    for j, p in enumerate(products):
        fixed = _fixed(columns, p, cache)
        if not fixed.any():
            continue
        key = p.source
        if key not in rules_done:  # many products share one rule (or "true")
            decided = rules.evaluate(p.rule, columns, n)
            yes = decided.known & decided.values.astype(bool)
            unsure = ~decided.known
            if decided.may_true is not None:
                unsure &= decided.may_true
            rules_done[key] = (yes, unsure)
        yes, unsure = rules_done[key]
        col = out[:, j]
        col[fixed & yes] = MATCH
        col[fixed & unsure] = UNSURE
    return out


def columns_of(rows: list[Mapping[str, object]], types: Mapping[str, rules.Type]) -> dict:
    """The columns of many needs' facts (plain values; None missing, NOT_APPLICABLE cannot
    exist), for `match_all`."""
    return {
        name: rules.Column.from_values([r.get(name) for r in rows], kind)
        for name, kind in types.items()
    }


def _between(value, low: float, high: float) -> bool | None:
    if value is None or value is rules.NOT_APPLICABLE:
        return None
    return low <= float(value) <= high


def explain(facts: Mapping[str, object], products: Iterable[Product]) -> list[Result]:
    """One need against each product: the outcome and every condition with the need's value."""
    out = []
    amount, term, collateral = (facts.get(k) for k in FIXED)
    for p in products:
        checks = [
            Check(
                "amount",
                _between(amount, p.amount_min, p.amount_max),
                amount,
                (p.amount_min, p.amount_max),
            ),
            Check("term", _between(term, p.term_min, p.term_max), term, (p.term_min, p.term_max)),
        ]
        if p.collateral:
            ok = None if collateral is None else collateral in p.collateral
            checks.append(Check("collateral", ok, collateral, tuple(sorted(p.collateral))))
        explanation = rules.explain(p.rule, facts, p.source)
        checks.extend(Check("rule", c.outcome, condition=c) for c in explanation.conditions)
        fixed = [c.ok for c in checks if c.kind != "rule"]
        if False in fixed or explanation.outcome in ("not_eligible", "not_applicable"):
            outcome = NO
        elif None in fixed:
            outcome = NO  # a need without its amount, term or collateral matches nothing
        elif explanation.outcome == "eligible":
            outcome = MATCH
        else:
            outcome = UNSURE
        out.append(Result(p, outcome, tuple(checks), explanation.missing))
    return out

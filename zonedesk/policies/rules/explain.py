"""One firm, explained: the rule's value with every condition and the firm's values in it."""

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

from zonedesk.policies.rules import nodes
from zonedesk.policies.rules.nodes import NOT_APPLICABLE

COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _round(x: float, places: int) -> float:
    """Half-up rounding by the same float operations as the vectorised evaluator."""
    scale = 10.0**places
    v = x * scale + 0.5
    return (math.floor(v) if math.isfinite(v) else v) / scale


@dataclass(frozen=True)
class _Hope:
    """An unknown value that reads a figure that cannot exist: whether it may still turn out
    true, or false (a number or a text: both the same, whether it may still become known).
    A plain None is an unknown that may still turn out either way."""

    true: bool
    false: bool


NEVER = _Hope(False, False)


def _unknown(v) -> bool:
    return v is None or isinstance(v, _Hope)


def _can(v, truth: bool) -> bool:
    """Whether a yes/no value is, or may still turn out, `truth` (a number or a text: whether
    it is known or may still become known)."""
    if v is None:
        return True
    if isinstance(v, _Hope):
        return v.true if truth else v.false
    return v == truth if isinstance(v, bool) else True


def _open(v) -> bool:
    """Whether a value is known or may still become known."""
    return not isinstance(v, _Hope) or v.true or v.false


def _hope(true: bool, false: bool):
    """The unknown with these hopes (None when it may still go either way)."""
    return None if true and false else _Hope(true, false)


def _num(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, _Hope):
        return v
    if isinstance(v, bool):
        return None
    f = float(v)
    return None if math.isnan(f) else f


@dataclass(frozen=True)
class Condition:
    """One comparison of a rule, as applied to one firm."""

    text: str  # the condition as written in the rule
    outcome: bool | None  # None: unknown (a fact is missing or cannot exist)
    values: dict  # fact -> the firm's value (None: missing; NOT_APPLICABLE: cannot exist)
    # The condition's tree, for its sentence (words.describe): what a firm reads, never the code.
    node: nodes.Node | None = field(default=None, compare=False, repr=False)

    @property
    def not_applicable(self) -> bool:
        """Unknown because a figure it reads cannot exist for the firm."""
        return self.outcome is None and any(v is NOT_APPLICABLE for v in self.values.values())


@dataclass(frozen=True)
class Explanation:
    value: object  # True/False/None for a condition; a float or None for an amount
    conditions: tuple[Condition, ...]
    missing: frozenset[str]  # facts read that the firm has not reported (yet)
    # Facts read that cannot exist for the firm, and whether an unknown value may still turn
    # out true once the missing facts are reported (false: the rule does not apply).
    not_applicable: frozenset[str] = frozenset()
    may_be_true: bool = True

    @property
    def outcome(self) -> str:
        """eligible, not_eligible, undetermined (figures missing) or not_applicable (the rule
        needs a figure that cannot exist for the firm)."""
        if self.value is True:
            return "eligible"
        if self.value is False:
            return "not_eligible"
        return "undetermined" if self.may_be_true else "not_applicable"


class _Explainer:
    """One walk over a tree for one firm, collecting the conditions and the missing facts."""

    def __init__(self, facts: Mapping[str, object], source: str):
        self.facts, self.source = facts, source
        self.conditions: list[Condition] = []
        self.missing: set[str] = set()
        self.not_applicable: set[str] = set()

    def fact(self, name):
        v = self.facts.get(name)
        if v is NOT_APPLICABLE:
            self.not_applicable.add(name)
            return NEVER
        if v is None or (isinstance(v, float) and math.isnan(v)):
            self.missing.add(name)
            return None
        return v

    def record(self, node, outcome):
        used = nodes.facts_used(node)
        self.conditions.append(
            Condition(
                text=self.source[node.position : node.end] if self.source else "",
                outcome=outcome,
                values={name: self.facts.get(name) for name in sorted(used)},
                node=node,
            )
        )
        return outcome

    def facts_kind(self, node) -> bool:
        return (
            isinstance(self.facts.get(node.name), bool)
            or node.name in self.missing
            or node.name in self.not_applicable
        )

    def flag(self, node):
        """A yes/no operand; a yes/no fact used as a condition is recorded as one."""
        v = self.ev(node)
        if isinstance(node, nodes.Fact):
            self.record(node, None if _unknown(v) else v)
        return v

    def ev(self, node):
        ev = self.ev
        match node:
            case nodes.Number(value=v):
                return v
            case nodes.Text(value=v) | nodes.Bool(value=v):
                return v
            case nodes.Fact(name=name):
                v = self.fact(name)
                if isinstance(v, bool) or _unknown(v) or isinstance(v, str):
                    return v
                return _num(v)
            case nodes.Neg(operand=o):
                v = ev(o)
                return v if _unknown(v) else -v
            case nodes.Not(operand=o):
                v = self.flag(o)
                if isinstance(v, _Hope):
                    return _hope(v.false, v.true)
                return None if v is None else not v
            case nodes.Arith(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                if _unknown(a) or _unknown(b):
                    return _hope(*[_open(a) and _open(b)] * 2)
                if op == "/" and b == 0:
                    return None
                v = ARITH[op](a, b)
                return None if math.isnan(v) else v
            case nodes.Compare() | nodes.In():
                return self.comparison(node)
            case nodes.Logic():
                return self.logic(node)
            case nodes.Call():
                return self.call(node)
        raise AssertionError(node)

    def comparison(self, node: nodes.Compare | nodes.In):
        ev, record = self.ev, self.record
        match node:
            case nodes.Compare(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                if _unknown(a) or _unknown(b):
                    record(node, None)
                    return _hope(*[_open(a) and _open(b)] * 2)
                return record(node, bool(COMPARE[op](a, b)))
            case nodes.In(operand=o, options=options, negated=negated):
                v = ev(o)
                items = [ev(i) for i in options.items]
                if _unknown(v):
                    record(node, None)
                    return _hope(*[_open(v)] * 2)
                if v in [i for i in items if not _unknown(i)]:
                    return record(node, not negated)
                unknown = [i for i in items if _unknown(i)]
                if unknown:
                    record(node, None)
                    return _hope(*[any(_open(i) for i in unknown)] * 2)
                return record(node, negated)
        raise AssertionError(node)

    def logic(self, node: nodes.Logic):
        values = [self.flag(o) for o in node.operands]
        true = [_can(v, True) for v in values]
        false = [_can(v, False) for v in values]
        if node.op == "and":
            if any(v is False for v in values):
                return False
            return _hope(all(true), any(false)) if any(map(_unknown, values)) else True
        if any(v is True for v in values):
            return True
        return _hope(any(true), all(false)) if any(map(_unknown, values)) else False

    def call(self, node: nodes.Call):
        ev = self.ev
        match node:
            case nodes.Call(name="if", args=(cond, a, b)):
                c = ev(cond)
                x, y = ev(a), ev(b)
                if not _unknown(c):
                    return x if c else y
                when_x, when_y = _can(c, True), _can(c, False)
                return _hope(
                    (when_x and _can(x, True)) or (when_y and _can(y, True)),
                    (when_x and _can(x, False)) or (when_y and _can(y, False)),
                )
            case nodes.Call(name="round", args=args):
                v = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                return v if _unknown(v) else _round(v, places)
            case nodes.Call(name="abs", args=(a,)):
                v = ev(a)
                return v if _unknown(v) else abs(v)
            case nodes.Call(name=fn, args=args):
                values = [ev(a) for a in args]
                if any(map(_unknown, values)):
                    return _hope(*[all(map(_open, values))] * 2)
                return min(values) if fn == "min" else max(values)
        raise AssertionError(node)


def explain(tree: nodes.Node, facts: Mapping[str, object], source: str = "") -> Explanation:
    """Evaluate for one firm, recording every condition with the firm's values."""
    walk = _Explainer(facts, source)
    value = (
        walk.flag(tree) if isinstance(tree, nodes.Fact) and walk.facts_kind(tree) else walk.ev(tree)
    )
    return Explanation(
        None if _unknown(value) else value,
        tuple(walk.conditions),
        frozenset(walk.missing),
        frozenset(walk.not_applicable),
        _can(value, True),
    )

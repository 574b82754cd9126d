"""One firm, explained: the rule's value with every condition and the firm's values in it."""

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass

from zonedesk.policies.rules import nodes

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


def _num(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return None
    f = float(v)
    return None if math.isnan(f) else f


@dataclass(frozen=True)
class Condition:
    """One comparison of a rule, as applied to one firm."""

    text: str  # the condition as written in the rule
    outcome: bool | None  # None: unknown (a fact is missing)
    values: dict  # fact -> the firm's value (None: missing)


@dataclass(frozen=True)
class Explanation:
    value: object  # True/False/None for a condition; a float or None for an amount
    conditions: tuple[Condition, ...]
    missing: frozenset[str]


class _Explainer:
    """One walk over a tree for one firm, collecting the conditions and the missing facts."""

    def __init__(self, facts: Mapping[str, object], source: str):
        self.facts, self.source = facts, source
        self.conditions: list[Condition] = []
        self.missing: set[str] = set()

    def fact(self, name):
        v = self.facts.get(name)
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
            )
        )
        return outcome

    def facts_kind(self, node) -> bool:
        return isinstance(self.facts.get(node.name), bool) or node.name in self.missing

    def flag(self, node):
        """A yes/no operand; a yes/no fact used as a condition is recorded as one."""
        v = self.ev(node)
        if isinstance(node, nodes.Fact):
            self.record(node, v)
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
                if isinstance(v, bool) or v is None or isinstance(v, str):
                    return v
                return _num(v)
            case nodes.Neg(operand=o):
                v = ev(o)
                return None if v is None else -v
            case nodes.Not(operand=o):
                v = self.flag(o)
                return None if v is None else not v
            case nodes.Arith(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                if a is None or b is None or (op == "/" and b == 0):
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
                if a is None or b is None:
                    return record(node, None)
                return record(node, bool(COMPARE[op](a, b)))
            case nodes.In(operand=o, options=options, negated=negated):
                v = ev(o)
                items = [ev(i) for i in options.items]
                if v is None:
                    return record(node, None)
                if v in [i for i in items if i is not None]:
                    return record(node, not negated)
                if any(i is None for i in items):
                    return record(node, None)
                return record(node, negated)
        raise AssertionError(node)

    def logic(self, node: nodes.Logic):
        values = [self.flag(o) for o in node.operands]
        if node.op == "and":
            if any(v is False for v in values):
                return False
            return None if any(v is None for v in values) else True
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False

    def call(self, node: nodes.Call):
        ev = self.ev
        match node:
            case nodes.Call(name="if", args=(cond, a, b)):
                c = ev(cond)
                x, y = ev(a), ev(b)
                if c is None:
                    return None
                return x if c else y
            case nodes.Call(name="round", args=args):
                v = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                return None if v is None else _round(v, places)
            case nodes.Call(name="abs", args=(a,)):
                v = ev(a)
                return None if v is None else abs(v)
            case nodes.Call(name=fn, args=args):
                values = [ev(a) for a in args]
                if any(v is None for v in values):
                    return None
                return min(values) if fn == "min" else max(values)
        raise AssertionError(node)


def explain(tree: nodes.Node, facts: Mapping[str, object], source: str = "") -> Explanation:
    """Evaluate for one firm, recording every condition with the firm's values."""
    walk = _Explainer(facts, source)
    value = (
        walk.flag(tree) if isinstance(tree, nodes.Fact) and walk.facts_kind(tree) else walk.ev(tree)
    )
    return Explanation(value, tuple(walk.conditions), frozenset(walk.missing))

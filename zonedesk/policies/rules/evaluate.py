"""Every firm at once: the same three-valued results as `explain`, on NumPy columns."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from zonedesk.policies.rules import nodes
from zonedesk.policies.rules.errors import Type


@dataclass
class Column:
    """A fact for every firm: values (float64, bool or object for text) and where it is known."""

    values: np.ndarray
    known: np.ndarray  # bool

    @classmethod
    def from_values(cls, values: list, kind: Type) -> "Column":
        known = np.array([v is not None for v in values], dtype=bool)
        if kind == Type.NUMBER:
            arr = np.array([float(v) if v is not None else np.nan for v in values], dtype=float)
            known &= ~np.isnan(arr)
        elif kind == Type.BOOL:
            arr = np.array([bool(v) if v is not None else False for v in values], dtype=bool)
        else:
            # Fixed-width text, so comparisons run in C instead of one Python call per firm.
            arr = np.array([v if v is not None else "" for v in values], dtype=str)
        return cls(arr, known)


_COMPARE = {
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


class _Evaluator:
    """One walk over a tree for n firms; every method returns a Column of n values."""

    def __init__(self, columns: Mapping[str, Column], n: int):
        self.columns, self.n = columns, n
        self.known_everywhere = np.broadcast_to(np.True_, (n,))

    def const(self, value) -> Column:
        # Read-only views of one value, not n copies: every operation below makes new arrays.
        n, known = self.n, self.known_everywhere
        if isinstance(value, bool):
            return Column(np.broadcast_to(np.bool_(value), (n,)), known)
        if isinstance(value, str):
            return Column(np.broadcast_to(np.str_(value), (n,)), known)
        return Column(np.broadcast_to(np.float64(value), (n,)), known)

    def ev(self, node) -> Column:
        ev = self.ev
        match node:
            case nodes.Number(value=v) | nodes.Text(value=v) | nodes.Bool(value=v):
                return self.const(v)
            case nodes.Fact(name=name):
                return self.columns[name]
            case nodes.Neg(operand=o):
                c = ev(o)
                return Column(-c.values, c.known)
            case nodes.Not(operand=o):
                c = ev(o)
                return Column(~c.values, c.known)
            case nodes.Arith():
                return self.arith(node)
            case nodes.Compare(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                known = a.known & b.known
                with np.errstate(invalid="ignore"):
                    v = _COMPARE[op](a.values, b.values)
                return Column(np.asarray(v, dtype=bool) & known, known)
            case nodes.In():
                return self.in_(node)
            case nodes.Logic():
                return self.logic(node)
            case nodes.Call():
                return self.call(node)
        raise AssertionError(node)

    def arith(self, node: nodes.Arith) -> Column:
        a, b = self.ev(node.left), self.ev(node.right)
        known = a.known & b.known
        with np.errstate(all="ignore"):
            if node.op == "+":
                v = a.values + b.values
            elif node.op == "-":
                v = a.values - b.values
            elif node.op == "*":
                v = a.values * b.values
            else:
                zero = b.values == 0
                v = a.values / np.where(zero, 1.0, b.values)
                known = known & ~zero
        return Column(v, known & ~np.isnan(v))

    def in_(self, node: nodes.In) -> Column:
        c = self.ev(node.operand)
        hit = np.zeros(self.n, dtype=bool)
        unknown_item = np.zeros(self.n, dtype=bool)
        for item in node.options.items:
            i = self.ev(item)
            hit |= i.known & np.asarray(c.values == i.values, dtype=bool)
            unknown_item |= ~i.known
        known = c.known & (hit | ~unknown_item)
        v = (hit != node.negated) & known
        return Column(v, known)

    def logic(self, node: nodes.Logic) -> Column:
        cols = [self.ev(o) for o in node.operands]
        all_known = np.logical_and.reduce([c.known for c in cols])
        if node.op == "and":
            false = np.zeros(self.n, dtype=bool)
            for c in cols:
                false |= c.known & ~c.values
            true = np.logical_and.reduce([c.values & c.known for c in cols])
            known = false | all_known
            return Column(true & ~false & known, known)
        true = np.zeros(self.n, dtype=bool)
        for c in cols:
            true |= c.known & c.values
        known = true | all_known
        return Column(true, known)

    def call(self, node: nodes.Call) -> Column:
        ev = self.ev
        match node:
            case nodes.Call(name="if", args=(cond, a, b)):
                c, x, y = ev(cond), ev(a), ev(b)
                v = np.where(c.values, x.values, y.values)
                known = c.known & np.where(c.values, x.known, y.known)
                return Column(v, known)
            case nodes.Call(name="round", args=args):
                c = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                scale = 10.0**places
                with np.errstate(all="ignore"):
                    return Column(np.floor(c.values * scale + 0.5) / scale, c.known)
            case nodes.Call(name="abs", args=(a,)):
                c = ev(a)
                return Column(np.abs(c.values), c.known)
            case nodes.Call(name=fn, args=args):
                cols = [ev(a) for a in args]
                stack = np.vstack([c.values for c in cols])
                with np.errstate(invalid="ignore"):
                    v = np.min(stack, axis=0) if fn == "min" else np.max(stack, axis=0)
                return Column(v, np.logical_and.reduce([c.known for c in cols]))
        raise AssertionError(node)


def evaluate(tree: nodes.Node, columns: Mapping[str, Column], n: int) -> Column:
    """The rule for all n firms at once: the same results as `explain` row by row."""
    return _Evaluator(columns, n).ev(tree)

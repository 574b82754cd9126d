"""Every firm at once: the same three-valued results as `explain`, on NumPy columns.

An unknown value also carries what it may still turn out to be (see the package's docstring on
figures that cannot exist): `may_true` and `may_false` say, where a value is unknown, whether
it may still become true or false (for a number or a text: whether it may still become known,
both masks the same). None stands for "everywhere": a missing figure may still be reported, and
a rule that reads no figure that cannot exist never carries the masks (no cost).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from zonedesk.policies.rules import nodes
from zonedesk.policies.rules.errors import Type
from zonedesk.policies.rules.nodes import NOT_APPLICABLE


@dataclass
class Column:
    """A fact for every firm: values (float64, bool or object for text) and where it is known."""

    values: np.ndarray
    known: np.ndarray  # bool
    # Where unknown: may it still turn out true / false (a number: become known)? None: yes.
    may_true: np.ndarray | None = None
    may_false: np.ndarray | None = None

    @classmethod
    def from_values(cls, values: list, kind: Type) -> "Column":
        """A fact's column from plain values: None is missing, NOT_APPLICABLE cannot exist."""
        na = [v is NOT_APPLICABLE for v in values]
        if any(na):
            values = [None if gone else v for v, gone in zip(values, na, strict=True)]
        known = np.array([v is not None for v in values], dtype=bool)
        if kind == Type.NUMBER:
            arr = np.array([float(v) if v is not None else np.nan for v in values], dtype=float)
            known &= ~np.isnan(arr)
        elif kind == Type.BOOL:
            arr = np.array([bool(v) if v is not None else False for v in values], dtype=bool)
        else:
            # Fixed-width text, so comparisons run in C instead of one Python call per firm.
            arr = np.array([v if v is not None else "" for v in values], dtype=str)
        if not any(na):
            return cls(arr, known)
        still = ~np.array(na, dtype=bool)
        return cls(arr, known, still, still)

    @property
    def not_applicable(self) -> np.ndarray:
        """Where the value is unknown and will stay so (it reads a figure that cannot exist)."""
        if self.may_true is None:
            return np.zeros(len(self.known), dtype=bool)
        return ~self.known & ~self.may_true & ~self.may_false


def _hoped(*cols: Column) -> bool:
    return any(c.may_true is not None for c in cols)


def _can(c: Column, truth: bool) -> np.ndarray:
    """Where a yes/no value is, or may still turn out, `truth`."""
    hope = c.may_true if truth else c.may_false
    value = c.values if truth else ~c.values
    return np.where(c.known, value, True if hope is None else hope)


def _open(c: Column) -> np.ndarray:
    """Where a value is known or may still become known."""
    if c.may_true is None:
        return np.ones(len(c.known), dtype=bool)
    return c.known | c.may_true | c.may_false


def _either(c: Column, known: np.ndarray, *cols: Column) -> Column:
    """c, unknown wherever one of `cols` may never become known."""
    if not _hoped(*cols):
        return c
    still = np.logical_and.reduce([_open(x) for x in cols])
    return Column(c.values, known, still, still)


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
                return Column(-c.values, c.known, c.may_true, c.may_false)
            case nodes.Not(operand=o):
                c = ev(o)
                return Column(~c.values, c.known, c.may_false, c.may_true)
            case nodes.Arith():
                return self.arith(node)
            case nodes.Compare(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                known = a.known & b.known
                with np.errstate(invalid="ignore"):
                    v = _COMPARE[op](a.values, b.values)
                return _either(Column(np.asarray(v, dtype=bool) & known, known), known, a, b)
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
        known = known & ~np.isnan(v)
        return _either(Column(v, known), known, a, b)

    def in_(self, node: nodes.In) -> Column:
        c = self.ev(node.operand)
        items = [self.ev(item) for item in node.options.items]
        hit = np.zeros(self.n, dtype=bool)
        unknown_item = np.zeros(self.n, dtype=bool)
        for i in items:
            hit |= i.known & np.asarray(c.values == i.values, dtype=bool)
            unknown_item |= ~i.known
        known = c.known & (hit | ~unknown_item)
        v = (hit != node.negated) & known
        if not _hoped(c, *items):
            return Column(v, known)
        # Unknown: the operand may still become known, or (known, no match) an item may.
        item_open = np.zeros(self.n, dtype=bool)
        for i in items:
            item_open |= ~i.known & _open(i)
        still = np.where(c.known, item_open, _open(c))
        return Column(v, known, still, still)

    def logic(self, node: nodes.Logic) -> Column:
        cols = [self.ev(o) for o in node.operands]
        all_known = np.logical_and.reduce([c.known for c in cols])
        if node.op == "and":
            false = np.zeros(self.n, dtype=bool)
            for c in cols:
                false |= c.known & ~c.values
            true = np.logical_and.reduce([c.values & c.known for c in cols])
            known = false | all_known
            out = Column(true & ~false & known, known)
            if _hoped(*cols):
                out.may_true = np.logical_and.reduce([_can(c, True) for c in cols])
                out.may_false = np.logical_or.reduce([_can(c, False) for c in cols])
            return out
        true = np.zeros(self.n, dtype=bool)
        for c in cols:
            true |= c.known & c.values
        known = true | all_known
        out = Column(true, known)
        if _hoped(*cols):
            out.may_true = np.logical_or.reduce([_can(c, True) for c in cols])
            out.may_false = np.logical_and.reduce([_can(c, False) for c in cols])
        return out

    def call(self, node: nodes.Call) -> Column:
        ev = self.ev
        match node:
            case nodes.Call(name="if", args=(cond, a, b)):
                c, x, y = ev(cond), ev(a), ev(b)
                v = np.where(c.values, x.values, y.values)
                known = c.known & np.where(c.values, x.known, y.known)
                out = Column(v, known)
                if _hoped(c, x, y):
                    when_x, when_y = _can(c, True), _can(c, False)
                    if v.dtype == bool:  # the branch's own hopes, as far as the condition may go
                        out.may_true = when_x & _can(x, True) | when_y & _can(y, True)
                        out.may_false = when_x & _can(x, False) | when_y & _can(y, False)
                    else:
                        out.may_true = out.may_false = when_x & _open(x) | when_y & _open(y)
                return out
            case nodes.Call(name="round", args=args):
                c = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                scale = 10.0**places
                with np.errstate(all="ignore"):
                    v = np.floor(c.values * scale + 0.5) / scale
                return Column(v, c.known, c.may_true, c.may_false)
            case nodes.Call(name="abs", args=(a,)):
                c = ev(a)
                return Column(np.abs(c.values), c.known, c.may_true, c.may_false)
            case nodes.Call(name=fn, args=args):
                cols = [ev(a) for a in args]
                stack = np.vstack([c.values for c in cols])
                with np.errstate(invalid="ignore"):
                    v = np.min(stack, axis=0) if fn == "min" else np.max(stack, axis=0)
                known = np.logical_and.reduce([c.known for c in cols])
                return _either(Column(v, known), known, *cols)
        raise AssertionError(node)


def evaluate(tree: nodes.Node, columns: Mapping[str, Column], n: int) -> Column:
    """The rule for all n firms at once: the same results as `explain` row by row."""
    return _Evaluator(columns, n).ev(tree)

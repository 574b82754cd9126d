"""Type checking against the registry of facts, before a rule is stored."""

import difflib
from collections.abc import Mapping

from zonedesk.policies.rules import nodes
from zonedesk.policies.rules.errors import TYPE_NAMES, WHAT, RuleError, Type
from zonedesk.policies.rules.parser import parse


def _type_error(node: nodes.Node, what: str, expected: Type, actual: Type) -> RuleError:
    return RuleError(
        "type",
        node.position,
        what=WHAT[what],
        expected=TYPE_NAMES[expected],
        actual=TYPE_NAMES[actual],
    )


class _Checker:
    """One walk over a tree; each method returns the type of the node it is given."""

    def __init__(self, facts, shares, choices, names=None):
        self.facts, self.shares, self.choices = facts, shares, choices or {}
        self.names = names or {}

    def expect(self, node: nodes.Node, what: str, expected: Type) -> None:
        t = self.visit(node)
        if t != expected:
            raise _type_error(node, what, expected, t)

    def literal(self, fact: nodes.Node, value: nodes.Node) -> None:
        """A fact compared with a literal: percentages for shares only, codes it can take."""
        if not isinstance(fact, nodes.Fact) or self.shares is None:
            return
        name, written = fact.name, fact.as_written
        sign, number = 1, value
        if isinstance(value, nodes.Neg) and isinstance(value.operand, nodes.Number):
            sign, number = -1, value.operand
        if isinstance(number, nodes.Number):
            if name in self.shares and not number.percent and number.value != 0:
                example = f"{sign * number.value:g}%"
                raise RuleError("share_literal", value.position, name=written, example=example)
            if name not in self.shares and number.percent:
                raise RuleError("not_share", value.position, name=written)
        elif (
            isinstance(value, nodes.Text)
            and name in self.choices
            and value.value not in self.choices[name]
        ):
            allowed = ", ".join(f'"{c}"' for c in sorted(self.choices[name]))
            raise RuleError(
                "not_a_choice", value.position, name=written, value=value.value, allowed=allowed
            )

    def fact(self, node: nodes.Fact) -> Type:
        if node.name not in self.facts:
            # Suggest a name in the language the word is written in.
            written = node.as_written
            spellings = list(self.facts) if written.isascii() else list(self.names)
            close = difflib.get_close_matches(written, spellings, n=1, cutoff=0.5)
            hint = (f"，是否指 {close[0]}？", f"; did you mean {close[0]}?") if close else ("", "")
            raise RuleError("unknown_fact", node.position, name=written, hint=hint)
        return self.facts[node.name]

    def visit(self, node: nodes.Node) -> Type:
        match node:
            case nodes.Number():
                return Type.NUMBER
            case nodes.Text():
                return Type.TEXT
            case nodes.Bool():
                return Type.BOOL
            case nodes.Fact():
                return self.fact(node)
            case nodes.Neg(operand=operand):
                self.expect(operand, "number_operand", Type.NUMBER)
                return Type.NUMBER
            case nodes.Not(operand=operand):
                self.expect(operand, "logic", Type.BOOL)
                return Type.BOOL
            case nodes.Arith(left=left, right=right):
                for side in (left, right):
                    self.expect(side, "number_operand", Type.NUMBER)
                return Type.NUMBER
            case nodes.Compare() | nodes.In():
                return self.comparison(node)
            case nodes.ListOf():
                raise RuleError("expected", node.position, what=WHAT["value"])
            case nodes.Logic(operands=operands):
                for operand in operands:
                    self.expect(operand, "logic", Type.BOOL)
                return Type.BOOL
            case nodes.Call():
                return self.call(node)
        raise AssertionError(node)  # every node kind is matched above

    def comparison(self, node: nodes.Compare | nodes.In) -> Type:
        match node:
            case nodes.Compare(op=op, left=left, right=right):
                lt, rt = self.visit(left), self.visit(right)
                if lt != rt:
                    raise _type_error(right, "comparison", lt, rt)
                if op not in ("==", "!=") and lt != Type.NUMBER:
                    raise _type_error(left, "comparison", Type.NUMBER, lt)
                self.literal(left, right)
                self.literal(right, left)
            case nodes.In(operand=operand, options=options):
                t = self.visit(operand)
                for item in options.items:
                    it = self.visit(item)
                    if it != t:
                        raise _type_error(item, "comparison", t, it)
                    self.literal(operand, item)
        return Type.BOOL

    def call(self, node: nodes.Call) -> Type:
        match node:
            case nodes.Call(name="if", args=(cond, a, b)):
                self.expect(cond, "condition", Type.BOOL)
                at, bt = self.visit(a), self.visit(b)
                if at != bt:
                    raise _type_error(b, "argument", at, bt)
                return at
            case nodes.Call(name="round", args=args):
                self.expect(args[0], "argument", Type.NUMBER)
                if len(args) == 2 and not (
                    isinstance(args[1], nodes.Number)
                    and args[1].value.is_integer()
                    and 0 <= args[1].value <= 6
                ):
                    raise RuleError("round_places", args[1].position)
                return Type.NUMBER
        for arg in node.args:
            self.expect(arg, "argument", Type.NUMBER)
        return Type.NUMBER


def check(
    tree: nodes.Node,
    facts: Mapping[str, Type],
    *,
    result: Type | None = None,
    shares: frozenset[str] | None = None,
    choices: Mapping[str, frozenset[str]] | None = None,
    names: Mapping[str, str] | None = None,
) -> Type:
    """The rule's type; RuleError for unknown facts and type errors. `result` demands a type
    (BOOL for an eligibility rule, NUMBER for a benefit estimate).

    Given the facts that are `shares` (changes and ratios, 0.3 = 30%) and the `choices` of
    coded text facts, a comparison of a fact with a literal is checked too: a share against a
    number not written as a percentage (`export_share >= 20`), a count against a percentage
    (`employees >= 20%`), a code the fact never takes (`size_class == "smal"`). `names`: the
    facts' other spellings (Chinese), offered when an unknown word is close to one."""
    t = _Checker(facts, shares, choices, names).visit(tree)
    if result is not None and t != result:
        raise _type_error(tree, "result", result, t)
    return t


def compile_rule(
    source: str,
    facts: Mapping[str, Type],
    *,
    result: Type | None = None,
    shares: frozenset[str] | None = None,
    choices: Mapping[str, frozenset[str]] | None = None,
    names: Mapping[str, str] | None = None,
) -> nodes.Node:
    """Parse and check: the tree to store, or RuleError. `names`: the facts' other spellings
    (Chinese) -> their registry names; a rule in either spelling gives the same tree."""
    tree = parse(source, names)
    check(tree, facts, result=result, shares=shares, choices=choices, names=names)
    return tree

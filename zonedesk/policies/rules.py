"""The eligibility rule language: parse, check, explain for one firm, evaluate for all firms.

Pure Python and NumPy, no Django: a rule is text such as

    industry_section == "C" and employees >= 20 and revenue_ytd_yoy <= -30%
    min(0.5 * interest_paid_wan, 50)

parsed into a small syntax tree and checked against the registry of facts before it is
stored. Nothing but the tree is ever evaluated: there is no eval, no attribute access, no
call except the whitelisted functions.

Grammar (lowest precedence first):
    expr     := and_expr ("or" and_expr)*
    and_expr := not_expr ("and" not_expr)*
    not_expr := "not" not_expr | compare
    compare  := arith [(== | != | < | <= | > | >= ) arith | ["not"] "in" list]
    arith    := term (("+" | "-") term)*
    term     := unary (("*" | "/") unary)*
    unary    := "-" unary | primary
    primary  := number ["%"] | string | true | false | name | name "(" args ")"
              | "(" expr ")" | list
    list     := "[" [expr ("," expr)*] "]"
≥ ≤ ≠ and Chinese quotes “…” are accepted too. Numbers are IEEE floats in both evaluators
(the same operations in the same order, so they agree to the bit); amounts are rounded to
Decimal cents by the caller.

Three-valued logic: a missing fact is *unknown* (None). Comparisons and arithmetic with an
unknown are unknown; "and" is false if any side is false, "or" true if any side is true,
otherwise unknown; a division by zero is unknown. A firm whose rule comes out unknown is
"undetermined", with the missing facts named.
"""

import difflib
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import numpy as np

# --- types and errors -------------------------------------------------------------------------


class Type(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOL = "bool"


TYPE_NAMES = {
    Type.NUMBER: ("数值", "a number"),
    Type.TEXT: ("文本", "text"),
    Type.BOOL: ("是/否", "true/false"),
}

MESSAGES = {
    # code: (Chinese, English)
    "unexpected_char": ("无法识别的字符“{char}”", "unexpected character “{char}”"),
    "single_equals": ("比较相等请用“==”", "use “==” to compare"),
    "unterminated": ("字符串缺少结束引号", "the text is missing its closing quote"),
    "bad_number": ("“{text}”不是有效的数字", "“{text}” is not a valid number"),
    "expected": ("此处应为{what}", "expected {what} here"),
    "unexpected_end": ("规则不完整：此处应为{what}", "the rule ends too early: expected {what}"),
    "trailing": ("多余的内容“{text}”", "unexpected “{text}” after the end of the rule"),
    "unknown_fact": ("未知的指标“{name}”{hint}", "unknown fact “{name}”{hint}"),
    "unknown_function": (
        "不支持的函数“{name}”（可用：{allowed}）",
        "unknown function “{name}” (allowed: {allowed})",
    ),
    "arity": ("函数 {name} 需要{count}个参数", "function {name} takes {count} arguments"),
    "type": ("{what}应为{expected}，实为{actual}", "{what} must be {expected}, not {actual}"),
    "mixed_list": ("列表中的值类型应一致", "the values of a list must all be of one type"),
    "empty": ("规则为空", "the rule is empty"),
    "too_long": (
        "规则过长（最多 {max} 个字符）",
        "the rule is too long (at most {max} characters)",
    ),
    "too_deep": ("规则嵌套过深", "the rule is nested too deeply"),
    "share_literal": (
        "{name} 是比率，请写成百分数，例如 {example}",
        "{name} is a share or a change: write a percentage, e.g. {example}",
    ),
    "not_share": (
        "{name} 不是比率，不能与百分数比较",
        "{name} is not a share: it cannot be compared with a percentage",
    ),
    "not_a_choice": (
        "{name} 没有“{value}”这个值（可用：{allowed}）",
        "{name} has no value “{value}” (its values: {allowed})",
    ),
    "round_places": (
        "round 的第二个参数应为 0 到 6 的整数",
        "round's second argument must be a whole number from 0 to 6",
    ),
}
WHAT = {
    "value": ("一个值", "a value"),
    "close_paren": ("“)”", "“)”"),
    "close_bracket": ("“]”", "“]”"),
    "list": ('列表，例如 ["C", "D"]', 'a list, e.g. ["C", "D"]'),
    "condition": ("条件", "a condition"),
    "number_operand": ("运算的对象", "an operand of arithmetic"),
    "comparison": ("比较的两边", "both sides of a comparison"),
    "logic": ("and/or/not 的对象", "an operand of and/or/not"),
    "argument": ("函数参数", "a function argument"),
    "result": ("规则的结果", "the rule's result"),
}
MAX_LENGTH = 2000
MAX_DEPTH = 40


class RuleError(ValueError):
    """A rule that cannot be used, with the position (0-based character offset) it points at."""

    def __init__(self, code: str, position: int, **params):
        self.code, self.position, self.params = code, position, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        i = 0 if lang.startswith("zh") else 1
        params = {k: (v[i] if isinstance(v, tuple) else v) for k, v in self.params.items()}
        text = (zh if i == 0 else en).format(**params)
        where = (
            f"第 {self.position + 1} 个字符处："
            if i == 0
            else f"at character {self.position + 1}: "
        )
        return where + text

    def pointer(self, source: str) -> str:
        """The rule with a caret under the position, for monospaced display."""
        return f"{source}\n{' ' * self.position}^"


# --- tokens -----------------------------------------------------------------------------------

KEYWORDS = {"and", "or", "not", "in", "true", "false"}
TWO_CHAR = {"==", "!=", "<=", ">="}
ONE_CHAR = set("<>+-*/()[],%")
ALIASES = {"≥": ">=", "≤": "<=", "≠": "!=", "（": "(", "）": ")", "，": ","}
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    text: str
    position: int
    value: object = None


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_LENGTH:
        raise RuleError("too_long", MAX_LENGTH, max=MAX_LENGTH)
    tokens, i, n = [], 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in ALIASES:
            tokens.append(Token("op", ALIASES[ch], i))
            i += 1
        elif source[i : i + 2] in TWO_CHAR:
            tokens.append(Token("op", source[i : i + 2], i))
            i += 2
        elif ch in ONE_CHAR:
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch in QUOTES:
            end = source.find(QUOTES[ch], i + 1)
            if end < 0:
                raise RuleError("unterminated", i)
            tokens.append(Token("string", source[i : end + 1], i, source[i + 1 : end]))
            i = end + 1
        elif ch.isascii() and (ch.isdigit() or (ch == "." and source[i + 1 : i + 2].isdigit())):
            j = i
            while j < n and source[j].isascii() and (source[j].isdigit() or source[j] in "._"):
                j += 1
            text = source[i:j].replace("_", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise RuleError("bad_number", i, text=source[i:j]) from None
            if text.count(".") > 1 or not value.is_finite():
                raise RuleError("bad_number", i, text=source[i:j])
            tokens.append(Token("number", source[i:j], i, value))
            i = j
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i
            while j < n and source[j].isascii() and (source[j].isalnum() or source[j] == "_"):
                j += 1
            word = source[i:j]
            tokens.append(Token("keyword" if word.lower() in KEYWORDS else "name", word, i))
            i = j
        elif ch == "=":
            raise RuleError("single_equals", i)
        else:
            raise RuleError("unexpected_char", i, char=ch)
    tokens.append(Token("end", "", n))
    return tokens


# --- syntax tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    position: int = field(compare=False, kw_only=True)
    end: int = field(compare=False, kw_only=True)


@dataclass(frozen=True)
class Number(Node):
    value: float
    percent: bool = field(default=False, compare=False, kw_only=True)  # written as 30%


@dataclass(frozen=True)
class Text(Node):
    value: str


@dataclass(frozen=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True)
class Fact(Node):
    name: str


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    operand: Node
    options: ListOf
    negated: bool = False


@dataclass(frozen=True)
class Logic(Node):
    op: str  # and / or
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


FUNCTIONS = {"min": (2, 8), "max": (2, 8), "abs": (1, 1), "round": (1, 2), "if": (3, 3)}


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.tok
        if tok.kind != kind:
            return False
        return text is None or tok.text.lower() == text

    def expect_op(self, text: str, what: str) -> Token:
        if not self.at("op", text):
            self.fail(what)
        return self.take()

    def fail(self, what: str):
        tok = self.tok
        code = "unexpected_end" if tok.kind == "end" else "expected"
        raise RuleError(code, tok.position, what=WHAT[what])

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleError("too_deep", self.tok.position)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise RuleError("empty", 0)
        node = self.expr()
        if self.tok.kind != "end":
            raise RuleError("trailing", self.tok.position, text=self.tok.text)
        return node

    def expr(self) -> Node:
        self.nested()
        node = self.logic("or", self.and_expr)
        self.depth -= 1
        return node

    def and_expr(self) -> Node:
        return self.logic("and", self.not_expr)

    def logic(self, op: str, inner) -> Node:
        first = inner()
        operands = [first]
        while self.at("keyword", op):
            self.take()
            operands.append(inner())
        if len(operands) == 1:
            return first
        return Logic(op, tuple(operands), position=first.position, end=operands[-1].end)

    def not_expr(self) -> Node:
        if self.at("keyword", "not"):
            start = self.take().position
            self.nested()
            operand = self.not_expr()
            self.depth -= 1
            return Not(operand, position=start, end=operand.end)
        return self.compare()

    def compare(self) -> Node:
        left = self.arith()
        if self.tok.kind == "op" and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take().text
            right = self.arith()
            return Compare(op, left, right, position=left.position, end=right.end)
        negated = False
        if self.at("keyword", "not") and self.tokens[self.i + 1].text.lower() == "in":
            self.take()
            negated = True
        if self.at("keyword", "in"):
            self.take()
            if not self.at("op", "["):
                self.fail("list")
            options = self.list_()
            return In(left, options, negated, position=left.position, end=options.end)
        return left

    def arith(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take().text
            right = self.term()
            node = Arith(op, node, right, position=node.position, end=right.end)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.take().text
            right = self.unary()
            node = Arith(op, node, right, position=node.position, end=right.end)
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            start = self.take().position
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return Neg(operand, position=start, end=operand.end)
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            value, end = tok.value, tok.position + len(tok.text)
            percent = self.at("op", "%")
            if percent:
                end = self.take().position + 1
                value = value / 100
            return Number(float(value), position=tok.position, end=end, percent=percent)
        if tok.kind == "string":
            self.take()
            return Text(tok.value, position=tok.position, end=tok.position + len(tok.text))
        if tok.kind == "keyword" and tok.text.lower() in ("true", "false"):
            self.take()
            return Bool(
                tok.text.lower() == "true", position=tok.position, end=tok.position + len(tok.text)
            )
        if tok.kind == "name":
            self.take()
            if self.at("op", "("):
                return self.call(tok)
            return Fact(tok.text, position=tok.position, end=tok.position + len(tok.text))
        if self.at("op", "("):
            self.take()
            node = self.expr()
            self.expect_op(")", "close_paren")
            return node
        if self.at("op", "["):
            return self.list_()
        self.fail("value")
        raise AssertionError  # unreachable: fail raises

    def list_(self) -> ListOf:
        start = self.take().position  # "["
        items = []
        if not self.at("op", "]"):
            items.append(self.expr())
            while self.at("op", ","):
                self.take()
                items.append(self.expr())
        end = self.expect_op("]", "close_bracket").position + 1
        return ListOf(tuple(items), position=start, end=end)

    def call(self, name: Token) -> Call:
        fn = name.text.lower()
        if fn not in FUNCTIONS:
            raise RuleError(
                "unknown_function", name.position, name=name.text, allowed=", ".join(FUNCTIONS)
            )
        self.take()  # "("
        args = []
        if not self.at("op", ")"):
            args.append(self.expr())
            while self.at("op", ","):
                self.take()
                args.append(self.expr())
        end = self.expect_op(")", "close_paren").position + 1
        low, high = FUNCTIONS[fn]
        if not low <= len(args) <= high:
            count = str(low) if low == high else f"{low}–{high}"
            raise RuleError("arity", name.position, name=fn, count=count)
        return Call(fn, tuple(args), position=name.position, end=end)


def parse(source: str) -> Node:
    """The syntax tree of a rule; RuleError (with a position) when it is not well formed."""
    return _Parser(source).parse()


# --- checking ---------------------------------------------------------------------------------


def _type_error(node: Node, what: str, expected: Type, actual: Type) -> RuleError:
    return RuleError(
        "type",
        node.position,
        what=WHAT[what],
        expected=TYPE_NAMES[expected],
        actual=TYPE_NAMES[actual],
    )


def check(
    tree: Node,
    facts: Mapping[str, Type],
    *,
    result: Type | None = None,
    shares: frozenset[str] | None = None,
    choices: Mapping[str, frozenset[str]] | None = None,
) -> Type:
    """The rule's type; RuleError for unknown facts and type errors. `result` demands a type
    (BOOL for an eligibility rule, NUMBER for a benefit estimate).

    Given the facts that are `shares` (changes and ratios, 0.3 = 30%) and the `choices` of
    coded text facts, a comparison of a fact with a literal is checked too: a share against a
    number not written as a percentage (`export_share >= 20`), a count against a percentage
    (`employees >= 20%`), a code the fact never takes (`size_class == "smal"`)."""
    choices = choices or {}

    def literal(fact: Node, value: Node) -> None:
        if not isinstance(fact, Fact) or shares is None:
            return
        name = fact.name
        sign, number = 1, value
        if isinstance(value, Neg) and isinstance(value.operand, Number):
            sign, number = -1, value.operand
        if isinstance(number, Number):
            if name in shares and not number.percent and number.value != 0:
                example = f"{sign * number.value:g}%"
                raise RuleError("share_literal", value.position, name=name, example=example)
            if name not in shares and number.percent:
                raise RuleError("not_share", value.position, name=name)
        elif isinstance(value, Text) and name in choices and value.value not in choices[name]:
            allowed = ", ".join(f'"{c}"' for c in sorted(choices[name]))
            raise RuleError(
                "not_a_choice", value.position, name=name, value=value.value, allowed=allowed
            )

    def visit(node: Node) -> Type:
        match node:
            case Number():
                return Type.NUMBER
            case Text():
                return Type.TEXT
            case Bool():
                return Type.BOOL
            case Fact(name=name):
                if name not in facts:
                    close = difflib.get_close_matches(name, list(facts), n=1)
                    hint = (
                        (f"，是否指 {close[0]}？", f"; did you mean {close[0]}?")
                        if close
                        else ("", "")
                    )
                    raise RuleError("unknown_fact", node.position, name=name, hint=hint)
                return facts[name]
            case Neg(operand=operand):
                t = visit(operand)
                if t != Type.NUMBER:
                    raise _type_error(operand, "number_operand", Type.NUMBER, t)
                return Type.NUMBER
            case Not(operand=operand):
                t = visit(operand)
                if t != Type.BOOL:
                    raise _type_error(operand, "logic", Type.BOOL, t)
                return Type.BOOL
            case Arith(left=left, right=right):
                for side in (left, right):
                    t = visit(side)
                    if t != Type.NUMBER:
                        raise _type_error(side, "number_operand", Type.NUMBER, t)
                return Type.NUMBER
            case Compare(op=op, left=left, right=right):
                lt, rt = visit(left), visit(right)
                if lt != rt:
                    raise _type_error(right, "comparison", lt, rt)
                if op not in ("==", "!=") and lt != Type.NUMBER:
                    raise _type_error(left, "comparison", Type.NUMBER, lt)
                literal(left, right)
                literal(right, left)
                return Type.BOOL
            case In(operand=operand, options=options):
                t = visit(operand)
                for item in options.items:
                    it = visit(item)
                    if it != t:
                        raise _type_error(item, "comparison", t, it)
                    literal(operand, item)
                return Type.BOOL
            case ListOf():
                raise RuleError("expected", node.position, what=WHAT["value"])
            case Logic(operands=operands):
                for operand in operands:
                    t = visit(operand)
                    if t != Type.BOOL:
                        raise _type_error(operand, "logic", Type.BOOL, t)
                return Type.BOOL
            case Call(name="if", args=(cond, a, b)):
                t = visit(cond)
                if t != Type.BOOL:
                    raise _type_error(cond, "condition", Type.BOOL, t)
                at, bt = visit(a), visit(b)
                if at != bt:
                    raise _type_error(b, "argument", at, bt)
                return at
            case Call(name="round", args=args):
                t = visit(args[0])
                if t != Type.NUMBER:
                    raise _type_error(args[0], "argument", Type.NUMBER, t)
                if len(args) == 2 and not (
                    isinstance(args[1], Number)
                    and args[1].value.is_integer()
                    and 0 <= args[1].value <= 6
                ):
                    raise RuleError("round_places", args[1].position)
                return Type.NUMBER
            case Call(args=args):
                for arg in args:
                    t = visit(arg)
                    if t != Type.NUMBER:
                        raise _type_error(arg, "argument", Type.NUMBER, t)
                return Type.NUMBER
        raise AssertionError(node)  # every node kind is matched above

    t = visit(tree)
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
) -> Node:
    """Parse and check: the tree to store, or RuleError."""
    tree = parse(source)
    check(tree, facts, result=result, shares=shares, choices=choices)
    return tree


def facts_used(tree: Node) -> set[str]:
    out = set()

    def walk(node):
        if isinstance(node, Fact):
            out.add(node.name)
        for value in vars(node).values():
            if isinstance(value, Node):
                walk(value)
            elif isinstance(value, tuple):
                for v in value:
                    if isinstance(v, Node):
                        walk(v)

    walk(tree)
    return out


# --- one firm, explained -----------------------------------------------------------------------


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


def explain(tree: Node, facts: Mapping[str, object], source: str = "") -> Explanation:
    """Evaluate for one firm, recording every condition with the firm's values."""
    conditions: list[Condition] = []
    missing: set[str] = set()

    def fact(name):
        v = facts.get(name)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            missing.add(name)
            return None
        return v

    def record(node, outcome):
        used = facts_used(node)
        conditions.append(
            Condition(
                text=source[node.position : node.end] if source else "",
                outcome=outcome,
                values={name: facts.get(name) for name in sorted(used)},
            )
        )
        return outcome

    def ev(node):
        match node:
            case Number(value=v):
                return v
            case Text(value=v) | Bool(value=v):
                return v
            case Fact(name=name):
                v = fact(name)
                if isinstance(v, bool) or v is None or isinstance(v, str):
                    return v
                return _num(v)
            case Neg(operand=o):
                v = ev(o)
                return None if v is None else -v
            case Not(operand=o):
                v = flag(o)
                return None if v is None else not v
            case Arith(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                if a is None or b is None or (op == "/" and b == 0):
                    return None
                v = ARITH[op](a, b)
                return None if math.isnan(v) else v
            case Compare(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                if a is None or b is None:
                    return record(node, None)
                return record(node, bool(COMPARE[op](a, b)))
            case In(operand=o, options=options, negated=negated):
                v = ev(o)
                items = [ev(i) for i in options.items]
                if v is None:
                    return record(node, None)
                if v in [i for i in items if i is not None]:
                    return record(node, not negated)
                if any(i is None for i in items):
                    return record(node, None)
                return record(node, negated)
            case Logic(op="and", operands=operands):
                values = [flag(o) for o in operands]
                if any(v is False for v in values):
                    return False
                return None if any(v is None for v in values) else True
            case Logic(op="or", operands=operands):
                values = [flag(o) for o in operands]
                if any(v is True for v in values):
                    return True
                return None if any(v is None for v in values) else False
            case Call(name="if", args=(cond, a, b)):
                c = ev(cond)
                x, y = ev(a), ev(b)
                if c is None:
                    return None
                return x if c else y
            case Call(name="round", args=args):
                v = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                return None if v is None else _round(v, places)
            case Call(name="abs", args=(a,)):
                v = ev(a)
                return None if v is None else abs(v)
            case Call(name=fn, args=args):
                values = [ev(a) for a in args]
                if any(v is None for v in values):
                    return None
                return min(values) if fn == "min" else max(values)
        raise AssertionError(node)

    def facts_kind(node) -> bool:
        return isinstance(facts.get(node.name), bool) or node.name in missing

    def flag(node):
        """A yes/no operand; a yes/no fact used as a condition is recorded as one."""
        v = ev(node)
        if isinstance(node, Fact):
            record(node, v)
        return v

    value = flag(tree) if isinstance(tree, Fact) and facts_kind(tree) else ev(tree)
    return Explanation(value, tuple(conditions), frozenset(missing))


# --- every firm at once ------------------------------------------------------------------------


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


def evaluate(tree: Node, columns: Mapping[str, Column], n: int) -> Column:
    """The rule for all n firms at once: the same results as `explain` row by row."""

    known_everywhere = np.broadcast_to(np.True_, (n,))

    def const(value) -> Column:
        # Read-only views of one value, not n copies: every operation below makes new arrays.
        if isinstance(value, bool):
            return Column(np.broadcast_to(np.bool_(value), (n,)), known_everywhere)
        if isinstance(value, str):
            return Column(np.broadcast_to(np.str_(value), (n,)), known_everywhere)
        return Column(np.broadcast_to(np.float64(value), (n,)), known_everywhere)

    def ev(node) -> Column:
        match node:
            case Number(value=v) | Text(value=v) | Bool(value=v):
                return const(v)
            case Fact(name=name):
                return columns[name]
            case Neg(operand=o):
                c = ev(o)
                return Column(-c.values, c.known)
            case Not(operand=o):
                c = ev(o)
                return Column(~c.values, c.known)
            case Arith(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                known = a.known & b.known
                with np.errstate(all="ignore"):
                    if op == "+":
                        v = a.values + b.values
                    elif op == "-":
                        v = a.values - b.values
                    elif op == "*":
                        v = a.values * b.values
                    else:
                        zero = b.values == 0
                        v = a.values / np.where(zero, 1.0, b.values)
                        known = known & ~zero
                return Column(v, known & ~np.isnan(v))
            case Compare(op=op, left=left, right=right):
                a, b = ev(left), ev(right)
                known = a.known & b.known
                with np.errstate(invalid="ignore"):
                    v = {
                        "==": np.equal,
                        "!=": np.not_equal,
                        "<": np.less,
                        "<=": np.less_equal,
                        ">": np.greater,
                        ">=": np.greater_equal,
                    }[op](a.values, b.values)
                return Column(np.asarray(v, dtype=bool) & known, known)
            case In(operand=o, options=options, negated=negated):
                c = ev(o)
                hit = np.zeros(n, dtype=bool)
                unknown_item = np.zeros(n, dtype=bool)
                for item in options.items:
                    i = ev(item)
                    hit |= i.known & np.asarray(c.values == i.values, dtype=bool)
                    unknown_item |= ~i.known
                known = c.known & (hit | ~unknown_item)
                v = (hit != negated) & known
                return Column(v, known)
            case Logic(op=op, operands=operands):
                cols = [ev(o) for o in operands]
                if op == "and":
                    false = np.zeros(n, dtype=bool)
                    for c in cols:
                        false |= c.known & ~c.values
                    all_known = np.logical_and.reduce([c.known for c in cols])
                    true = np.logical_and.reduce([c.values & c.known for c in cols])
                    known = false | all_known
                    return Column(true & ~false & known, known)
                true = np.zeros(n, dtype=bool)
                for c in cols:
                    true |= c.known & c.values
                all_known = np.logical_and.reduce([c.known for c in cols])
                known = true | all_known
                return Column(true, known)
            case Call(name="if", args=(cond, a, b)):
                c, x, y = ev(cond), ev(a), ev(b)
                v = np.where(c.values, x.values, y.values)
                known = c.known & np.where(c.values, x.known, y.known)
                return Column(v, known)
            case Call(name="round", args=args):
                c = ev(args[0])
                places = int(args[1].value) if len(args) == 2 else 0
                scale = 10.0**places
                with np.errstate(all="ignore"):
                    return Column(np.floor(c.values * scale + 0.5) / scale, c.known)
            case Call(name="abs", args=(a,)):
                c = ev(a)
                return Column(np.abs(c.values), c.known)
            case Call(name=fn, args=args):
                cols = [ev(a) for a in args]
                stack = np.vstack([c.values for c in cols])
                with np.errstate(invalid="ignore"):
                    v = np.min(stack, axis=0) if fn == "min" else np.max(stack, axis=0)
                return Column(v, np.logical_and.reduce([c.known for c in cols]))
        raise AssertionError(node)

    return ev(tree)

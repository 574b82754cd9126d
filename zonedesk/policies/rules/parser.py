"""Tokens to a syntax tree by recursive descent, following the grammar in the package docstring.

`names` maps the other spellings of facts (their Chinese names) to the names the registry knows,
so a rule written in Chinese gives the same tree as the one written in English; the Fact node
keeps the word as written (`written`, not compared) for messages that quote it."""

from collections.abc import Mapping

from zonedesk.policies.rules import nodes
from zonedesk.policies.rules.errors import MAX_DEPTH, WHAT, RuleError
from zonedesk.policies.rules.tokens import Token, tokenize


class _Parser:
    def __init__(self, source: str, names: Mapping[str, str] | None = None):
        self.source = source
        self.names = names or {}
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
        return text is None or (tok.value if kind == "keyword" else tok.text.lower()) == text

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

    def parse(self) -> nodes.Node:
        if self.tok.kind == "end":
            raise RuleError("empty", 0)
        node = self.expr()
        if self.tok.kind != "end":
            raise RuleError("trailing", self.tok.position, text=self.tok.text)
        return node

    def expr(self) -> nodes.Node:
        self.nested()
        node = self.logic("or", self.and_expr)
        self.depth -= 1
        return node

    def and_expr(self) -> nodes.Node:
        return self.logic("and", self.not_expr)

    def logic(self, op: str, inner) -> nodes.Node:
        first = inner()
        operands = [first]
        while self.at("keyword", op):
            self.take()
            operands.append(inner())
        if len(operands) == 1:
            return first
        return nodes.Logic(op, tuple(operands), position=first.position, end=operands[-1].end)

    def not_expr(self) -> nodes.Node:
        if self.at("keyword", "not"):
            start = self.take().position
            self.nested()
            operand = self.not_expr()
            self.depth -= 1
            return nodes.Not(operand, position=start, end=operand.end)
        return self.compare()

    def compare(self) -> nodes.Node:
        left = self.arith()
        if self.tok.kind == "op" and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take().text
            right = self.arith()
            return nodes.Compare(op, left, right, position=left.position, end=right.end)
        negated = False
        if self.at("keyword", "not") and self.tokens[self.i + 1].value == "in":
            self.take()
            negated = True
        if self.at("keyword", "in"):
            self.take()
            if not self.at("op", "["):
                self.fail("list")
            options = self.list_()
            return nodes.In(left, options, negated, position=left.position, end=options.end)
        return left

    def arith(self) -> nodes.Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take().text
            right = self.term()
            node = nodes.Arith(op, node, right, position=node.position, end=right.end)
        return node

    def term(self) -> nodes.Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.take().text
            right = self.unary()
            node = nodes.Arith(op, node, right, position=node.position, end=right.end)
        return node

    def unary(self) -> nodes.Node:
        if self.at("op", "-"):
            start = self.take().position
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return nodes.Neg(operand, position=start, end=operand.end)
        return self.primary()

    def primary(self) -> nodes.Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            value, end = tok.value, tok.position + len(tok.text)
            percent = self.at("op", "%")
            if percent:
                end = self.take().position + 1
                value = value / 100
            return nodes.Number(float(value), position=tok.position, end=end, percent=percent)
        if tok.kind == "string":
            self.take()
            return nodes.Text(tok.value, position=tok.position, end=tok.position + len(tok.text))
        if tok.kind == "keyword" and tok.value in ("true", "false"):
            self.take()
            return nodes.Bool(
                tok.value == "true", position=tok.position, end=tok.position + len(tok.text)
            )
        if tok.kind == "name":
            self.take()
            if self.at("op", "("):
                return self.call(tok)
            return nodes.Fact(
                self.names.get(tok.text, tok.text),
                written=tok.text,
                position=tok.position,
                end=tok.position + len(tok.text),
            )
        if self.at("op", "("):
            self.take()
            node = self.expr()
            self.expect_op(")", "close_paren")
            return node
        if self.at("op", "["):
            return self.list_()
        self.fail("value")
        raise AssertionError  # unreachable: fail raises

    def list_(self) -> nodes.ListOf:
        start = self.take().position  # "["
        items = []
        if not self.at("op", "]"):
            items.append(self.expr())
            while self.at("op", ","):
                self.take()
                items.append(self.expr())
        end = self.expect_op("]", "close_bracket").position + 1
        return nodes.ListOf(tuple(items), position=start, end=end)

    def call(self, name: Token) -> nodes.Call:
        fn = nodes.FUNCTION_NAMES.get(name.text, name.text.lower())
        if fn not in nodes.FUNCTIONS:
            raise RuleError(
                "unknown_function",
                name.position,
                name=name.text,
                allowed=", ".join(nodes.FUNCTIONS),
            )
        self.take()  # "("
        args = []
        if not self.at("op", ")"):
            args.append(self.expr())
            while self.at("op", ","):
                self.take()
                args.append(self.expr())
        end = self.expect_op(")", "close_paren").position + 1
        low, high = nodes.FUNCTIONS[fn]
        if not low <= len(args) <= high:
            count = str(low) if low == high else f"{low}–{high}"
            raise RuleError("arity", name.position, name=fn, count=count)
        return nodes.Call(fn, tuple(args), position=name.position, end=end)


def parse(source: str, names: Mapping[str, str] | None = None) -> nodes.Node:
    """The syntax tree of a rule; RuleError (with a position) when it is not well formed.
    `names`: other spellings of fact names (Chinese) -> the registry's names."""
    return _Parser(source, names).parse()

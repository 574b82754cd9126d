"""A rule in words: the sentence a firm or an official reads instead of the rule's code.

`describe(node, vocabulary, lang)` turns a tree (a whole rule, or one condition of an
explanation) into a sentence in Chinese or English: `days_halted_ytd >= 45` (or
`本年累计停产天数 >= 45`) reads "本年累计停产天数不少于 45 天" / "days halted, year to date: at
least 45 days". The vocabulary names each fact, its unit and the words for its coded values;
nothing here knows the registry (facts.VOCABULARY is the registry's).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from zonedesk.policies.rules import nodes


@dataclass(frozen=True)
class Term:
    """A fact as a sentence names it: short labels, its unit, and its coded values in words."""

    zh: str
    en: str
    unit: str = ""  # 人, 天, 年, 万元, % (as in facts.FactDef)
    values: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # code -> (zh, en)


UNITS = {
    "人": ("人", "people"),
    "天": ("天", "days"),
    "年": ("年", "years"),
    "万元": ("万元", "10k yuan"),
    "%": ("%", "%"),
}
COUNTED = {"人", "天"}  # units of counts: 不少于 / 多于, not 不低于 / 高于
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
OPS = {
    # op: (zh for amounts and rates, zh for counts, en)
    ">=": ("不低于", "不少于", "at least"),
    ">": ("高于", "多于", "more than"),
    "<=": ("不高于", "不超过", "at most"),
    "<": ("低于", "少于", "less than"),
    "==": ("为", "为", "is"),
    "!=": ("不为", "不为", "is not"),
}
ARITH = {"+": "+", "-": "−", "*": "×", "/": "÷"}
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def number(value: float, *, percent: bool = False) -> str:
    """A literal as people write it: 1,000, 0.5, 30% (a share written as a percentage)."""
    if percent:
        return number(round(value * 100, 10)) + "%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


class _Words:
    def __init__(self, vocabulary: Mapping[str, Term], lang: str):
        self.vocabulary = vocabulary
        self.zh = lang.startswith("zh")

    def pick(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def term(self, node: nodes.Node) -> Term | None:
        return self.vocabulary.get(node.name) if isinstance(node, nodes.Fact) else None

    def label(self, node: nodes.Fact) -> str:
        term = self.vocabulary.get(node.name)
        if term is None:
            return node.as_written
        return self.pick(term.zh, term.en)

    # --- values -------------------------------------------------------------------------

    def literal(self, node: nodes.Node, term: Term | None = None) -> str:
        """A literal compared with a fact, in the fact's unit and words."""
        match node:
            case nodes.Number(value=v, percent=p):
                shown = number(v, percent=p or bool(term and term.unit == "%"))
                unit = term.unit if term and term.unit not in ("", "%") else ""
                if unit:
                    return f"{shown} {self.pick(*UNITS[unit])}"
                return shown
            case nodes.Neg(operand=nodes.Number(value=v, percent=p)):
                return self.literal(nodes.Number(-v, percent=p, position=0, end=0), term)
            case nodes.Text(value=v):
                if term and v in term.values:
                    return self.pick(*term.values[v])
                return f"“{v}”" if self.zh else f'"{v}"'
            case nodes.Bool(value=v):
                return self.pick("是" if v else "否", "yes" if v else "no")
        return self.expr(node)

    def expr(self, node: nodes.Node, outer: int = 0) -> str:
        """A value: facts by their labels, arithmetic with × ÷, functions in words."""
        match node:
            case nodes.Fact():
                return self.label(node)
            case nodes.Number() | nodes.Text() | nodes.Bool():
                return self.literal(node)
            case nodes.Neg(operand=o):
                return "-" + self.expr(o, 3)
            case nodes.Arith(op=op, left=left, right=right):
                p = PRECEDENCE[op]
                text = f"{self.expr(left, p)} {ARITH[op]} {self.expr(right, p + 1)}"
                return f"({text})" if p < outer else text
            case nodes.ListOf(items=items):
                return self.pick("、", ", ").join(self.literal(i) for i in items)
            case nodes.Call():
                return self.call(node)
        return self.sentence(node, nested=True)

    def call(self, node: nodes.Call) -> str:
        args = [self.expr(a) for a in node.args]
        match node.name:
            case "min" | "max":
                zh = "较小者" if node.name == "min" else "较大者"
                en = "the smaller" if node.name == "min" else "the larger"
                return self.pick(f"{'、'.join(args)} 中的{zh}", f"{en} of {', '.join(args)}")
            case "abs":
                return self.pick(f"{args[0]}的绝对值", f"the absolute value of {args[0]}")
            case "round":
                places = args[1] if len(args) == 2 else "0"
                return self.pick(
                    f"{args[0]}（四舍五入保留 {places} 位小数）",
                    f"{args[0]} rounded to {places} places",
                )
            case "if":
                cond = self.sentence(node.args[0], nested=True)
                return self.pick(
                    f"若{cond}则为 {args[1]}，否则为 {args[2]}",
                    f"{args[1]} if {cond}, otherwise {args[2]}",
                )
        return f"{node.name}({', '.join(args)})"

    # --- conditions -------------------------------------------------------------------------

    def compare(self, op: str, left: nodes.Node, right: nodes.Node) -> str:
        if self.term(right) is not None and self.term(left) is None:
            op, left, right = FLIP[op], right, left
        term = self.term(left)
        counted = bool(term and term.unit in COUNTED)
        zh_op, zh_count, en_op = OPS[op]
        words = self.pick(zh_count if counted else zh_op, en_op)
        if term is not None:
            value = self.literal(right, term)
            if isinstance(right, nodes.Text | nodes.Bool) or op in ("==", "!="):
                return self.pick(
                    f"{self.label(left)}{words}{value}", f"{self.label(left)} {words} {value}"
                )
            return self.pick(
                f"{self.label(left)}{words} {value}", f"{self.label(left)}: {words} {value}"
            )
        return self.pick(
            f"{self.expr(left)} {words} {self.expr(right)}",
            f"{self.expr(left)} {words} {self.expr(right)}",
        )

    def sentence(self, node: nodes.Node, nested: bool = False) -> str:
        match node:
            case nodes.Compare(op=op, left=left, right=right):
                return self.compare(op, left, right)
            case nodes.In(operand=o, options=options, negated=negated):
                term = self.term(o)
                items = self.pick("、", ", ").join(self.literal(i, term) for i in options.items)
                what = self.label(o) if isinstance(o, nodes.Fact) else self.expr(o)
                if negated:
                    return self.pick(f"{what}不为{items}", f"{what} is none of {items}")
                return self.pick(f"{what}为{items}之一", f"{what} is one of {items}")
            case nodes.Fact():
                return self.pick(f"是{self.label(node)}", self.label(node))
            case nodes.Not(operand=nodes.Fact() as fact):
                return self.pick(f"不是{self.label(fact)}", f"not {self.label(fact)}")
            case nodes.Not(operand=o):
                return self.pick(f"不满足：（{self.sentence(o)}）", f"not ({self.sentence(o)})")
            case nodes.Logic(op=op, operands=operands):
                joint = self.pick(
                    "，且" if op == "and" else "，或", "; and " if op == "and" else "; or "
                )
                text = joint.join(self.sentence(o, nested=True) for o in operands)
                return self.pick(f"（{text}）", f"({text})") if nested else text
            case nodes.Bool(value=v):
                return self.pick("所有企业" if v else "无", "every firm" if v else "none")
        return self.expr(node)


def describe(
    node: nodes.Node, vocabulary: Mapping[str, Term], lang: str = "zh", *, condition: bool = True
) -> str:
    """The rule (or one of its conditions) as a sentence in `lang`; condition=False for a
    benefit formula (a value, not a condition)."""
    words = _Words(vocabulary, lang)
    return words.sentence(node) if condition else words.expr(node)

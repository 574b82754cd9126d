"""The facts a bank product's eligibility rule may read: every fact of support measures (the
firm's registry entry and its monthly figures, policies.facts) and the facts of the need itself
(amount, term, purpose, collateral) and of the firm's age. One registry, so a product's rule is
written, checked and put in words exactly as a measure's (policies.rules)."""

import datetime as dt
from decimal import Decimal

from zonedesk.policies import facts as firm_facts
from zonedesk.policies import rules
from zonedesk.policies.rules import Type

# (name, type, zh, en, unit, Chinese aliases)
NEED_FACTS = [
    ("amount_wan", Type.NUMBER, "申请金额", "amount asked", "万元", ("融资金额",)),
    ("term_months", Type.NUMBER, "申请期限（月）", "term asked (months)", "", ("期限",)),
    (
        "purpose",
        Type.TEXT,
        '用途："working_capital" 流动资金、"equipment" 设备购置、"construction" 项目建设、'
        '"bridge" 转贷',
        'purpose: "working_capital", "equipment", "construction", "bridge"',
        "",
        ("融资用途",),
    ),
    (
        "collateral",
        Type.TEXT,
        '担保方式："property" 不动产、"equipment" 设备、"receivables" 应收账款、"orders" 订单、'
        '"ip" 知识产权、"guarantee" 保证、"none" 无',
        'collateral: "property", "equipment", "receivables", "orders", "ip", "guarantee", "none"',
        "",
        ("抵质押物",),
    ),
    (
        "years_in_operation",
        Type.NUMBER,
        "经营年限（自成立之日起，年）",
        "years in operation (since establishment)",
        "年",
        ("成立年限",),
    ),
]
NEED_CHOICES = {
    "purpose": frozenset({"working_capital", "equipment", "construction", "bridge"}),
    "collateral": frozenset(
        {"property", "equipment", "receivables", "orders", "ip", "guarantee", "none"}
    ),
}
NEED_VALUE_WORDS = {
    "purpose": {
        "working_capital": ("流动资金", "working capital"),
        "equipment": ("设备购置", "equipment"),
        "construction": ("项目建设", "construction"),
        "bridge": ("转贷", "bridge"),
    },
    "collateral": {
        "property": ("不动产抵押", "property"),
        "equipment": ("设备抵押", "equipment"),
        "receivables": ("应收账款质押", "receivables"),
        "orders": ("订单", "orders"),
        "ip": ("知识产权质押", "intellectual property"),
        "guarantee": ("保证担保", "guarantee"),
        "none": ("无抵押", "none"),
    },
}


def _short(text: str) -> str:
    for sep in ("（", "：", ": ", " ("):
        text = text.split(sep, 1)[0]
    return text


TYPES: dict[str, Type] = {**firm_facts.TYPES, **{n: t for n, t, *_r in NEED_FACTS}}
SHARES = firm_facts.SHARES
CHOICES = {**firm_facts.CHOICES, **NEED_CHOICES}
NAMES: dict[str, str] = {
    **firm_facts.NAMES,
    **{zh: n for n, _t, label, _e, _u, aliases in NEED_FACTS for zh in (_short(label), *aliases)},
}
VOCABULARY: dict[str, rules.Term] = {
    **firm_facts.VOCABULARY,
    **{
        n: rules.Term(_short(zh), _short(en), unit, NEED_VALUE_WORDS.get(n, {}))
        for n, _t, zh, en, unit, _a in NEED_FACTS
    },
}
LABELS: dict[str, tuple[str, str]] = {
    **{n: (f.zh, f.en) for n, f in firm_facts.FACTS.items()},
    **{n: (zh, en) for n, _t, zh, en, _u, _a in NEED_FACTS},
}


def compile_rule(source: str) -> rules.Node:
    """A product's eligibility as its bank writes it (English or Chinese names), held to the
    registry; RuleError says what is wrong and where."""
    return rules.compile_rule(
        source or "true", TYPES, result=Type.BOOL, shares=SHARES, choices=CHOICES, names=NAMES
    )


def parse_rule(source: str) -> rules.Node:
    return rules.parse(source or "true", NAMES)


def sentence(tree: rules.Node, lang: str = "zh") -> str:
    return rules.describe(tree, VOCABULARY, lang)


def years_between(start: dt.date | None, day: dt.date) -> float | None:
    """Whole and part years from `start` to `day` (365.25 days a year); None when unknown."""
    if start is None:
        return None
    return max((day - start).days, 0) / 365.25


def need_facts(need, firm_row: dict, day: dt.date) -> dict:
    """One need's facts: the firm's (policies' row of a month) and the need's own."""
    start = need.enterprise.established_on or need.enterprise.production_start
    return {
        **firm_row,
        "amount_wan": float(need.amount_wan) if isinstance(need.amount_wan, Decimal) else None,
        "term_months": float(need.term_months),
        "purpose": need.purpose,
        "collateral": need.collateral,
        "years_in_operation": years_between(start, day),
    }

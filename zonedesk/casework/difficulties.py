"""The difficulties section of the work summary, written from counts of firms' problems: the
numbered paragraph officials use (一是…二是…三是…), categories ordered by how many firms are
affected, each with how much of it was resolved, how fast and an example in the firms' words.

Pure: plain values in, text out (no Django), so it is tested with tables of cases.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ORDINALS = {
    "zh": ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"],
    "en": [
        "First",
        "Second",
        "Third",
        "Fourth",
        "Fifth",
        "Sixth",
        "Seventh",
        "Eighth",
        "Ninth",
        "Tenth",
    ],
}


@dataclass(frozen=True)
class Example:
    firm: str  # "" when the firm asked to be quoted without its name
    words: str


@dataclass(frozen=True)
class CategoryFacts:
    key: str
    label: str
    raised: int  # problems raised in the period
    firms: int  # distinct firms that raised them
    resolved: int  # of those, resolved (or confirmed) by now
    overdue: int  # of those, past their time limit and still waiting on the administration
    avg_days: Decimal | None  # working days from raised to resolved, of those resolved
    previous: int  # raised in the period of the same length before
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Difficulties:
    period: str  # as written in the text: "2020年6月", "2020年第二季度", "June 2020"
    categories: tuple[CategoryFacts, ...]
    firms: int  # distinct firms with any problem in the period
    satisfaction: Decimal | None  # average rating of the problems rated in the period


def ordered(categories) -> list[CategoryFacts]:
    """Most firms affected first, then most problems, then the category's own order."""
    return sorted(
        (c for c in categories if c.raised),
        key=lambda c: (-c.firms, -c.raised, c.key),
    )


def rising(categories) -> list[CategoryFacts]:
    """The categories raised more often than in the period before, fastest first."""
    up = [c for c in categories if c.raised > c.previous]
    return sorted(up, key=lambda c: (-(c.raised - c.previous), c.key))


def _share(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _one(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _quote(example: Example, lang: str) -> str:
    if lang == "zh":
        who = example.firm or "有企业"
        return f"{who}反映“{example.words}”"
    who = example.firm or "one firm"
    return f"{who} reported “{example.words}”"


def paragraph(d: Difficulties, *, lang: str = "zh", limit: int = 6) -> str:
    """The section as officials write it; empty periods are said as such."""
    lang = "zh" if lang.startswith("zh") else "en"
    rows = ordered(d.categories)
    total = sum(c.raised for c in rows)
    if not total:
        return (
            f"{d.period}，企业未反映困难问题。"
            if lang == "zh"
            else f"In {d.period}, no firm raised a problem."
        )
    parts = []
    if lang == "zh":
        parts.append(
            f"{d.period}，企业共反映困难问题{total}件，涉及企业{d.firms}家，主要集中在以下方面："
        )
    else:
        parts.append(
            f"In {d.period}, {_n(d.firms, 'firm', 'firms')} raised "
            f"{_n(total, 'problem', 'problems')}, mainly the following."
        )
    for i, c in enumerate(rows[:limit]):
        ordinal = ORDINALS[lang][i] if i < len(ORDINALS[lang]) else f"{i + 1}."
        if lang == "zh":
            text = f"{ordinal}{c.label}，{c.firms}家企业反映{c.raised}件"
            if c.examples:
                text += "，如" + "；".join(_quote(e, lang) for e in c.examples)
            text += f"；已办结{c.resolved}件（{_share(c.resolved, c.raised)}）"
            if c.avg_days is not None:
                text += f"，平均{_one(c.avg_days)}个工作日办结"
            if c.overdue:
                text += f"，超期未办结{c.overdue}件"
            parts.append(text + "。")
        else:
            text = (
                f"{ordinal}, {c.label.lower()}: {_n(c.raised, 'problem', 'problems')} "
                f"from {_n(c.firms, 'firm', 'firms')}"
            )
            if c.examples:
                text += "; for example, " + "; ".join(_quote(e, lang) for e in c.examples)
            text += f". {c.resolved} resolved ({_share(c.resolved, c.raised)})"
            if c.avg_days is not None:
                text += f", in {_one(c.avg_days)} working days on average"
            if c.overdue:
                text += f"; {c.overdue} overdue"
            parts.append(text + ".")
    if len(rows) > limit:
        rest = sum(c.raised for c in rows[limit:])
        parts.append(
            f"此外，其他方面问题{rest}件。" if lang == "zh" else f"Other matters: {rest} problems."
        )
    up = rising(rows)[:2]
    if up:
        if lang == "zh":
            parts.append(
                "增长较快的是"
                + "、".join(f"{c.label}（较上期增加{c.raised - c.previous}件）" for c in up)
                + "。"
            )
        else:
            parts.append(
                "Rising fastest: "
                + ", ".join(f"{c.label.lower()} (+{c.raised - c.previous})" for c in up)
                + "."
            )
    if d.satisfaction is not None:
        parts.append(
            f"企业对办理结果的平均满意度为{_one(d.satisfaction)}分（满分5分）。"
            if lang == "zh"
            else f"Firms rated the results {_one(d.satisfaction)} out of 5 on average."
        )
    return ("" if lang == "zh" else " ").join(parts)

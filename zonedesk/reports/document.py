"""The work summary as a document: plain data between the assembler and the renderers.

The assembler (`reports.summary`) builds a `Document` out of the sections; the renderers
(Markdown, .docx to GB/T 9704, PDF) only lay it out. Nothing here reads the database or knows
a domain app, so a renderer is tested with a hand-made `Document`.

Figures inside a paragraph's text are marked, so that the preview can say where each number
came from and a stored draft can tell which numbers no longer match the data: a section writes
`figure("12.78%", "output_yoy")`, which wraps the shown text in private-use characters
(U+E000 key U+E001 text U+E002). The marks survive gettext's %-formatting; `plain()` removes
them and `runs()` splits a text into (text, key) pieces for a renderer.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from zonedesk.core.report_periods import parse as parse_period

START, SEP, END = "\ue000", "\ue001", "\ue002"
_MARK = re.compile(f"{START}([^{SEP}{END}]*){SEP}([^{END}]*){END}")


def figure(text: str, key: str) -> str:
    """`text` marked as the figure `key` (a name of the section's facts, e.g. 'output_yoy')."""
    return f"{START}{key}{SEP}{text}{END}"


def plain(text: str) -> str:
    """The text as a reader sees it, without figure marks."""
    return _MARK.sub(r"\2", text)


def runs(text: str) -> list[tuple[str, str | None]]:
    """The text in pieces: (shown text, figure key) for a figure, (text, None) between them."""
    out: list[tuple[str, str | None]] = []
    at = 0
    for m in _MARK.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], None))
        out.append((m.group(2), m.group(1)))
        at = m.end()
    if at < len(text):
        out.append((text[at:], None))
    return out


def figures(text: str) -> dict[str, str]:
    """Every marked figure of a text: key -> shown text (the last one wins for a repeated key)."""
    return {m.group(1): m.group(2) for m in _MARK.finditer(text)}


@dataclass(frozen=True)
class Source:
    """Where a block's figures come from: the selector, the scope, the period, as of when."""

    selector: str  # e.g. "monitoring.selectors.status"
    scope: str  # the zone's or area's name, with the size scope and basis where they apply
    period: str  # as shown, e.g. "2020年1—6月"
    as_of: datetime | None = None  # the newest stored row the figures read


@dataclass(frozen=True)
class Heading:
    """一、 (level 1, 黑体), （一） (2, 楷体), 1. (3, 仿宋), （1） (4, 仿宋). `text` excludes the
    number: the renderer numbers headings, so a section left out does not leave a gap."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str  # may hold figure marks
    source: Source | None = None
    lead: str = ""  # a run-in lead such as "一是" or a bold heading in the same line


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: Source | None = None
    numeric: tuple[bool, ...] = ()  # per column: right-aligned numbers


@dataclass(frozen=True)
class Chart:
    caption: str
    svg: str  # a vector image, rendered server-side
    width_mm: float = 156.0
    height_mm: float = 90.0
    source: Source | None = None


Block = Heading | Paragraph | Table | Chart


@dataclass(frozen=True)
class Omitted:
    """A section left out of the document, and why (shown in the preview, not in the text)."""

    title: str
    reason: str


# The sections whose open items (problems, benefits, contact plans) are counted as they stood on
# one day: a document without any of them does not state that rule.
COUNTING_SECTIONS = frozenset({"difficulties", "liaison", "support"})


@dataclass(frozen=True)
class Document:
    title: str  # e.g. "开江经开区2020年上半年工作总结"
    issuer: str  # 发文机关署名, e.g. "开江经济技术开发区管理委员会"
    dated: date  # 成文日期
    blocks: tuple[Block, ...]
    as_of: datetime | None = None  # the newest stored row any section read
    annex: tuple[Block, ...] = ()  # 附件: key-figure tables and charts
    omitted: tuple[Omitted, ...] = ()
    lang: str = "zh-hans"
    meta: dict[str, str] = field(default_factory=dict)  # zone/area code, period code, …

    @property
    def counted_on(self) -> date | None:
        """The one day the open items are counted on (problems open, overdue or resolved,
        benefits told, received or owed, firms past their contact plan): the period's last day,
        or the document's date when the period is not over (reports.summary_data)."""
        sections = self.meta.get("sections")
        if sections is not None and not set(sections.split(",")) & COUNTING_SECTIONS:
            return None  # e.g. the attraction section alone: it counts no problem or benefit
        try:
            last = parse_period(self.meta["period"]).last
        except (KeyError, ValueError):
            return None
        return min(self.dated, last.shift(1).first_day - timedelta(days=1))


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (headings never count further)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def number(level: int, n: int, lang: str = "zh-hans") -> str:
    """The number of the n-th heading of a level as GB/T 9704 writes it: 一、 （一） 1. （1）
    (English: 1. (1) 1. (1)), so every renderer numbers alike."""
    if lang.startswith("zh"):
        return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}."}.get(
            level, f"（{n}）"
        )
    return {1: f"{n}. ", 2: f"({n}) ", 3: f"{n}. "}.get(level, f"({n}) ")


def numbered(blocks) -> list[tuple[object, str]]:
    """Each block with its heading number ("" for a block that is not a heading); a heading
    restarts the count of every level below it."""
    counts = [0, 0, 0, 0, 0]
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            counts[block.level] += 1
            for deeper in range(block.level + 1, len(counts)):
                counts[deeper] = 0
            out.append((block, counts[block.level]))
        else:
            out.append((block, 0))
    return out

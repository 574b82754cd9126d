"""How a section takes its place in the work summary (reports.summary assembles them).

A section module that contributes to the summary declares, beside its wording functions,

    SUMMARY = Part(part=3, order=10, key="liaison", title=gettext_lazy("..."),
                   data="zonedesk.reports.summary_data.liaison", build=build,
                   next_steps=next_steps, annex=annex)

The assembler finds every such module in this package, calls the `data` function (named by
its dotted path: it reads the domain selectors, so it lives outside this pure package), and
hands what it returns to `build`. A module that lands later adds its section module and its
data function, and touches neither the assembler nor another section.

Parts: 1 生产经营情况, 2 存在的困难, 3 主要工作 (each section a subsection （一）（二）… with its
own title), 4 下步打算 (written by `next_steps` from the open items every section reports).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zonedesk.reports.document import Block, Paragraph, Source


@dataclass(frozen=True)
class Found:
    """A section's data as its data function read it: the selector's plain facts and where they
    come from."""

    facts: Any  # the selector's frozen dataclass(es)
    source: Source

    @property
    def as_of(self) -> datetime | None:
        return self.source.as_of


@dataclass(frozen=True)
class Missing:
    """Why a section has nothing to say (shown in the preview, not in the text)."""

    reason: str


@dataclass(frozen=True)
class Part:
    part: int  # 1, 2 or 3 (4 is made of the others' next steps)
    order: int  # within the part
    key: str  # e.g. "liaison"
    title: Any  # a lazy translation: the heading of a part-3 subsection, the name elsewhere
    data: str  # dotted path of `f(ask) -> Found | Missing` (reports.summary.Ask)
    build: Callable[[Found], list[Block]]
    # The open items the section hands to 下步打算: marked sentences.
    next_steps: Callable[[Found], list[str]] | None = None
    # Its key-figure tables for the annex.
    annex: Callable[[Found], list[Block]] | None = None


def paragraphs(texts: list[str], found: Found) -> list[Block]:
    """Each text a paragraph carrying the section's source."""
    return [Paragraph(text, found.source) for text in texts if text]

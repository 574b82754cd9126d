"""Drafts of the work summary, as plain data: a `Document` to JSON and back, a paragraph's text as
the official edits it (every figure a token with its name in words, `【12.78%｜产值同比】`), and the
figures of a draft that no longer match the data.

Nothing here reads the database: the services store what `dump_*` gives, and the selectors rebuild
the document with `load_*`.

Why tokens: the marks of `reports.document` are private-use characters, invisible in a text box,
so a user could cut one in half without seeing it. In the editor each figure is a visible token
that must stay whole and keep its value; `edited()` refuses a broken or changed token (with what,
where and why) instead of saving a number that claims a source it no longer has. Deleting a whole
token is allowed (the number is then gone, or typed as plain, unmarked text) and is reported.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.reports.document import (
    END,
    SEP,
    START,
    Block,
    Chart,
    Document,
    Heading,
    Omitted,
    Paragraph,
    Source,
    Table,
    figure,
    runs,
)
from zonedesk.reports.figure_names import name as figure_name

# At most this many characters in one edited paragraph (the longest generated ones are ~600).
PARAGRAPH_MAX = 4000
TITLE_MAX = 200

# 【value｜name】: the name is the figure's (reports.figure_names), never its key.
OPEN, BAR, CLOSE = "【", "｜", "】"
_TOKEN = re.compile(r"【([^【】｜\n]*)｜([^【】｜\n]+)】")


# --- a Document as JSON ----------------------------------------------------------------------------


def _source(s: Source | None) -> dict | None:
    if s is None:
        return None
    return {
        "selector": s.selector,
        "scope": s.scope,
        "period": s.period,
        "as_of": s.as_of.isoformat() if s.as_of else None,
    }


def _load_source(d: dict | None) -> Source | None:
    if d is None:
        return None
    as_of = datetime.fromisoformat(d["as_of"]) if d.get("as_of") else None
    return Source(d["selector"], d["scope"], d["period"], as_of)


def dump_blocks(blocks) -> list[dict]:
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append({"kind": "heading", "level": b.level, "text": b.text})
        elif isinstance(b, Paragraph):
            out.append(
                {"kind": "paragraph", "text": b.text, "lead": b.lead, "source": _source(b.source)}
            )
        elif isinstance(b, Table):
            out.append(
                {
                    "kind": "table",
                    "caption": b.caption,
                    "columns": list(b.columns),
                    "rows": [list(r) for r in b.rows],
                    "numeric": list(b.numeric),
                    "source": _source(b.source),
                }
            )
        else:
            out.append(
                {
                    "kind": "chart",
                    "caption": b.caption,
                    "svg": b.svg,
                    "width_mm": b.width_mm,
                    "height_mm": b.height_mm,
                    "source": _source(b.source),
                }
            )
    return out


def load_blocks(data: list[dict]) -> tuple[Block, ...]:
    out: list[Block] = []
    for d in data:
        kind = d["kind"]
        if kind == "heading":
            out.append(Heading(d["level"], d["text"]))
        elif kind == "paragraph":
            out.append(Paragraph(d["text"], _load_source(d["source"]), d.get("lead", "")))
        elif kind == "table":
            out.append(
                Table(
                    d["caption"],
                    tuple(d["columns"]),
                    tuple(tuple(r) for r in d["rows"]),
                    _load_source(d["source"]),
                    tuple(d["numeric"]),
                )
            )
        else:
            out.append(
                Chart(
                    d["caption"], d["svg"], d["width_mm"], d["height_mm"], _load_source(d["source"])
                )
            )
    return tuple(out)


def dump_frame(doc: Document) -> dict:
    """Everything of a document but its title and body: what a draft keeps as built."""
    return {
        "issuer": doc.issuer,
        "dated": doc.dated.isoformat(),
        "as_of": doc.as_of.isoformat() if doc.as_of else None,
        "annex": dump_blocks(doc.annex),
        "omitted": [[o.title, o.reason] for o in doc.omitted],
        "lang": doc.lang,
        "meta": dict(doc.meta),
    }


def load_document(frame: dict, title: str, blocks: list[dict]) -> Document:
    """The document of a draft's version: its title and body on the frame it was built with."""
    return Document(
        title=title,
        issuer=frame["issuer"],
        dated=date.fromisoformat(frame["dated"]),
        blocks=load_blocks(blocks),
        as_of=datetime.fromisoformat(frame["as_of"]) if frame.get("as_of") else None,
        annex=load_blocks(frame["annex"]),
        omitted=tuple(Omitted(t, r) for t, r in frame["omitted"]),
        lang=frame["lang"],
        meta=dict(frame["meta"]),
    )


# --- the editor's text ---------------------------------------------------------------------------


def _names(lang: str | None):
    """The figures' names in the draft's language (`lang`: a document's, e.g. zh-hans), so
    that the names shown and the names read back are the same whoever edits."""
    return translation.override(lang) if lang else nullcontext()


def editable(text: str, lang: str | None = None) -> str:
    """A marked text as the editor shows it: each figure as 【shown｜its name】."""
    with _names(lang):
        return "".join(
            f"{OPEN}{shown}{BAR}{figure_name(key)}{CLOSE}" if key else shown
            for shown, key in runs(text)
        )


@dataclass(frozen=True)
class Edited:
    text: str  # marked again
    removed: tuple[str, ...]  # keys of the figures the edit deleted


class EditError(ValueError):
    """An edited paragraph that cannot be saved: `messages` say what, where and why."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def _near(text: str, at: int) -> str:
    return text[max(0, at - 12) : at + 12].replace("\n", " ")


def edited(new: str, original: str, lang: str | None = None) -> Edited:
    """The user's text of a paragraph whose stored text is `original` (marked), marked again.
    EditError when a token is broken, names a figure the paragraph does not have, or changes a
    figure's value."""
    errors: list[str] = []
    if any(c in new for c in (START, SEP, END)):
        errors.append(_("The text holds invisible mark characters; type the figures as tokens."))
    if len(new) > PARAGRAPH_MAX:
        errors.append(
            _("The paragraph is %(n)d characters long; at most %(max)d are kept.")
            % {"n": len(new), "max": PARAGRAPH_MAX}
        )
    known: dict[str, dict[str, set[str]]] = {}  # name -> key -> the values it shows
    with _names(lang):
        for shown, key in runs(original):
            if key:
                known.setdefault(figure_name(key), {}).setdefault(key, set()).add(shown)
    out, at, kept = [], 0, set()
    for m in _TOKEN.finditer(new):
        out.append(new[at : m.start()])
        shown, called = m.group(1), m.group(2).strip()
        keys = known.get(called, {})
        # Two figures may share a name and a value (two 增加 of different figures): the token
        # takes the first that no earlier token took, so none of them reads as deleted.
        fitting = [k for k, values in keys.items() if shown in values]
        key = next((k for k in fitting if k not in kept), fitting[0] if fitting else None)
        if not keys:
            errors.append(
                _(
                    "“%(token)s” names a figure “%(name)s” this paragraph does not have: a figure "
                    "cannot be moved or invented. Delete the marked figure, or write the number "
                    "as plain text."
                )
                % {"token": m.group(0), "name": called}
            )
        elif key is None:
            values = sorted(v for vs in keys.values() for v in vs)
            errors.append(
                _(
                    "The figure “%(name)s” reads %(value)s in the data; the edit says %(shown)s. A "
                    "marked figure keeps its value: put it back, or delete the whole 【…｜…】 and "
                    "write the number as plain text."
                )
                % {"name": called, "value": " / ".join(values), "shown": shown}
            )
        else:
            kept.add(key)
            out.append(figure(shown, key))
        at = m.end()
    rest = new[at:]
    out.append(rest)
    leftover = _TOKEN.sub("", new)
    for bracket in (OPEN, CLOSE):
        found = leftover.find(bracket)
        if found >= 0:
            errors.append(
                _(
                    "A marked figure is broken near “%(near)s”: keep 【value｜name】 whole, or "
                    "delete all of it."
                )
                % {"near": _near(leftover, found)}
            )
            break
    if errors:
        raise EditError(errors)
    removed = tuple(sorted(k for keys in known.values() for k in keys if k not in kept))
    return Edited("".join(out), removed)


# --- figures that no longer match the data -------------------------------------------------------


@dataclass(frozen=True)
class StaleFigure:
    """A marked figure of a draft whose value the data no longer gives."""

    selector: str
    key: str
    shown: str  # in the draft
    now: str  # in the data today ("" when the data has no such figure any more)
    scope: str
    period: str

    @property
    def name(self) -> str:
        """The figure's name in words (the page shows it, never the key)."""
        return figure_name(self.key)


def current_figures(doc: Document) -> dict[tuple[str, str], set[str]]:
    """(selector, figure key) -> the values the document shows for it."""
    found: dict[tuple[str, str], set[str]] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph) and block.source is not None:
            for shown, key in runs(block.text):
                if key:
                    found.setdefault((block.source.selector, key), set()).add(shown)
    return found


def stale_figures(draft: Document, now: Document) -> list[StaleFigure]:
    """Every marked figure of `draft` whose value `now` (the document built from today's data for
    the same scope and period) does not show for the same selector and key, in text order."""
    today = current_figures(now)
    out, seen = [], set()
    for block in draft.blocks:
        if not isinstance(block, Paragraph) or block.source is None:
            continue
        for shown, key in runs(block.text):
            if not key:
                continue
            values = today.get((block.source.selector, key), set())
            if shown in values or (block.source.selector, key, shown) in seen:
                continue
            seen.add((block.source.selector, key, shown))
            out.append(
                StaleFigure(
                    block.source.selector,
                    key,
                    shown,
                    " / ".join(sorted(values)),
                    block.source.scope,
                    block.source.period,
                )
            )
    return out

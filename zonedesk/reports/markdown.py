"""The work summary as Markdown: plain text for a mail or a wiki, headings numbered 一、（一）1.
（1） by level, figures unmarked, the sections left out as an HTML comment."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zonedesk.reports.document import Document, Heading, Paragraph, Table, number, numbered, plain


def counted_text(day) -> str:
    """The summary's one rule for its open items, said at its end."""
    return _(
        "Open, overdue and resolved problems, and benefits made known, received and owed, are "
        "counted as they stood on %(day)s."
    ) % {"day": date_format(day, "DATE_FORMAT")}


def _cell(text: str) -> str:
    return plain(str(text)).replace("|", "\\|").replace("\n", " ")


def _table(t: Table) -> list[str]:
    align = [
        ("---:" if (t.numeric[i] if i < len(t.numeric) else False) else "---")
        for i in range(len(t.columns))
    ]
    lines = [f"**{_cell(t.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(c) for c in t.columns) + " |")
    lines.append("| " + " | ".join(align) + " |")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return [*lines, ""]


def _blocks(blocks, lang: str) -> list[str]:
    lines: list[str] = []
    for block, n in numbered(blocks):
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {number(block.level, n, lang)}{block.text}", ""]
        elif isinstance(block, Paragraph):
            lead = f"{block.lead}" if block.lead else ""
            space = "" if lang.startswith("zh") or not lead else " "
            lines += [f"{lead}{space}{plain(block.text)}", ""]
        elif isinstance(block, Table):
            lines += _table(block)
        else:  # a chart: its caption (Markdown carries no image here)
            lines += [f"*{_cell(block.caption)}*", ""]
    return lines


def render(doc: Document) -> str:
    with translation.override(doc.lang):
        lines = [f"# {doc.title}", ""]
        if doc.omitted:
            said = "; ".join(f"{o.title}: {o.reason}" for o in doc.omitted)
            lines += [f"<!-- {_('Left out')}: {said.replace('--', '—')} -->", ""]
        lines += _blocks(doc.blocks, doc.lang)
        lines += [doc.issuer, date_format(doc.dated, "DATE_FORMAT"), ""]
        if doc.annex:
            lines += [f"## {_('Annex: key figures')}", ""]
            lines += _blocks(doc.annex, doc.lang)
        if doc.as_of:
            when = date_format(timezone.localtime(doc.as_of), "DATETIME_FORMAT")
            lines += [
                # English's time ends "p.m.": one full stop, not two.
                (_("Figures as of %(time)s.") % {"time": when}).replace("..", "."),
                "",
            ]
        if doc.counted_on:
            lines += [counted_text(doc.counted_on), ""]
        return "\n".join(lines).rstrip() + "\n"

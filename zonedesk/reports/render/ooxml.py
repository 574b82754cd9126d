"""The pieces of WordprocessingML that the work summary's .docx is made of (`render.docx`
writes the document with them): run and paragraph properties in the GB/T 9704-2012 layout, the
measures of a line in characters, dates as the standard writes them, the title's line breaks."""

import functools
import unicodedata
from datetime import date, datetime

import resvg_py
from django.utils import timezone
from docx.oxml.ns import nsdecls

from zonedesk.reports.render import (
    BLOCK_W_MM,
    BODY_PT,
    TITLE_PT,
    Face,
    char_pitch_pt,
    condense_twentieths,
)


def twips(pt: float) -> int:
    return round(pt * 20)


def _chars(n: float) -> int:
    """`n` characters of the body grid, in twips."""
    return round(n * char_pitch_pt() * 20)


def text_width_chars(text: str) -> float:
    """Width of a line in body characters: CJK and full-width forms one, ASCII half (the
    issuer and date block is placed by it)."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def date_text(day: date, lang: str) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.3 writes it: Arabic digits, 年月日, no leading zeros."""
    if lang.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def as_of_text(at: datetime, lang: str) -> str:
    if timezone.is_aware(at):
        at = timezone.localtime(at)
    if lang.startswith("zh"):
        return f"{at.year}年{at.month}月{at.day}日{at.hour}时{at.minute:02d}分"
    return at.strftime("%d %B %Y %H:%M")


# --- WordprocessingML pieces ----------------------------------------------------------------
def _rfonts(face: Face) -> str:
    # Every slot named explicitly and no *Theme attribute: a theme font would override these.
    n = face.declared
    return f'<w:rFonts w:ascii="{n}" w:hAnsi="{n}" w:eastAsia="{n}" w:cs="{n}" w:hint="eastAsia"/>'


def _rpr(face: Face, size_pt: float, bold: bool = False) -> str:
    half = round(size_pt * 2)
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    # Body-size text is condensed so that 28 characters fit a line without a character grid.
    sp = f'<w:spacing w:val="{condense_twentieths()}"/>' if size_pt == BODY_PT else ""
    return (
        f'<w:rPr {nsdecls("w")}>{_rfonts(face)}{b}<w:color w:val="000000"/>{sp}'
        f'<w:kern w:val="0"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
    )


def _ppr(
    *,
    align: str = "both",
    first_chars: float = 0,
    left_chars: float = 0,
    right_chars: float = 0,
    line: int | None = None,  # exact line height in twips; None: single
    grid: bool = True,
    keep_next: bool = False,
    outline: int | None = None,
) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    parts.append('<w:widowControl w:val="0"/>')
    # No extra space between Chinese and Latin or digits: a line holds its 28 characters and
    # the issuer and date block is placed by its characters' widths.
    parts.append('<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>')
    if not grid:
        parts.append('<w:snapToGrid w:val="0"/>')
    if line:
        parts.append(f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>')
    else:
        parts.append('<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
    # Indents in characters (Word and WPS keep them as characters when the font changes) and
    # in twips (what readers without character units use).
    ind = []
    if left_chars:
        ind.append(f'w:leftChars="{round(left_chars * 100)}" w:left="{_chars(left_chars)}"')
    if right_chars:
        ind.append(f'w:rightChars="{round(right_chars * 100)}" w:right="{_chars(right_chars)}"')
    if first_chars:
        ind.append(
            f'w:firstLineChars="{round(first_chars * 100)}" w:firstLine="{_chars(first_chars)}"'
        )
    else:
        ind.append('w:firstLineChars="0" w:firstLine="0"')
    parts.append(f"<w:ind {' '.join(ind)}/>")
    parts.append(f'<w:jc w:val="{align}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr {nsdecls('w')}>{''.join(parts)}</w:pPr>"


@functools.cache
def _blank_png() -> bytes:
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string='<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
            background="#ffffff",
        )
    )


def _width(text: str) -> float:
    """In full-width characters: a Chinese character 1, a digit or Latin letter ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


# Full-width characters of the 二号 title on one line of the 156 mm block (20).
TITLE_CHARS = int(BLOCK_W_MM / (TITLE_PT * 25.4 / 72))


def title_lines(title: str, issuer: str, chars: int = TITLE_CHARS) -> list[str]:
    """The title in lines that break where its words do (GB/T 9704-2012 7.3.3: a title of
    several lines keeps words and meaning whole): after the issuer ("演示经开区" /
    "2020年上半年工作总结"), else before 工作总结; one line when it fits. Left to the layout
    (one line) when neither break fits."""
    if _width(title) <= chars:
        return [title]
    if issuer and title.startswith(issuer):
        rest = title[len(issuer) :]
        if rest and _width(issuer) <= chars and _width(rest) <= chars:
            return [issuer, rest]
    for tail in ("工作总结", "总结", "work summary"):
        at = title.rfind(tail)
        if at > 0 and _width(title[:at]) <= chars:
            return [title[:at].rstrip(), title[at:]]
    return [title]

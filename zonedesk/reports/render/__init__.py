"""Layout of the work summary to GB/T 9704-2012 (党政机关公文格式): the numbers, the fonts, the numbering.

`docx.render(doc)` lays a `reports.document.Document` out as a .docx with named styles;
`pdf.render(doc)` converts that .docx with LibreOffice, so the PDF has the .docx's page breaks;
`charts` draws the figures as SVG. Everything here is pure (no database, no Django models).

The declared fonts are the ones a Chinese office has (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体,
宋体); they are proprietary, so the PDF is set in free substitutes, mapped by name in the
project's fontconfig file (fonts.conf beside this module) and checked after each conversion:
a PDF whose embedded fonts are not the intended substitutes is an error, not a silent fallback.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

HERE = Path(__file__).resolve().parent
FONTCONFIG_FILE = HERE / "fonts.conf"

# --- GB/T 9704-2012, 5.2: page and text block, in millimetres -------------------------------
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0  # A4
TOP_MM, BOTTOM_MM = 37.0, 35.0  # 天头 37 ± 1 mm; the bottom follows from the block's height
LEFT_MM, RIGHT_MM = 28.0, 26.0  # 订口 28 ± 1 mm
BLOCK_W_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM  # 156 mm
BLOCK_H_MM = PAGE_H_MM - TOP_MM - BOTTOM_MM  # 225 mm
LINES, CHARS = 22, 28  # 7.1: 每面排 22 行，每行排 28 个字
PAGE_NUMBER_GAP_MM = 7.0  # 7.5: 一字线上距版心下边缘 7 mm

BODY_PT = 16.0  # 三号
TITLE_PT = 22.0  # 二号
PAGE_NUMBER_PT = 14.0  # 四号
TABLE_PT = 12.0  # 小四, inside annex tables


def mm_to_twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def line_pitch_twips() -> int:
    """The grid's line pitch: the block's height over 22 lines, rounded down so 22 lines fit."""
    return mm_to_twips(BLOCK_H_MM) // LINES


def char_pitch_pt() -> float:
    """The grid's character pitch: the block's width (in whole twips, as Word stores the
    margins) over 28 characters."""
    width_twips = mm_to_twips(PAGE_W_MM) - mm_to_twips(LEFT_MM) - mm_to_twips(RIGHT_MM)
    return width_twips / 20 / CHARS


def char_space() -> int:
    """w:docGrid/@w:charSpace: how much the character pitch differs from the body font's size,
    in 1/4096 of a point (ECMA-376 17.6.5)."""
    return round((char_pitch_pt() - BODY_PT) * 4096)


def condense_twentieths() -> int:
    """Character spacing of body text, in twentieths of a point (w:spacing/@w:val): the body
    size condensed to at most the grid's pitch, so 28 characters fit a line with or without the
    character grid (16 pt -> 15.75 pt; the pitch is 15.79 pt)."""
    return math.floor((char_pitch_pt() - BODY_PT) * 20)


# --- Fonts ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Face:
    role: str  # what the face is used for
    declared: str  # the name written into the .docx (w:rFonts/@w:eastAsia)
    alt: str  # the name Word and WPS fall back to when `declared` is not installed (w:altName)
    substitute: str  # the free font the PDF is set in (a fontconfig family name)
    # The substitute's name as LibreOffice embeds it in the PDF. Noto CJK's collections share one
    # CFF table, named after the Japanese face, between the faces; the glyphs are those the
    # SC face's cmap picks (fontconfig hands LibreOffice the SC face of the collection).
    postscript: str
    package: str  # the Debian package that ships the substitute


FANG = Face(
    "body, headings 1. and （1）",
    "仿宋_GB2312",
    "仿宋",
    "FandolFang",
    "FandolFang-Regular",
    "texlive-lang-chinese",
)
KAI = Face(
    "headings （一）",
    "楷体_GB2312",
    "楷体",
    "FandolKai",
    "FandolKai-Regular",
    "texlive-lang-chinese",
)
HEI = Face(
    "headings 一、, 附件",
    "黑体",
    "SimHei",
    "Noto Sans CJK SC",
    "NotoSansCJKjp-Regular-VKana",
    "fonts-noto-cjk",
)
TITLE = Face(
    "title",
    "方正小标宋简体",
    "宋体",
    "Noto Serif CJK SC",
    "NotoSerifCJKjp-Bold-VKana",
    "fonts-noto-cjk",
)
SONG = Face(
    "page numbers",
    "宋体",
    "SimSun",
    "Noto Serif CJK SC",
    "NotoSerifCJKjp-Regular-VKana",
    "fonts-noto-cjk",
)
FACES = (FANG, KAI, HEI, TITLE, SONG)
# Directories of substitutes that fontconfig does not list by default (TeX Live's Fandol fonts).
FONT_DIRS = ("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",)


def fonts_used_note() -> str:
    """One line naming the declared fonts and the free fonts the PDF is set in."""
    pairs = "; ".join(f"{f.declared} → {f.substitute}" for f in FACES)
    return _(
        "Fonts: the .docx declares the fonts of GB/T 9704; the PDF embeds free substitutes (%(pairs)s)."
    ) % {"pairs": pairs}


# --- Heading numbers (GB/T 9704, 7.3.3: 一、 （一） 1． （1）) ---------------------------------
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (headings stop well before 100)."""
    if not 0 < n < 100:
        raise ValueError(f"heading number out of range: {n}")
    tens, ones = divmod(n, 10)
    out = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return out + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int, lang: str = "zh-hans") -> str:
    """The number a heading of `level` (1-4) shows as the `n`-th at its level."""
    if lang.startswith("zh"):
        return {
            1: lambda: f"{chinese_number(n)}、",
            2: lambda: f"（{chinese_number(n)}）",
            3: lambda: f"{n}．",
            4: lambda: f"（{n}）",
        }[level]()
    return {1: f"{n}. ", 2: f"({n}) ", 3: f"{n}) ", 4: f"({chr(96 + n)}) "}[level]


class Numberer:
    """Numbers headings in document order; a heading resets the levels below it."""

    def __init__(self, lang: str = "zh-hans"):
        self.lang = lang
        self.counts = [0, 0, 0, 0]

    def __call__(self, level: int) -> str:
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1-4, not {level}")
        self.counts[level - 1] += 1
        for i in range(level, 4):
            self.counts[i] = 0
        return heading_number(level, self.counts[level - 1], self.lang)

"""The work summary's charts as SVG, drawn on the server in the dashboard's look.

Hand-written SVG rather than a plotting library: a line and a bar chart are a few dozen shapes,
and the look is the dashboard's ECharts one (its default palette, light split lines, the unit
above the value axis, this year solid and a year earlier dashed) — except that lines are
straight, as a printed document wants. Text is drawn as outlines from Noto Sans CJK SC
(fontTools reads the glyphs), so the SVG needs no font wherever it is shown: Word, WPS,
LibreOffice, the PNG fallback rasteriser and a browser all draw the same shapes, and Chinese
never falls back to boxes. Value axes get whole, "nice" steps (1, 2 or 5 times a power of ten).
"""

import math
import subprocess
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

# ECharts' default palette (the dashboard's charts use it unchanged).
PALETTE = (
    "#5470c6",
    "#91cc75",
    "#fac858",
    "#ee6666",
    "#73c0de",
    "#3ba272",
    "#fc8452",
    "#9a60b4",
    "#ea7ccc",
)
AXIS = "#6e7079"  # ECharts' axis line and label colour
SPLIT = "#e0e6f1"  # its split lines
TEXT = "#333333"
PX_PER_MM = 4.0  # user units of the SVG: 4 per millimetre
FONT_FAMILY = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def _font():
    out = subprocess.run(  # noqa: S603 - fixed arguments
        ["fc-match", "-f", "%{file}\n%{index}", FONT_FAMILY],  # noqa: S607 - fontconfig's tool
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    font = TTFont(out[0], fontNumber=int(out[1] or 0), lazy=True)
    if FONT_FAMILY not in str(font["name"].getDebugName(1)):
        raise RuntimeError(f"{FONT_FAMILY} is not installed (Debian's fonts-noto-cjk)")
    return font, font.getBestCmap(), font.getGlyphSet(), font["head"].unitsPerEm


@lru_cache(maxsize=4096)
def _glyph(ch: str) -> tuple[RecordingPen, float]:
    _f, cmap, glyphs, _upm = _font()
    name = cmap.get(ord(ch)) or cmap.get(ord("?"))
    pen = RecordingPen()
    glyphs[name].draw(pen)
    return pen, glyphs[name].width


def text_width(text: str, size: float) -> float:
    upm = _font()[3]
    return sum(_glyph(c)[1] for c in text) * size / upm


def text_path(
    text: str, x: float, y: float, size: float, fill: str = TEXT, anchor: str = "start"
) -> str:
    """`text` as one <path> of glyph outlines, its baseline at y; anchor start, middle or end."""
    upm = _font()[3]
    scale = size / upm
    w = text_width(text, size)
    x0 = x - (w / 2 if anchor == "middle" else w if anchor == "end" else 0)
    svg = SVGPathPen(None, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))
    at = x0
    for ch in text:
        rec, adv = _glyph(ch)
        rec.replay(TransformPen(svg, (scale, 0, 0, -scale, at, y)))
        at += adv * scale
    d = svg.getCommands()
    return f'<path d="{d}" fill="{fill}"><title>{escape(text)}</title></path>' if d else ""


def nice_step(span: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return max(m * power, 1.0)  # whole labels: never a step below 1
    return 10 * power  # pragma: no cover


def axis_range(values: list[float], *, from_zero: bool) -> tuple[float, float, float]:
    lo, hi = min(values), max(values)
    if from_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi, lo = hi + 1, (lo - 1 if not from_zero or lo < 0 else lo)
    step = nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _label(v: float) -> str:
    return f"{round(v):d}"


class _Canvas:
    def __init__(self, title: str, unit: str, width_mm: float, height_mm: float):
        self.w, self.h = width_mm * PX_PER_MM, height_mm * PX_PER_MM
        self.parts: list[str] = []
        self.title, self.unit = title, unit
        self.font = 12.0  # px: 3 mm, about 小五 at the document's scale
        self.top = 8.0
        if title:
            self.parts.append(text_path(title, self.w / 2, self.top + 14, 14, TEXT, "middle"))
            self.top += 22

    def legend(self, names: list[str], kinds: list[tuple[str, bool]]):
        """Centred row of (swatch, name); kinds: (colour, dashed) per name."""
        if not names:
            return
        items = [(n, *k, 26 + text_width(n, self.font)) for n, k in zip(names, kinds, strict=True)]
        total = sum(i[3] for i in items) + 16 * (len(items) - 1)
        x = (self.w - total) / 2
        y = self.top + 12
        for name, colour, dashed, width in items:
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            self.parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 20:.1f}" y2="{y - 4:.1f}" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            self.parts.append(text_path(name, x + 24, y, self.font, TEXT))
            x += width + 16
        self.top += 20

    def svg(self, desc: str) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{self.w / PX_PER_MM:g}mm" '
            f'height="{self.h / PX_PER_MM:g}mm" viewBox="0 0 {self.w:g} {self.h:g}">'
            f"<title>{escape(self.title)}</title><desc>{escape(desc)}</desc>"
            f'<rect width="{self.w:g}" height="{self.h:g}" fill="#ffffff"/>'
        )
        return head + "".join(self.parts) + "</svg>"


def _plot_area(c: _Canvas, lo: float, hi: float, step: float, categories: list[str]):
    """Axes, split lines and labels; returns (left, right, top, bottom) of the plot area."""
    labels = []
    v = lo
    while v <= hi + step / 1000:
        labels.append(v)
        v += step
    label_w = max(text_width(_label(v), c.font) for v in labels)
    # The unit ends where the labels end (above them), so a unit wider than the labels ("10k
    # yuan" over "40000") widens the margin instead of running off the left edge.
    left = 10 + max(label_w, text_width(c.unit, c.font)) + 6
    right = c.w - 14
    top = c.top + 22  # room for the unit above the axis
    bottom = c.h - 28
    if c.unit:
        c.parts.append(text_path(c.unit, left - 6, top - 10, c.font, AXIS, "end"))

    def y_of(val: float) -> float:
        return bottom - (val - lo) / (hi - lo) * (bottom - top)

    for v in labels:
        y = y_of(v)
        c.parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{SPLIT}" stroke-width="1"/>'
        )
        c.parts.append(text_path(_label(v), left - 6, y + c.font * 0.35, c.font, AXIS, "end"))
    c.parts.append(
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" y2="{bottom:.1f}" stroke="{AXIS}" stroke-width="1"/>'
    )
    # Category labels, thinned so that none overlaps (ECharts' hideOverlap).
    n = len(categories)
    band = (right - left) / max(n, 1)
    widest = max((text_width(s, c.font) for s in categories), default=0)
    every = max(1, math.ceil((widest + 6) / band)) if band else 1
    for i, s in enumerate(categories):
        x = left + band * (i + 0.5)
        c.parts.append(
            f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 4:.1f}" stroke="{AXIS}" stroke-width="1"/>'
        )
        if i % every == 0:
            c.parts.append(text_path(s, x, bottom + 18, c.font, AXIS, "middle"))
    return left, right, top, bottom, band, y_of


def _floats(values) -> list[float | None]:
    return [None if v is None else float(Decimal(v)) for v in values]


def line_chart(
    title: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    unit: str,
    *,
    width_mm: float = 156.0,
    height_mm: float = 90.0,
) -> str:
    """Lines over categories (months): the first series solid, the others dashed (this year
    against a year earlier, as on the dashboard). None leaves a gap. An empty `title` draws
    none (when the document's caption says it)."""
    if not categories:
        raise ValueError("a line chart needs at least one category")
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(
                f"series {name!r} has {len(values)} values for {len(categories)} categories"
            )
    c = _Canvas(title, unit, width_mm, height_mm)
    kinds = [(PALETTE[i % len(PALETTE)], i > 0) for i in range(len(series))]
    c.legend([s[0] for s in series], kinds)
    data = [_floats(v) for _n, v in series]
    present = [v for vs in data for v in vs if v is not None] or [0.0]
    lo, hi, step = axis_range(present, from_zero=False)
    left, _right, _top, _bottom, band, y_of = _plot_area(c, lo, hi, step, categories)
    for (colour, dashed), values in zip(kinds, data, strict=True):
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append((left + band * (i + 0.5), y_of(v)))
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                c.parts.append(
                    f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dash}/>'
                )
            for x, y in run:
                c.parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'
                )
    desc = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{k} {'' if v is None else v}" for k, v in zip(categories, values, strict=True)
        )
        for name, values in series
    )
    return c.svg(f"{desc} ({unit})" if unit else desc)


def bar_chart(
    title: str,
    categories: list[str],
    values: list[Decimal | int | None],
    unit: str,
    *,
    colors: list[str] | None = None,
    width_mm: float = 156.0,
    height_mm: float = 80.0,
) -> str:
    """Vertical bars from zero, each labelled with its value; `colors` one per bar (e.g. a
    project's red, yellow and green lights), else the palette's first colour."""
    if len(values) != len(categories):
        raise ValueError(f"{len(values)} values for {len(categories)} categories")
    if not categories:
        raise ValueError("a bar chart needs at least one category")
    c = _Canvas(title, unit, width_mm, height_mm)
    data = _floats(values)
    present = [v for v in data if v is not None] or [0.0]
    lo, hi, step = axis_range(present, from_zero=True)
    left, _right, _top, _bottom, band, y_of = _plot_area(c, lo, hi, step, categories)
    bar_w = min(band * 0.5, 60)
    for i, v in enumerate(data):
        if v is None:
            continue
        colour = colors[i] if colors else PALETTE[0]
        x = left + band * (i + 0.5) - bar_w / 2
        y0, y1 = y_of(0.0), y_of(v)
        c.parts.append(
            f'<rect x="{x:.1f}" y="{min(y0, y1):.1f}" width="{bar_w:.1f}" height="{abs(y0 - y1):.1f}" fill="{colour}"/>'
        )
        shown = str(values[i])
        c.parts.append(text_path(shown, x + bar_w / 2, min(y0, y1) - 5, c.font, TEXT, "middle"))
    desc = ", ".join(
        f"{k} {'' if v is None else v}" for k, v in zip(categories, values, strict=True)
    )
    return c.svg(f"{desc} ({unit})" if unit else desc)

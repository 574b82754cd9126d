"""One month's figures of a zone as a spreadsheet: the template, the export and the import's checks.

One row per firm, keyed by credit code. The template comes with the zone's firms filled in;
every cell of an upload is checked before anything is written, and any problem rejects the
whole file with the list of problems (sheet, row, column, value, reason).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import uscc, xlsx
from zonedesk.core.period import Period
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import figures
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.selectors import REPORTING_STATUSES
from zonedesk.org.models import Zone


def sheet_name() -> str:
    """The data sheet's name in the active language (read back by name, else the first sheet)."""
    return _("monthly figures")


FIGURES = tuple(figures.SPECS)
REQUIRED = ("credit_code", *(n for n, s in figures.SPECS.items() if s.required))


def columns() -> dict[str, Column]:
    """The sheet's columns, headed in the active language (either language is read back)."""
    cols = {
        "credit_code": Column(_("Unified social credit code"), 22, "text"),
        "name": Column(_("Enterprise name"), 30, "text"),
        "period": Column(_("Month"), 10, "text", comment=_("YYYY-MM, e.g. 2020-06")),
    }
    for name, spec in figures.SPECS.items():
        header = (
            _("%(label)s (%(unit)s)") % {"label": spec.label, "unit": spec.unit}
            if spec.unit
            else str(spec.label)
        )
        required = _("Required.") if spec.required else _("May be empty.")
        cols[name] = Column(header, 14, "int" if spec.integer else "wan", comment=str(required))
    return cols


def _aliases() -> dict[str, str]:
    aliases = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, col in columns().items():
                aliases[col.header.strip().lower()] = key
                aliases[col.header.replace("（", "(").replace("）", ")").lower()] = key
    aliases.update({key: key for key in ("credit_code", "name", "period", *FIGURES)})
    return aliases


def template_bytes(zone: Zone, period: Period, firms) -> bytes:
    """The month's sheet with the zone's reporting firms filled in (and their figures, if any)."""
    cols = columns()
    stored = {
        f.enterprise_id: f
        for f in MonthlyFigure.objects.filter(
            enterprise__in=[e.pk for e in firms], period=period.first_day
        )
    }
    rows = []
    for e in firms:
        f = stored.get(e.pk)
        rows.append(
            [e.credit_code, e.name, str(period)]
            + [getattr(f, n) if f is not None else None for n in FIGURES]
        )
    notes = [Column(_("Column"), 28), Column(_("What to enter"), 80)]
    note_rows = [
        (cols["credit_code"].header, _("Required: identifies the firm; keep it as it is.")),
        (cols["name"].header, _("For reading only; not imported.")),
        (cols["period"].header, _("Must be %(period)s for every row.") % {"period": period}),
        (cols["days_halted"].header, _("Empty means 0.")),
    ] + [
        (
            col.header,
            (_("Required.") if figures.SPECS[key].required else _("May be empty."))
            + " "
            + (
                _("A whole number.")
                if figures.SPECS[key].integer
                else _("Up to %(places)d decimal places.") % {"places": figures.SPECS[key].places}
            ),
        )
        for key, col in cols.items()
        if key in figures.SPECS
    ]
    return xlsx.write_workbook(
        [(sheet_name(), list(cols.values()), rows), (_("notes"), notes, note_rows)]
    )


def reporting_firms(user, zone: Zone, period: Period):
    """The firms of the zone expected to report for the month, by name."""
    return (
        enterprise_scope(user)
        .filter(zone=zone, status__in=REPORTING_STATUSES)
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class ParsedRow:
    row: int
    enterprise_id: int
    values: dict  # figure name -> Decimal, int or None


def _number(spec: figures.FigureSpec, raw):
    """A cell as the figure's value (None when empty); ValueError when it is not a number."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    else:
        # Full-width digits and punctuation (１２３．４５) as typed in Chinese input methods.
        text = unicodedata.normalize("NFKC", xlsx.text(raw)).replace(" ", "")
        if text == "":
            return None
        if "," in text:
            # Commas only as thousands separators (1,234.5); "123,45" is a decimal comma.
            if not GROUPED.match(text):
                raise ValueError(raw)
            text = text.replace(",", "")
        value = xlsx.to_decimal(text)
    if not value.is_finite():
        raise ValueError(raw)
    if abs(value) > spec.maximum:
        return value  # reported as too large, not rounded
    if isinstance(raw, float) and value != value.to_integral_value():
        # Spreadsheet numbers are binary floats: 12.3 may arrive as 12.300000000000001.
        value = value.quantize(Decimal("0.000001")).normalize()
    if value.as_tuple().exponent > 0:  # 1E+3 -> 1000
        value = value.quantize(Decimal(1))
    return value


PROGRESS_EVERY = 5000  # rows between progress reports
GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class _Sheet(xlsx.ImportSheet):
    """The month's sheet with the zone's firms and the month that every row is read against."""

    zone: Zone
    period: Period
    firms: dict[str, int]  # credit code -> firm id, the zone's firms
    # (key, spec, column, ceiling, places) of each figure the sheet has, for the row loop
    figure_columns: list[tuple] = field(default_factory=list)
    periods: dict = field(default_factory=dict)  # a sheet repeats one month: parsed once
    seen: dict[str, int] = field(default_factory=dict)  # credit code -> its first row


def _read_workbook(fileobj) -> tuple[str, list]:
    sheet, rows = xlsx.read_first_sheet(fileobj, sheet_name=sheet_name())
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    return sheet, rows


def _read_header(zone: Zone, period: Period, sheet: str, header_row) -> _Sheet:
    cols = columns()
    index = xlsx.read_header(sheet, header_row, _aliases(), REQUIRED, cols)
    return _Sheet(
        name=sheet,
        index=index,
        columns=cols,
        zone=zone,
        period=period,
        firms=dict(Enterprise.objects.filter(zone=zone).values_list("credit_code", "pk")),
        figure_columns=[
            (key, spec, index[key], float(spec.maximum), spec.places)
            for key, spec in figures.SPECS.items()
            if key in index
        ],
    )


def _skipped(sheet: _Sheet, cells) -> bool:
    """An empty row, or a firm's row with no figure filled in (not reported yet: nothing to
    store)."""
    if all(v is None or v == "" or xlsx.text(v) == "" for v in cells):
        return True
    return bool(sheet.figure_columns) and all(
        c >= len(cells) or xlsx.text(cells[c]) == "" for _k, _s, c, _m, _p in sheet.figure_columns
    )


def _read_firm(row: xlsx.SheetRow, sheet: _Sheet) -> int | None:
    """The firm of the row's credit code: one of the zone's, on no earlier row."""
    raw_code = row.cell("credit_code")
    code = uscc.normalise(xlsx.text(raw_code))
    firm_id = sheet.firms.get(code)
    if not code:
        row.bad("credit_code", raw_code, _("Required."))
    elif firm_id is None:
        problems = uscc.problems(code)
        for msg in problems:
            row.bad("credit_code", raw_code, msg)
        if not problems:
            row.bad(
                "credit_code",
                raw_code,
                _("No firm with this code is registered in zone %(zone)s.")
                % {"zone": sheet.zone.code},
            )
    elif code in sheet.seen:
        row.bad(
            "credit_code",
            raw_code,
            _("The same firm is on row %(row)d.") % {"row": sheet.seen[code]},
        )
    else:
        sheet.seen[code] = row.number
    return firm_id


def _read_period(row: xlsx.SheetRow, sheet: _Sheet) -> None:
    """The month cell, when the sheet has one, must be the upload's month (or empty)."""
    if "period" not in sheet.index:
        return
    raw = row.cell("period")
    if not xlsx.text(raw):
        return
    if isinstance(raw, str) and raw in sheet.periods:
        cell_period = sheet.periods[raw]
    else:
        try:
            cell_period = Period.parse(raw)
        except ValueError:
            cell_period = None
        if isinstance(raw, str):
            sheet.periods[raw] = cell_period
    if cell_period is None:
        row.bad("period", raw, _("Not a month: write YYYY-MM, e.g. 2020-06."))
    elif cell_period != sheet.period:
        row.bad(
            "period",
            raw,
            _("The upload is for %(period)s; this row is for another month.")
            % {"period": sheet.period},
        )


def _read_figures(row: xlsx.SheetRow, sheet: _Sheet) -> dict:
    """The row's figures, each checked against its spec; days halted within the month."""
    cells, width = row.cells, len(row.cells)
    values = {}
    for key, spec, c, ceiling, places in sheet.figure_columns:
        raw = cells[c] if c < width else None
        # The common cell, a number in range with no more places than stored, without
        # Decimal arithmetic; anything else takes the full checks below.
        if type(raw) is float and 0 <= raw <= ceiling:
            if places == 0:
                if raw.is_integer():
                    values[key] = int(raw)
                    continue
            else:
                shown = f"{raw:.{places}f}"
                if float(shown) == raw:
                    values[key] = Decimal(shown)
                    continue
        try:
            value = _number(spec, raw)
        except ValueError:
            row.bad(key, raw, _("Not a number."))
            continue
        msg = figures.problem(spec, value)
        if msg:
            row.bad(key, raw, msg)
            continue
        if value is not None:
            value = int(value) if spec.integer else value.quantize(spec.quantum)
        values[key] = value
    halted, days = values.get("days_halted"), sheet.period.days
    if halted is not None and halted > days:
        row.bad(
            "days_halted",
            row.cell("days_halted"),
            _("The month has only %(days)d days.") % {"days": days},
        )
    return values


def parse(*, zone: Zone, period: Period, fileobj, progress=None) -> list[ParsedRow]:
    """Read and check every row; raise ImportRejected listing every problem, or return the rows.

    `progress(stage, done, total)`, when given, hears "reading" once and "checking" every
    PROGRESS_EVERY rows.
    """
    if progress:
        progress("reading", 0, 0)
    name, rows = _read_workbook(fileobj)
    sheet = _read_header(zone, period, name, rows[0])
    errors: list[CellError] = []
    parsed: list[ParsedRow] = []
    total = len(rows) - 1
    for number, cells in enumerate(rows[1:], start=2):
        if progress and number % PROGRESS_EVERY == 0:
            progress("checking", number - 1, total)
        if _skipped(sheet, cells):
            continue
        row = xlsx.SheetRow(sheet, number, cells)
        firm_id = _read_firm(row, sheet)
        _read_period(row, sheet)
        values = _read_figures(row, sheet)
        if row.errors:
            errors.extend(row.errors)
        elif firm_id is not None:
            parsed.append(ParsedRow(number, firm_id, values))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([CellError(name, 2, "", "", _("The sheet has no data rows."))])
    return parsed


def export_rows(user, zone: Zone, period: Period) -> tuple[list[Column], list[list]]:
    """The month's stored figures in the template's layout (an export can be re-imported)."""
    cols = columns()
    rows = []
    qs = (
        MonthlyFigure.objects.filter(
            enterprise__in=enterprise_scope(user).filter(zone=zone), period=period.first_day
        )
        .order_by("enterprise__name", "enterprise_id")
        .values_list("enterprise__credit_code", "enterprise__name", *FIGURES)
        .iterator(chunk_size=5000)
    )
    label = str(period)
    for code, name, *values in qs:
        rows.append([code, name, label, *values])
    return list(cols.values()), rows

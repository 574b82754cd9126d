"""One month's figures of a zone as a spreadsheet: the template, the export and the import's checks.

One row per firm, keyed by credit code. The template comes with the zone's firms filled in;
every cell of an upload is checked before anything is written, and any problem rejects the
whole file with the list of problems (sheet, row, column, value, reason).
"""

import re
import unicodedata
from dataclasses import dataclass
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


def parse(*, zone: Zone, period: Period, fileobj, progress=None) -> list[ParsedRow]:
    """Read and check every row; raise ImportRejected listing every problem, or return the rows.

    `progress(stage, done, total)`, when given, hears "reading" once and "checking" every
    PROGRESS_EVERY rows.
    """
    if progress:
        progress("reading", 0, 0)
    sheet, rows = xlsx.read_first_sheet(fileobj, sheet_name=sheet_name())
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    cols = columns()
    index = xlsx.read_header(sheet, rows[0], _aliases(), REQUIRED, cols)
    errors: list[CellError] = []

    firms = dict(Enterprise.objects.filter(zone=zone).values_list("credit_code", "pk"))
    specs = [(key, figures.SPECS[key], index[key]) for key in FIGURES if key in index]
    code_col, period_col = index["credit_code"], index.get("period")
    figure_columns = [c for _key, _spec, c in specs]
    fast = [(key, spec, c, float(spec.maximum), spec.places) for key, spec, c in specs]
    periods: dict = {}  # a sheet repeats one month on every row: parsed once
    days = period.days
    seen: dict[str, int] = {}
    parsed: list[ParsedRow] = []
    total = len(rows) - 1
    for r, cells in enumerate(rows[1:], start=2):
        if progress and r % PROGRESS_EVERY == 0:
            progress("checking", r - 1, total)
        if all(v is None or v == "" or xlsx.text(v) == "" for v in cells):
            continue
        if figure_columns and all(
            c >= len(cells) or xlsx.text(cells[c]) == "" for c in figure_columns
        ):
            continue  # the firm's row is left empty: not reported yet, nothing to store
        width = len(cells)
        row_errors: list[CellError] = []

        def bad(key, value, reason, r=r, row_errors=row_errors):
            row_errors.append(CellError(sheet, r, cols[key].header, xlsx.text(value), reason))

        raw_code = cells[code_col] if code_col < width else None
        code = uscc.normalise(xlsx.text(raw_code))
        firm_id = firms.get(code)
        if not code:
            bad("credit_code", raw_code, _("Required."))
        elif firm_id is None:
            problems = uscc.problems(code)
            for msg in problems:
                bad("credit_code", raw_code, msg)
            if not problems:
                bad(
                    "credit_code",
                    raw_code,
                    _("No firm with this code is registered in zone %(zone)s.")
                    % {"zone": zone.code},
                )
        elif code in seen:
            bad(
                "credit_code", raw_code, _("The same firm is on row %(row)d.") % {"row": seen[code]}
            )
        else:
            seen[code] = r

        if period_col is not None:
            raw_period = cells[period_col] if period_col < width else None
            if xlsx.text(raw_period):
                if isinstance(raw_period, str) and raw_period in periods:
                    cell_period = periods[raw_period]
                else:
                    try:
                        cell_period = Period.parse(raw_period)
                    except ValueError:
                        cell_period = None
                    if isinstance(raw_period, str):
                        periods[raw_period] = cell_period
                if cell_period is None:
                    bad("period", raw_period, _("Not a month: write YYYY-MM, e.g. 2020-06."))
                if cell_period is not None and cell_period != period:
                    bad(
                        "period",
                        raw_period,
                        _("The upload is for %(period)s; this row is for another month.")
                        % {"period": period},
                    )

        values = {}
        for key, spec, c, ceiling, places in fast:
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
                bad(key, raw, _("Not a number."))
                continue
            msg = figures.problem(spec, value)
            if msg:
                bad(key, raw, msg)
                continue
            if value is not None:
                value = int(value) if spec.integer else value.quantize(spec.quantum)
            values[key] = value
        halted = values.get("days_halted")
        if halted is not None and halted > days:
            bad(
                "days_halted",
                cells[index["days_halted"]],
                _("The month has only %(days)d days.") % {"days": days},
            )
        if row_errors:
            errors.extend(row_errors)
        elif firm_id is not None:
            parsed.append(ParsedRow(r, firm_id, values))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([CellError(sheet, 2, "", "", _("The sheet has no data rows."))])
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

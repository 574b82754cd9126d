"""Spreadsheets in and out: python-calamine reads, XlsxWriter writes.

Imports are all-or-nothing: a reader collects every problem as a CellError (sheet, row,
column, value, reason) and the service writes nothing unless the list is empty.
"""

import datetime as dt
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

import xlsxwriter
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from python_calamine import CalamineError

from zonedesk.core.errors import DomainError

logger = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The most characters of each part of a problem that a report shows.
SHOWN = {"sheet": 100, "column": 100, "value": 200, "reason": 1000}


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # 1-based, as the spreadsheet program shows it
    column: str  # the header text
    value: str
    reason: str

    def __post_init__(self):
        # A cell may hold 32,767 characters and a header anything: the report shows a prefix.
        for name, limit in SHOWN.items():
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > limit:
                object.__setattr__(self, name, value[:limit] + "…")

    def __str__(self) -> str:
        if not self.row:  # the whole file (unreadable, too large): no "row 0"
            return f"{self.sheet}: {self.reason}" if self.sheet else self.reason
        if not self.column:
            return _("%(sheet)s row %(row)d: %(reason)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "reason": self.reason,
            }
        return _("%(sheet)s row %(row)d, column “%(column)s”, value “%(value)s”: %(reason)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class ImportRejected(DomainError):
    """The file was refused; `errors` lists every problem found. Nothing was written."""

    default_message = _("The file was not imported: nothing was changed.")

    def __init__(self, errors: list[CellError], message: str | None = None):
        self.errors = errors
        super().__init__(message)


def import_limits():
    """The extent limits of an upload, from settings.ZONEDESK (core.sheetlimits)."""
    from zonedesk.core.sheetlimits import Limits

    conf = settings.ZONEDESK
    return Limits(
        max_bytes=conf["IMPORT_MAX_BYTES"],
        max_rows=conf["IMPORT_MAX_ROWS"],
        max_columns=conf["IMPORT_MAX_COLUMNS"],
        max_cells=conf["IMPORT_MAX_CELLS"],
        max_cell_chars=conf["IMPORT_MAX_CELL_CHARS"],
        max_text_chars=conf["IMPORT_MAX_TEXT_CHARS"],
        max_uncompressed=conf["IMPORT_MAX_UNCOMPRESSED"],
    )


def _refused(reason: str) -> ImportRejected:
    return ImportRejected([CellError("", 0, "", "", reason)])


def _unreadable(*, damaged: bool, detail: str = "") -> ImportRejected:
    """The file cannot be read: said in the user's language, what to do about it included. The
    reader's own message ("Cannot detect file format", in English) is logged, not shown."""
    if damaged:
        logger.info("an upload could not be read: %s", detail[:400])
        why = _(
            "it looks like one but is damaged, incomplete or protected by a password. Open it "
            "in Excel or WPS, save it again as .xlsx without a password, and upload it again."
        )
    else:
        why = _(
            "its content is of another kind, whatever its name ends with. Open it in Excel or "
            "WPS, save it as .xlsx, and upload it again."
        )
    return _refused(
        _("The file is not a readable spreadsheet (.xlsx, .xls or .ods): %(e)s") % {"e": why}
    )


def read_first_sheet(fileobj, *, sheet_name: str | None = None) -> tuple[str, list[list]]:
    """The rows of one sheet (the first, or the named one) as Python values.

    The file's real extent is measured first, streaming (core.sheetlimits): past a limit it is
    refused before any grid is built. A file larger than IMPORT_INLINE_BYTES, and every .xls,
    is then read in a child process capped at IMPORT_MEMORY_MB (core.sheetread).
    """
    from zonedesk.core import sheetlimits, sheetread

    data = fileobj.read() if hasattr(fileobj, "read") else fileobj
    try:
        kind = sheetlimits.check(bytes(data), import_limits())
    except sheetlimits.SheetTooLarge as exc:
        raise _refused(str(exc)) from exc
    except sheetlimits.NotASpreadsheet as exc:
        raise _unreadable(damaged=False) from exc
    conf = settings.ZONEDESK
    memory_mb = conf["IMPORT_MEMORY_MB"]
    if memory_mb and (kind == "xls" or len(data) > conf["IMPORT_INLINE_BYTES"]):
        try:
            return sheetread.read_in_child(
                data,
                sheet_name,
                memory_bytes=memory_mb * 2**20,
                cpu_seconds=conf["IMPORT_CPU_SECONDS"],
            )
        except sheetread.ChildFailed as exc:
            raise _child_refusal(exc, memory_mb, conf["IMPORT_CPU_SECONDS"]) from exc
    try:
        return sheetread.read_sheet(data, sheet_name)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise _unreadable(damaged=True, detail=str(exc)) from exc


def _child_refusal(exc, memory_mb: int, seconds: int) -> ImportRejected:
    if exc.reason == "unreadable":
        return _unreadable(damaged=True, detail=exc.detail)
    if exc.reason == "time":
        return _refused(
            _("Reading the file took longer than %(s)d seconds; it was not imported.")
            % {"s": seconds}
        )
    return _refused(
        _(
            "Reading the file needed more than %(mb)d MB of memory; it was not imported. Save it "
            "again from Excel or LibreOffice, or split it into smaller files."
        )
        % {"mb": memory_mb}
    )


def read_header(
    sheet: str, cells: Sequence, aliases: dict[str, str], required: Iterable[str], columns: dict
) -> dict[str, int]:
    """Column key -> position from a header row (either language, any case). Unknown, repeated
    and missing required columns are all reported at once (ImportRejected). `columns` (key ->
    Column) names missing columns and is updated to head each found column as the sheet does,
    so that errors name columns as the user sees them."""
    errors: list[CellError] = []
    index: dict[str, int] = {}
    for c, raw in enumerate(cells):
        h = text(raw)
        key = aliases.get(h.lower())
        if key is None and h:
            errors.append(CellError(sheet, 1, h, h, _("Unknown column.")))
        elif key in index:
            errors.append(CellError(sheet, 1, h, h, _("The column appears twice.")))
        elif key:
            index[key] = c
            columns[key] = Column(h)
    for key in required:
        if key not in index:
            errors.append(
                CellError(sheet, 1, columns[key].header, "", _("A required column is missing."))
            )
    if errors:
        raise ImportRejected(errors)
    return index


def text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        # NUL can only come from a broken file; PostgreSQL cannot store it.
        return value.replace("\x00", "").strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def to_date(value) -> dt.date:
    """A date cell, or text as YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(raw)


def to_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        return Decimal(text(value).replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(value) from exc


YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}


def to_bool(value) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(raw)


@dataclass(frozen=True)
class Column:
    """One column of an export or a template: header, width and cell format."""

    header: str
    width: int = 14
    fmt: str = ""  # "text", "date", "wan" (two decimals), "int", "rate" (0.00), "wrap" (prose)
    choices: Sequence[str] = ()  # a drop-down in templates
    comment: str = ""


@dataclass
class ImportSheet:
    """A sheet being imported: its name and columns, and where the header found each column.
    An import subclasses it to carry what its rows are checked against."""

    name: str
    index: dict[str, int]  # column key -> position in the row
    columns: dict[str, Column]


class SheetRow:
    """One data row of an import: its cells read by column key, the problems found in them."""

    def __init__(self, sheet: ImportSheet, number: int, cells: Sequence):
        self.sheet, self.number, self.cells = sheet, number, cells
        self.index = sheet.index
        self.errors: list[CellError] = []

    def cell(self, key: str):
        """The raw cell of a column; None where the sheet has no such column or the row ends."""
        c = self.index.get(key)
        return self.cells[c] if c is not None and c < len(self.cells) else None

    def bad(self, key: str, value, reason: str) -> None:
        header = self.sheet.columns[key].header
        self.errors.append(CellError(self.sheet.name, self.number, header, text(value), reason))


def write_workbook(sheets: Iterable[tuple[str, Sequence[Column], Iterable[Sequence]]]) -> bytes:
    """An .xlsx of (sheet name, columns, rows) in constant memory."""
    buffer = io.BytesIO()
    # Rows are streamed to a temporary file and zipped at the end: `in_memory` would override
    # `constant_memory` and hold every cell (about 2 KiB a row of the month's sheet).
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    formats = {
        "text": workbook.add_format({"num_format": "@"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "wan": workbook.add_format({"num_format": "#,##0.00"}),
        "int": workbook.add_format({"num_format": "#,##0"}),
        "rate": workbook.add_format({"num_format": "0.00"}),  # a rate in %, or days: 4.35
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "": None,
    }
    for name, columns, rows in sheets:
        sheet = workbook.add_worksheet(name[:31])
        for c, col in enumerate(columns):
            sheet.set_column(c, c, col.width, formats[col.fmt])
            sheet.write_string(0, c, col.header, bold)
            if col.comment:
                sheet.write_comment(0, c, col.comment)
            if col.choices:
                sheet.data_validation(
                    1, c, 10000, c, {"validate": "list", "source": list(col.choices)}
                )
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        r, c, dt.datetime.combine(value, dt.time()), formats["date"]
                    )
                elif isinstance(value, bool):
                    sheet.write_string(r, c, _("Yes") if value else _("No"))
                elif isinstance(value, int | float | Decimal):
                    sheet.write_number(r, c, value, formats[columns[c].fmt])
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

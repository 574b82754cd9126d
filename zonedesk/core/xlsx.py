"""Spreadsheets in and out: python-calamine reads, XlsxWriter writes.

Imports are all-or-nothing: a reader collects every problem as a CellError (sheet, row,
column, value, reason) and the service writes nothing unless the list is empty.
"""

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from zonedesk.core.errors import DomainError

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # 1-based, as the spreadsheet program shows it
    column: str  # the header text
    value: str
    reason: str

    def __str__(self) -> str:
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


# A reader holds a sheet's whole used area in memory, so a few kilobytes with one cell at
# XFD1048576 would ask for billions of cells. The used area is checked before reading.
MAX_ROWS = 200_000
MAX_COLUMNS = 64
MAX_UNCOMPRESSED = 512 * 1024 * 1024
_ROW_REF = re.compile(rb"<row\b[^>]*?\br=\"(\d{1,7})\"")
# Cell references with two or three letters (column AA and beyond); ordinary sheets have none.
_WIDE_REF = re.compile(rb'r="([A-Z]{2,3})\d')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def sheet_extent(data: bytes) -> tuple[int, int] | None:
    """(rows, columns) of the largest worksheet of an .xlsx, or None for other formats.

    Rows come in order, so the last <row r=...> gives the height; the width is read from the
    cell references beyond column Z (reported as 26 when there are none). One pass, no parsing.
    Raises ImportRejected when a part of the file would unpack to more than MAX_UNCOMPRESSED.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    extent = None
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_UNCOMPRESSED:
                reason = _("The file unpacks to more than %(mb)d MB.") % {
                    "mb": MAX_UNCOMPRESSED // 2**20
                }
                raise ImportRejected([CellError("", 0, "", info.filename, reason)])
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows, cols, tail = 0, 26, b""
            with archive.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    buffer = tail + chunk
                    at = buffer.rfind(b"<row ")
                    if at >= 0 and (m := _ROW_REF.match(buffer, at)):
                        rows = max(rows, int(m.group(1)))
                    for m in _WIDE_REF.finditer(buffer):
                        cols = max(cols, _column_number(m.group(1)))
                    tail = buffer[-256:]
            extent = max(extent or (0, 0), (rows, cols))
    return extent


def read_first_sheet(fileobj, *, sheet_name: str | None = None) -> tuple[str, list[list]]:
    """The rows of one sheet (the first, or the named one) as Python values."""
    data = fileobj.read() if hasattr(fileobj, "read") else fileobj
    extent = sheet_extent(data)
    if extent and (extent[0] > MAX_ROWS or extent[1] > MAX_COLUMNS):
        rows, cols = extent
        raise ImportRejected(
            [
                CellError(
                    "",
                    rows,
                    "",
                    "",
                    _(
                        "The sheet reaches row %(rows)d and column %(cols)d; at most %(max_rows)d rows "
                        "and %(max_cols)d columns are read. Delete stray cells far below or to the "
                        "right of the data."
                    )
                    % {"rows": rows, "cols": cols, "max_rows": MAX_ROWS, "max_cols": MAX_COLUMNS},
                )
            ]
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = sheet_name if sheet_name in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise ImportRejected(
            [
                CellError(
                    "",
                    0,
                    "",
                    "",
                    _("The file is not a readable spreadsheet (.xlsx, .xls or .ods): %(e)s")
                    % {"e": exc},
                )
            ]
        ) from exc
    return name, rows


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
    fmt: str = ""  # "text", "date", "wan" (two decimals), "int"
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

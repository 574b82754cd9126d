"""Spreadsheets in and out: python-calamine reads, XlsxWriter writes.

Imports are all-or-nothing: a reader collects every problem as a CellError (sheet, row,
column, value, reason) and the service writes nothing unless the list is empty.
"""

import datetime as dt
import io
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


def read_first_sheet(fileobj, *, sheet_name: str | None = None) -> tuple[str, list[list]]:
    """The rows of one sheet (the first, or the named one) as Python values."""
    try:
        data = fileobj.read() if hasattr(fileobj, "read") else fileobj
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


def write_workbook(sheets: Iterable[tuple[str, Sequence[Column], Iterable[Sequence]]]) -> bytes:
    """An .xlsx of (sheet name, columns, rows) in constant memory."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
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

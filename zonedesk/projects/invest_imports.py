"""The monthly investment of a zone's key projects from a sheet: the template and the cell checks.

One row per project and month: the project's code (项目编号), its name (for reading only), the
month (月份, YYYY-MM) and the month's planned and completed investment (万元). Headers are read
in either language. Every cell is checked before anything is written, as the monitoring imports
do (core.xlsx): any problem refuses the whole file with the list of problems (sheet, row,
column, value, reason). The checks against the stored projects (the code, the signing month)
are the service's (services.investment_import_preview).
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import xlsx
from zonedesk.core.period import Period
from zonedesk.core.xlsx import CellError, Column, ImportRejected

MOST_WAN = Decimal("1e12")  # the columns hold 14 digits, 2 of them decimals
CENT = Decimal("0.01")


def sheet_name() -> str:
    return _("monthly investment")


def columns() -> dict[str, Column]:
    """The template's columns, headed in the active language."""
    return {
        "code": Column(_("Project code"), 18, "text"),
        "name": Column(_("Project name"), 36, "text"),
        "month": Column(_("Month"), 12, "text", comment=_("YYYY-MM, e.g. 2020-06")),
        "planned_wan": Column(
            _("Planned investment (10k yuan)"),
            22,
            "wan",
            comment=_("Not negative; up to 2 decimal places."),
        ),
        "done_wan": Column(
            _("Completed investment (10k yuan)"),
            22,
            "wan",
            comment=_("Not negative; up to 2 decimal places."),
        ),
    }


REQUIRED = ("code", "month", "planned_wan", "done_wan")  # columns; their cells may be blank
# Headers also read (compared without spaces, brackets folded to ASCII, lower case).
VARIANTS = {
    "code": ("项目编号", "项目代码", "编号", "code"),
    "name": ("项目名称", "名称", "name"),
    "month": ("月份", "年月", "month"),
    "planned_wan": ("计划投资", "计划投资(万元)", "计划完成投资(万元)", "planned"),
    "done_wan": ("完成投资", "完成投资(万元)", "实际完成投资(万元)", "completed", "done"),
}


def _spellings(header: str) -> set[str]:
    """A header as core.xlsx.read_header compares it (lower case), with ASCII or full-width
    brackets and with or without spaces."""
    text = unicodedata.normalize("NFKC", header).lower()
    out = set()
    for t in (text, "".join(text.split())):
        out |= {t, t.replace("(", "（").replace(")", "）"), header.lower()}
    return out


def _aliases() -> dict[str, str]:
    aliases = {s: key for key, names in VARIANTS.items() for v in names for s in _spellings(v)}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, col in columns().items():
                aliases |= dict.fromkeys(_spellings(str(col.header)), key)
    return aliases


def template_bytes(projects: list[tuple[str, str]], month: Period) -> bytes:
    """The sheet the import reads, one row per project of `projects` (code, name) for `month`
    with the amounts left to fill in, and a notes sheet."""
    cols = columns()
    notes = [Column(_("Column"), 28), Column(_("What to enter"), 90)]
    note_rows = [
        (cols["code"].header, _("Required: the project's code, as on its page.")),
        (cols["name"].header, _("The project's name; for reading only.")),
        (
            cols["month"].header,
            _("Required: the month, YYYY-MM (also 2020/6, 2020年6月 or a date)."),
        ),
        (
            cols["planned_wan"].header,
            _(
                "The investment planned for the month (10k yuan), not negative; blank keeps "
                "the stored figure (0 for a month not stored yet)."
            ),
        ),
        (
            cols["done_wan"].header,
            _(
                "The investment completed in the month (10k yuan), not negative, 0 for a month "
                "that has not begun; blank keeps the stored figure (0 for a month not stored yet)."
            ),
        ),
        (
            _("Rules"),
            _(
                "One row per project and month, from the month the project was signed. A row "
                "replaces the stored figures of its project and month; the others are kept. A "
                "row whose two figures are blank is skipped. If any cell is wrong, nothing is "
                "imported."
            ),
        ),
    ]
    rows = [(code, name, str(month), None, None) for code, name in projects]
    return xlsx.write_workbook(
        [(sheet_name(), list(cols.values()), rows), (_("notes"), notes, note_rows)]
    )


@dataclass(frozen=True)
class Line:
    """One checked row of the sheet."""

    row: int
    code: str
    month: Period
    planned_wan: Decimal | None  # None: blank, the stored figure stays (0 for a new month)
    done_wan: Decimal | None


@dataclass(frozen=True)
class Parsed:
    sheet: str
    headers: dict[str, str]  # column key -> the header as the sheet writes it
    lines: list[Line]
    # (row, code) of the rows refused for other cells: their code is checked as well.
    refused_codes: tuple[tuple[int, str], ...] = ()

    def error(self, line: Line, key: str, value, reason: str) -> CellError:
        return CellError(self.sheet, line.row, self.headers[key], xlsx.text(value), reason)


def _month(raw) -> Period:
    if isinstance(raw, dt.date):
        return Period.parse(raw)
    text = unicodedata.normalize("NFKC", xlsx.text(raw)).replace(" ", "")
    if len(text) == 6 and text.isdigit():
        text = f"{text[:4]}-{text[4:]}"
    elif len(text) == 10 and text[4] in "-/." and text[7] == text[4]:  # 2020-06-01
        text = text[:7]
    return Period.parse(text)


def _amount(row: xlsx.SheetRow, key: str) -> Decimal | None:
    """The cell's amount; None when blank (the stored figure stays) or refused (row.errors)."""
    raw = row.cell(key)
    if not xlsx.text(raw):
        return None
    try:
        if isinstance(raw, float):
            value = Decimal(repr(raw))  # 12.3 as typed, not its binary neighbour
        else:
            value = xlsx.to_decimal(unicodedata.normalize("NFKC", xlsx.text(raw)))
        if not value.is_finite():
            raise ValueError(raw)
    except (ValueError, InvalidOperation):
        row.bad(key, raw, _("Not a number."))
        return None
    if value < 0:
        row.bad(key, raw, _("Cannot be negative."))
    elif value >= MOST_WAN:
        row.bad(key, raw, _("Too large: at most 12 digits before the decimal point."))
    elif value != value.quantize(CENT):
        row.bad(key, raw, _("At most 2 decimal places."))
    else:
        return value.quantize(CENT)
    return None


def parse(fileobj) -> Parsed:
    """The file's rows, every cell checked; ImportRejected listing every problem otherwise. No
    database access: the service matches the codes and stores."""
    parsed, errors = read(fileobj)
    if errors:
        raise ImportRejected(errors)
    return parsed


def read(fileobj) -> tuple[Parsed, list[CellError]]:
    """The file's good rows and the problems of the others (so that the service adds its own
    checks of the good rows and lists every problem at once). A file that cannot be read, a
    bad header or a sheet without rows raise ImportRejected."""
    name, rows = xlsx.read_first_sheet(fileobj)
    if not rows:
        raise ImportRejected([CellError(name, 1, "", "", _("The sheet is empty."))])
    cols = columns()
    index = xlsx.read_header(name, rows[0], _aliases(), REQUIRED, cols)
    sheet = xlsx.ImportSheet(name=name, index=index, columns=cols)
    errors: list[CellError] = []
    lines: list[Line] = []
    seen: dict[tuple[str, Period], int] = {}
    refused: list[tuple[int, str]] = []
    figures = [index[k] for k in ("planned_wan", "done_wan")]
    for number, cells in enumerate(rows[1:], start=2):
        # The template lists every project: a row whose figures are all blank is one the user
        # had nothing to enter for, skipped (not an error).
        if all(xlsx.text(cells[i] if i < len(cells) else "") == "" for i in figures):
            continue
        row = xlsx.SheetRow(sheet, number, cells)
        code = xlsx.text(row.cell("code"))
        if not code:
            row.bad("code", "", _("Required."))
        raw_month, month = row.cell("month"), None
        if not xlsx.text(raw_month):
            row.bad("month", raw_month, _("Required."))
        else:
            try:
                month = _month(raw_month)
            except ValueError:
                row.bad("month", raw_month, _("Not a month: write YYYY-MM, e.g. 2020-06."))
        planned, done = _amount(row, "planned_wan"), _amount(row, "done_wan")
        if code and month is not None:
            first = seen.setdefault((code, month), number)
            if first != number:
                row.bad(
                    "code",
                    code,
                    _("The same project is on row %(row)d for %(month)s.")
                    % {"row": first, "month": month},
                )
        if row.errors:
            errors.extend(row.errors)
            if code:
                refused.append((number, code))
        else:
            lines.append(Line(number, code, month, planned, done))
    if not lines and not errors:
        raise ImportRejected([CellError(name, 2, "", "", _("The sheet has no data rows."))])
    headers = {k: c.header for k, c in cols.items()}
    return Parsed(name, headers, lines, tuple(refused)), errors

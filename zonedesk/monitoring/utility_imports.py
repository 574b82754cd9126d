"""The power and water companies' monthly readings as they send them: the template and the checks.

One row per account and month: account number (户号/用户编号), account name (户名), month
(抄表年月/月份) and the consumption (用电量(千瓦时)/电量 for power, 用水量(吨) for water). The
companies' own layouts are read as they come: a title row above the header, columns the import
does not use (序号, 地址, 电费…) and a totals row (合计) are passed over; the header is matched
in either language, any width of brackets and spaces. Every cell is checked before anything is
written; any problem rejects the whole file with the list of problems (sheet, row, column,
value, reason), as the month's sheet does (monitoring.imports, core.xlsx).
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import xlsx
from zonedesk.core.fields import validate_name
from zonedesk.core.period import Period
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.monitoring import figures, imports
from zonedesk.monitoring.models import UTILITY_UNIT_FIELD, UtilityKind, account_number_validator

# The header is looked for in the first rows (a company's sheet often starts with a title).
HEADER_SEARCH_ROWS = 10
# A row with one of these in the account column (its month empty), or in another cell when the
# account is empty, is the sheet's total line.
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "total", "sum"})

# Header variants as the companies write them, compared after `_key` (no spaces, ASCII
# brackets, lower case); the template's own headers (either language) are added to them.
VARIANTS = {
    "account_number": (
        "户号",
        "用户编号",
        "用户号",
        "客户编号",
        "客户号",
        "用电户号",
        "用水户号",
        "account number",
        "account",
    ),
    "account_name": ("户名", "用户名称", "客户名称", "用户名", "account name", "name"),
    "period": (
        "抄表年月",
        "月份",
        "年月",
        "抄表月份",
        "电费年月",
        "水费年月",
        "账期",
        "month",
        "period",
    ),
    "electricity_kwh": (
        "用电量(千瓦时)",
        "用电量(kwh)",
        "用电量(kw·h)",
        "用电量(度)",
        "用电量",
        "电量",
        "电量(千瓦时)",
        "电量(kwh)",
        "抄见电量",
        "结算电量",
        "electricity (kwh)",
        "electricity_kwh",
    ),
    "water_t": (
        "用水量(吨)",
        "用水量(t)",
        "用水量(立方米)",
        "用水量(m3)",
        "用水量(m³)",
        "用水量",
        "水量",
        "水量(吨)",
        "water (t)",
        "water_t",
    ),
}


def _key(header) -> str:
    """A header as compared: NFKC (full-width brackets and letters to ASCII), no spaces."""
    text = unicodedata.normalize("NFKC", xlsx.text(header))
    return "".join(text.split()).lower()


def sheet_name(kind: str) -> str:
    return _("power readings") if kind == UtilityKind.POWER else _("water readings")


def columns(kind: str) -> dict[str, Column]:
    """The template's columns for `kind`, headed in the active language."""
    quantity = UTILITY_UNIT_FIELD[kind]
    return {
        "account_number": Column(_("Account number"), 20, "text"),
        "account_name": Column(_("Account name"), 36, "text"),
        "period": Column(_("Month"), 12, "text", comment=_("YYYY-MM, e.g. 2020-06")),
        quantity: Column(
            _("Electricity (kWh)") if kind == UtilityKind.POWER else _("Water (t)"),
            18,
            "wan",
            comment=str(_("Not negative; up to 2 decimal places.")),
        ),
    }


def _aliases() -> dict[str, str]:
    aliases = {}
    for key, names in VARIANTS.items():
        for name in names:
            aliases[_key(name)] = key
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for kind in UtilityKind:
                for key, col in columns(kind).items():
                    aliases[_key(col.header)] = key
    return aliases


def template_bytes(kind: str) -> bytes:
    """An empty sheet in the layout the import reads, with a notes sheet (the companies' own
    layouts are read as well: see the notes)."""
    cols = columns(kind)
    notes = [Column(_("Column"), 28), Column(_("What to enter"), 90)]
    quantity = UTILITY_UNIT_FIELD[kind]
    also = ", ".join(VARIANTS[quantity][:6])
    note_rows = [
        (
            cols["account_number"].header,
            _("Required: the utility company's account number (户号), as recorded on the firm.")
            + " "
            + _("Also read: %(names)s.") % {"names": ", ".join(VARIANTS["account_number"][:5])},
        ),
        (cols["account_name"].header, _("The name on the account; for reading only.")),
        (
            cols["period"].header,
            _("Required: the month read, YYYY-MM (also 2020/6, 2020年6月, 202006 or a date).")
            + " "
            + _("Also read: %(names)s.") % {"names": ", ".join(VARIANTS["period"][:5])},
        ),
        (
            cols[quantity].header,
            _("Required: the month's consumption, not negative.")
            + " "
            + _("Also read: %(names)s.") % {"names": also},
        ),
        (
            _("Other columns"),
            _(
                "Ignored, as are title rows above the header and a totals row (合计). Importing a "
                "month again replaces that month's readings."
            ),
        ),
    ]
    return xlsx.write_workbook(
        [(sheet_name(kind), list(cols.values()), []), (_("notes"), notes, note_rows)]
    )


@dataclass(frozen=True)
class Reading:
    row: int
    period: Period
    account_number: str
    account_name: str
    quantity: Decimal


@dataclass
class _Sheet(xlsx.ImportSheet):
    kind: str
    quantity: str  # the column key of the kind's consumption
    header_row: int  # 1-based
    periods: dict = field(default_factory=dict)  # a cell's text -> its month (or None)
    seen: dict = field(default_factory=dict)  # (month, account) -> its first row


def _find_header(sheet: str, rows: list, aliases: dict) -> int:
    """The index of the header row: the first of the first rows naming an account column."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(aliases.get(_key(c)) == "account_number" for c in cells):
            return i
    raise ImportRejected(
        [
            CellError(
                sheet,
                1,
                _("Account number"),
                "",
                _(
                    "No header row with an account number column (户号 or 用户编号) in the "
                    "first %(n)d rows."
                )
                % {"n": HEADER_SEARCH_ROWS},
            )
        ]
    )


def _read_header(kind: str, sheet: str, rows: list) -> _Sheet:
    """The columns the import uses; other columns are ignored. A repeated column, a missing
    one, or the other utility's consumption column (a water sheet uploaded as power) refuse."""
    aliases = _aliases()
    at = _find_header(sheet, rows, aliases)
    cols = columns(kind)
    quantity = UTILITY_UNIT_FIELD[kind]
    other = next(v for k, v in UTILITY_UNIT_FIELD.items() if k != kind)
    errors, index = [], {}
    for c, raw in enumerate(rows[at]):
        key = aliases.get(_key(raw))
        h = xlsx.text(raw)
        if key == other:
            errors.append(
                CellError(
                    sheet,
                    at + 1,
                    h,
                    h,
                    _("This is a column of %(other)s readings; the upload is for %(kind)s.")
                    % {
                        "other": UtilityKind(other_kind(kind)).label,
                        "kind": UtilityKind(kind).label,
                    },
                )
            )
        elif key in index:
            errors.append(CellError(sheet, at + 1, h, h, _("The column appears twice.")))
        elif key:
            index[key] = c
            cols[key] = Column(h)
    for key in ("account_number", "period", quantity):
        if key not in index:
            errors.append(
                CellError(sheet, at + 1, cols[key].header, "", _("A required column is missing."))
            )
    if errors:
        raise ImportRejected(errors)
    return _Sheet(
        name=sheet, index=index, columns=cols, kind=kind, quantity=quantity, header_row=at + 1
    )


def other_kind(kind: str) -> str:
    return UtilityKind.WATER if kind == UtilityKind.POWER else UtilityKind.POWER


def _month(raw) -> Period:
    """A month cell: text as Period.parse reads it, 202006 (as text or a number), or a date."""
    if isinstance(raw, dt.date):
        return Period.parse(raw)
    text = unicodedata.normalize("NFKC", xlsx.text(raw)).replace(" ", "")
    if len(text) == 6 and text.isdigit():
        text = f"{text[:4]}-{text[4:]}"
    elif len(text) == 8 and text.isdigit():  # 20200601: a day of the month read
        text = f"{text[:4]}-{text[4:6]}"
    elif len(text) == 10 and text[4] in "-/." and text[7] == text[4]:  # 2020-06-01
        text = text[:7]
    return Period.parse(text)


def _read_period(row: xlsx.SheetRow, sheet: _Sheet, latest: Period) -> Period | None:
    raw = row.cell("period")
    if not xlsx.text(raw):
        row.bad("period", raw, _("Required."))
        return None
    cache_key = raw if isinstance(raw, str | int | float) else None
    if cache_key is not None and cache_key in sheet.periods:
        period = sheet.periods[cache_key]
    else:
        try:
            period = _month(raw)
        except ValueError:
            period = None
        if cache_key is not None:
            sheet.periods[cache_key] = period
    if period is None:
        row.bad("period", raw, _("Not a month: write YYYY-MM, e.g. 2020-06."))
    elif period > latest:
        row.bad("period", raw, _("The month has not ended yet: readings are for past months."))
        return None
    return period


def _read_account(row: xlsx.SheetRow) -> str:
    raw = row.cell("account_number")
    number = unicodedata.normalize("NFKC", xlsx.text(raw)).replace(" ", "")
    if not number:
        row.bad("account_number", raw, _("Required."))
        return ""
    try:
        account_number_validator(number)
    except ValidationError:
        row.bad(
            "account_number", raw, _("An account number is 1 to 32 letters, digits or hyphens.")
        )
        return ""
    return number


# The readings' quantities checked as the monthly figures are (monitoring.figures): required,
# not negative, two decimal places (meters are read to 0.01 in some bills), bounded.
SPECS = {
    "electricity_kwh": figures.FigureSpec(
        "electricity_kwh",
        gettext_lazy("Electricity"),
        gettext_lazy("kWh"),
        True,
        2,
        Decimal("1e12"),
    ),
    "water_t": figures.FigureSpec(
        "water_t", gettext_lazy("Water"), gettext_lazy("t"), True, 2, Decimal("1e12")
    ),
}


def _read_quantity(row: xlsx.SheetRow, sheet: _Sheet) -> Decimal | None:
    """The consumption, read as the month's sheet reads a figure (imports._number: full-width
    digits, thousands separators, binary floats) and checked against its spec."""
    raw, spec = row.cell(sheet.quantity), SPECS[sheet.quantity]
    try:
        value = imports._number(spec, raw)
    except ValueError:
        row.bad(sheet.quantity, raw, _("Not a number."))
        return None
    msg = figures.problem(spec, value)
    if msg:
        row.bad(sheet.quantity, raw, msg)
        return None
    return value.quantize(spec.quantum)


def _read_name(row: xlsx.SheetRow) -> str:
    """The account's name (for reading only): one line, cut to the stored 200 characters."""
    raw = row.cell("account_name")
    name = xlsx.text(raw)[:200]
    try:
        validate_name(name)
    except ValidationError as exc:
        row.bad("account_name", raw, " ".join(exc.messages))
    return name


def _is_total_word(value) -> bool:
    return _key(value).rstrip(":") in TOTAL_WORDS


def _is_total(cells, sheet: _Sheet) -> bool:
    """The sheet's totals line: 合计 (or the like) in a cell and no account number, or, as the
    companies usually lay it out, 合计 in the account column itself with the month left empty
    (a month there makes it a reading, whose odd account number is reported)."""

    def cell(key):
        c = sheet.index[key]
        return cells[c] if c < len(cells) else None

    account = cell("account_number")
    if xlsx.text(account):
        return _is_total_word(account) and not xlsx.text(cell("period"))
    return any(_is_total_word(v) for v in cells)


def parse(*, kind: str, fileobj, today: dt.date | None = None) -> tuple[str, list[Reading]]:
    """(sheet name, readings) of the file, every row checked; ImportRejected listing every
    problem otherwise. No database access: the service matches and stores."""
    name, rows = xlsx.read_first_sheet(fileobj, sheet_name=sheet_name(kind))
    if not rows:
        raise ImportRejected([CellError(name, 1, "", "", _("The sheet is empty."))])
    sheet = _read_header(kind, name, rows)
    latest = Period.of(today or timezone.localdate()).previous
    errors: list[CellError] = []
    readings: list[Reading] = []
    for number, cells in enumerate(rows[sheet.header_row :], start=sheet.header_row + 1):
        if all(xlsx.text(v) == "" for v in cells) or _is_total(cells, sheet):
            continue
        row = xlsx.SheetRow(sheet, number, cells)
        account = _read_account(row)
        period = _read_period(row, sheet, latest)
        quantity = _read_quantity(row, sheet)
        if account and period is not None:
            first = sheet.seen.get((period, account))
            if first is not None:
                row.bad(
                    "account_number",
                    row.cell("account_number"),
                    _("The same account is on row %(row)d for %(period)s.")
                    % {"row": first, "period": period},
                )
            else:
                sheet.seen[period, account] = number
        name = _read_name(row)
        if row.errors:
            errors.extend(row.errors)
        else:
            readings.append(Reading(number, period, account, name, quantity))
    if errors:
        raise ImportRejected(errors)
    if not readings:
        raise ImportRejected(
            [CellError(name, sheet.header_row + 1, "", "", _("The sheet has no data rows."))]
        )
    return name, readings

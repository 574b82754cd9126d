"""The firm register as a spreadsheet: the template, the export, and the import's reading and checks.

One row per firm, keyed by credit code: a new code registers a firm, a known one updates it.
Every cell is checked before anything is written; any problem rejects the whole file.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zonedesk.core import industry, uscc, xlsx
from zonedesk.core.actors import Actor
from zonedesk.core.fields import validate_name
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.enterprises import access, selectors
from zonedesk.enterprises.models import Enterprise, EnterpriseType
from zonedesk.enterprises.services import (
    EDITABLE_FIELDS,
    REGISTRY_FIELDS,
    ContactData,
    EnterpriseData,
)
from zonedesk.org.models import Zone
from zonedesk.org.selectors import officer_list, zone_list

SHEET = "enterprises"
# Columns that carry a registry field (the zone, contact and credit code are handled apart).
DATA_FIELDS = EDITABLE_FIELDS - {"credit_code"}
# The registry's fields, then the first contact (more contacts are edited on the firm's page).
KEYS = (*REGISTRY_FIELDS, "contact_name", "contact_phone")  # the template's order: columns()


def columns() -> dict[str, Column]:
    """The template's columns, headed in the active language (either language is read back)."""
    statuses = [label for _v, label in Enterprise.Status.choices]
    return {
        "name": Column(_("Enterprise name"), 30, "text"),
        "credit_code": Column(_("Unified social credit code"), 22, "text"),
        "zone": Column(_("Zone code"), 10, "text", comment=_("The zone's short code, e.g. demo")),
        "industry_code": Column(
            _("Industry code"),
            12,
            "text",
            comment=_("GB/T 4754-2017 division, group or class, e.g. C3011 or 3011"),
        ),
        "above_designated_size": Column(
            _("Above designated size"), 10, choices=[_("Yes"), _("No")]
        ),
        "status": Column(_("Status"), 10, choices=statuses),
        "production_start": Column(_("Start of production"), 14, "date"),
        "address": Column(_("Address"), 30, "text"),
        "officer": Column(_("Liaison officer (user name)"), 16, "text"),
        "legal_representative": Column(_("Legal representative"), 12, "text"),
        "registered_capital_wan": Column(_("Registered capital (10k yuan)"), 14, "wan"),
        "established_on": Column(_("Date of establishment"), 14, "date"),
        "enterprise_type": Column(
            _("Enterprise type"),
            30,
            "text",
            comment=_("Registration type code, e.g. 173 (国统字〔2011〕86号)"),
        ),
        "main_products": Column(_("Main products"), 24, "text"),
        "land_area_mu": Column(_("Land in use (mu)"), 12, "wan"),
        "contact_name": Column(_("Contact"), 10, "text"),
        "contact_phone": Column(_("Contact phone"), 15, "text"),
    }


def _header_aliases() -> dict[str, str]:
    """Header text (Chinese or English, any case) -> column key."""
    from django.utils import translation

    aliases = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, col in columns().items():
                aliases[col.header.strip().lower()] = key
    for key in KEYS:
        aliases[key] = key
    return aliases


def _status_values() -> dict[str, str]:
    from django.utils import translation

    values = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for value, label in Enterprise.Status.choices:
                values[str(label).lower()] = value
    values.update({v: v for v in Enterprise.Status.values})
    return values


@dataclass
class ParsedRow:
    row: int
    zone: Zone
    data: EnterpriseData
    present: frozenset[str]  # the data fields whose column the sheet has
    contact: ContactData | None
    existing: Enterprise | None  # the registered firm with this credit code, if any


def template_bytes(user) -> bytes:
    cols = columns()
    zones = list(zone_list(user))
    notes = [
        Column(_("Column"), 28),
        Column(_("What to enter"), 80),
    ]
    note_rows = [
        (cols["name"].header, _("Required.")),
        (
            cols["credit_code"].header,
            _("Required. 18 characters (GB 32100-2015); a known code updates that firm."),
        ),
        (
            cols["zone"].header,
            _("Required. One of: %(codes)s") % {"codes": ", ".join(z.code for z in zones)},
        ),
        (cols["industry_code"].header, _("Required. See the sheet “industries”.")),
        (cols["above_designated_size"].header, _("Yes or No; empty means No.")),
        (cols["status"].header, ", ".join(str(label) for _v, label in Enterprise.Status.choices)),
        (cols["production_start"].header, _("A date, e.g. 2020-03-15; may be empty.")),
        (cols["legal_representative"].header, _("May be empty.")),
        (
            cols["registered_capital_wan"].header,
            _("In 10k yuan, up to 2 decimal places; may be empty."),
        ),
        (cols["established_on"].header, _("A date, e.g. 2008-05-20; may be empty.")),
        (
            cols["enterprise_type"].header,
            _(
                "The three-digit registration type code (国统字〔2011〕86号), alone or with its "
                "name, e.g. 173; see the sheet “enterprise types”. May be empty."
            ),
        ),
        (cols["main_products"].header, _("May be empty.")),
        (
            cols["land_area_mu"].header,
            _("Land the firm uses, in mu (亩), up to 2 decimal places; may be empty."),
        ),
        (
            cols["officer"].header,
            _("The user name of a liaison officer of the zone; may be empty."),
        ),
        (cols["contact_name"].header, _("Optional; updates the contact of that name or adds one.")),
    ]
    industries = [Column(_("Code"), 8, "text"), Column(_("Level"), 10), Column(_("Name"), 50)]
    industry_rows = [(i.display_code, i.level, i.name) for i in industry.table().values()]
    types = [Column(_("Code"), 8, "text"), Column(_("Enterprise type"), 60)]
    type_rows = [(value, label) for value, label in EnterpriseType.choices]
    return xlsx.write_workbook(
        [
            (SHEET, list(cols.values()), []),
            (_("notes"), notes, note_rows),
            ("industries", industries, industry_rows),
            ("enterprise types", types, type_rows),
        ]
    )


def export_rows(user, filters) -> tuple[list[Column], list[list]]:
    """The list as the user sees it, in the template's layout (an export can be re-imported)."""
    cols = list(columns().values())
    rows = []
    for e in selectors.enterprise_list(user, filters, with_contacts=True):
        contact = next(iter(selectors.contact_rows(user, e)), None)
        rows.append(
            [
                e.name,
                e.credit_code,
                e.zone.code,
                e.industry.display_code if e.industry else e.industry_code,
                e.above_designated_size,
                e.get_status_display(),
                e.production_start,
                e.address,
                e.officer.username if e.officer else "",
                e.legal_representative,
                e.registered_capital_wan,
                e.established_on,
                e.get_enterprise_type_display() if e.enterprise_type else "",
                e.main_products,
                e.land_area_mu,
                contact["name"] if contact else "",
                contact["phone"] if contact else "",
            ]
        )
    return cols, rows


@dataclass
class _Sheet(xlsx.ImportSheet):
    """The firm register's sheet with the actor's lookups that every row is read against."""

    actor: Actor
    zones: dict[str, Zone]
    officers: dict
    statuses: dict[str, str]
    registered: dict[str, Enterprise]  # credit code -> the firm registered with it
    seen: dict[str, int] = field(default_factory=dict)  # credit code -> first row with it

    @property
    def default_zone(self) -> Zone | None:
        return next(iter(self.zones.values())) if len(self.zones) == 1 else None


def _read_workbook(fileobj) -> tuple[str, list]:
    sheet, rows = xlsx.read_first_sheet(fileobj, sheet_name=SHEET)
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    return sheet, rows


def _registered(rows: list, code_col: int) -> dict[str, Enterprise]:
    """The registered firms among the sheet's credit codes (one query)."""
    codes = [uscc.normalise(xlsx.text(r[code_col])) for r in rows[1:] if len(r) > code_col]
    firms = (
        Enterprise.objects.select_related("zone__area")
        .prefetch_related("contacts")
        .filter(credit_code__in=codes)
    )
    return {e.credit_code: e for e in firms}


def _read_header(actor: Actor, sheet: str, rows: list) -> _Sheet:
    cols = columns()
    required = ("name", "credit_code", "industry_code")
    index = xlsx.read_header(sheet, rows[0], _header_aliases(), required, cols)
    return _Sheet(
        actor=actor,
        name=sheet,
        index=index,
        columns=cols,
        zones={z.code: z for z in zone_list(actor)},
        officers={u.username: u for u in officer_list(actor)},
        statuses=_status_values(),
        registered=_registered(rows, index["credit_code"]),
    )


def _read_name(row: xlsx.SheetRow) -> str:
    name = xlsx.text(row.cell("name"))
    if not name:
        row.bad("name", "", _("Required."))
    elif len(name) > 200:
        row.bad("name", name, _("At most 200 characters."))
    return name


def _read_credit_code(row: xlsx.SheetRow, seen: dict[str, int]) -> str:
    raw = row.cell("credit_code")
    code = uscc.normalise(xlsx.text(raw))
    if not code:
        row.bad("credit_code", raw, _("Required."))
        return code
    for msg in uscc.problems(code):
        row.bad("credit_code", raw, msg)
    if code in seen:
        row.bad("credit_code", raw, _("The same code is on row %(row)d.") % {"row": seen[code]})
    seen.setdefault(code, row.number)
    return code


def _read_zone(row: xlsx.SheetRow, sheet: _Sheet, found: Enterprise | None) -> Zone | None:
    """The zone cell; empty means the firm's registered zone, or the actor's only zone."""
    raw = xlsx.text(row.cell("zone"))
    if raw:
        zone = sheet.zones.get(raw.lower())
    elif found is not None:
        zone = sheet.zones.get(found.zone.code)
    else:
        zone = sheet.default_zone
    if zone is None:
        row.bad(
            "zone",
            raw,
            _("Required: the code of one of your zones.")
            if not raw
            else _("Not one of your zones."),
        )
    return zone


def _read_industry(row: xlsx.SheetRow) -> str:
    raw = row.cell("industry_code")
    code = xlsx.text(raw)
    if isinstance(raw, float) and len(code) in (1, 3):
        row.bad(
            "industry_code",
            raw,
            _(
                "A number cell loses leading zeros: write the code as text or with its section "
                "letter (e.g. A0111)."
            ),
        )
    elif not code:
        row.bad("industry_code", raw, _("Required."))
    else:
        for msg in industry.problems(code):
            row.bad("industry_code", raw, msg)
    return code


def _read_size_status_start(row: xlsx.SheetRow, statuses: dict) -> dict:
    """Above designated size, status and start of production (all may be empty)."""
    try:
        above = xlsx.to_bool(row.cell("above_designated_size"))
    except ValueError:
        above = False
        row.bad(
            "above_designated_size",
            row.cell("above_designated_size"),
            _("Write Yes or No (是/否)."),
        )
    raw_status = xlsx.text(row.cell("status")).lower()
    status = statuses.get(raw_status) if raw_status else Enterprise.Status.PRODUCING
    if status is None:
        row.bad(
            "status",
            raw_status,
            _("Must be one of: %(values)s")
            % {"values": ", ".join(str(label) for _v, label in Enterprise.Status.choices)},
        )
    production_start = None
    if xlsx.text(row.cell("production_start")):
        try:
            production_start = xlsx.to_date(row.cell("production_start"))
        except ValueError:
            row.bad(
                "production_start",
                row.cell("production_start"),
                _("Not a date: write e.g. 2020-03-15."),
            )
    return {"above_designated_size": above, "status": status, "production_start": production_start}


def _read_address_officer(row: xlsx.SheetRow, sheet: _Sheet, zone: Zone | None) -> dict:
    address = xlsx.text(row.cell("address"))
    if len(address) > 200:
        row.bad("address", address, _("At most 200 characters."))
    officer = None
    raw_officer = xlsx.text(row.cell("officer"))
    if raw_officer:
        officer = sheet.officers.get(raw_officer)
        if officer is None or (zone is not None and officer.zone_id != zone.pk):
            row.bad("officer", raw_officer, _("Not a liaison officer of this zone."))
    return {"address": address, "officer": officer}


AMOUNT_MAX = {"registered_capital_wan": Decimal("1e12"), "land_area_mu": Decimal("1e8")}
TEXT_MAX = {"legal_representative": 50, "main_products": 200}
TYPE_CODE = re.compile(r"^\s*(\d{3})")


def _read_amount(row: xlsx.SheetRow, key: str) -> Decimal | None:
    raw = row.cell(key)
    if xlsx.text(raw) == "":
        return None
    try:
        value = xlsx.to_decimal(unicodedata.normalize("NFKC", xlsx.text(raw)))
    except ValueError:
        value = None
    if value is None or not value.is_finite():
        row.bad(key, raw, _("Not a number."))
        return None
    if value < 0:
        row.bad(key, raw, _("Cannot be negative."))
    elif value >= AMOUNT_MAX[key]:
        row.bad(key, raw, _("At most %(max)s.") % {"max": f"{AMOUNT_MAX[key]:,.0f}"})
    elif value != value.quantize(Decimal("0.01")) and not isinstance(raw, float):
        row.bad(key, raw, _("At most %(places)d decimal places.") % {"places": 2})
    else:
        return value.quantize(Decimal("0.01"))
    return None


def _read_registration(row: xlsx.SheetRow) -> dict:
    """Legal representative, registered capital, date of establishment, enterprise type, main
    products and land in use (all may be empty)."""
    values: dict = {}
    for key, limit in TEXT_MAX.items():
        value = xlsx.text(row.cell(key))
        if len(value) > limit:
            row.bad(key, value, _("At most %(n)d characters.") % {"n": limit})
        else:
            try:
                validate_name(value)
            except ValidationError as exc:
                row.bad(key, value, " ".join(exc.messages))
        values[key] = value
    for key in AMOUNT_MAX:
        values[key] = _read_amount(row, key)
    values["established_on"] = None
    if xlsx.text(row.cell("established_on")):
        try:
            values["established_on"] = xlsx.to_date(row.cell("established_on"))
        except ValueError:
            row.bad(
                "established_on",
                row.cell("established_on"),
                _("Not a date: write e.g. 2008-05-20."),
            )
    raw_type = xlsx.text(row.cell("enterprise_type"))
    found = TYPE_CODE.match(unicodedata.normalize("NFKC", raw_type))
    values["enterprise_type"] = ""
    if raw_type:
        if found and found.group(1) in EnterpriseType.values:
            values["enterprise_type"] = found.group(1)
        else:
            row.bad(
                "enterprise_type",
                raw_type,
                _(
                    "Not a registration type code of 国统字〔2011〕86号 (e.g. 173 for a private "
                    "limited liability company): see the sheet “enterprise types”."
                ),
            )
    return values


def _read_contact(row: xlsx.SheetRow) -> ContactData | None:
    name = xlsx.text(row.cell("contact_name"))
    phone = xlsx.text(row.cell("contact_phone"))
    if phone and not name:
        row.bad("contact_name", "", _("Give the contact's name with the phone number."))
    if len(phone) > 20 or "*" in phone:
        row.bad(
            "contact_phone",
            phone,
            _("Not a phone number (a masked number cannot be imported)."),
        )
    if len(name) > 50:
        row.bad("contact_name", name, _("At most 50 characters."))
    elif name:
        return ContactData(name=name, phone=phone)
    return None


def _not_yours() -> str:
    return _("You may not register or change a firm with this credit code.")


def _check_permission(row: xlsx.SheetRow, actor: Actor, found: Enterprise | None, zone) -> None:
    """A known firm must be the actor's to edit and stay in its zone; a new one, in a zone
    where the actor may register firms."""
    raw_zone = xlsx.text(row.cell("zone"))
    if found is not None:
        if not access.can_edit(actor, found):
            row.bad("credit_code", row.cell("credit_code"), _not_yours())
        elif zone is not None and found.zone_id != zone.pk:
            row.bad(
                "zone",
                raw_zone,
                _(
                    "The firm is registered in zone %(zone)s; moving firms between zones is not done by import."
                )
                % {"zone": found.zone.code},
            )
    elif zone is not None and not access.can_create(actor, zone):
        row.bad("zone", raw_zone, _("You may not register firms in this zone."))


def _read_row(sheet: _Sheet, row: xlsx.SheetRow, present: frozenset[str]) -> ParsedRow | None:
    """One firm's row, every cell checked; None when it has problems (left in row.errors)."""
    name = _read_name(row)
    code = _read_credit_code(row, sheet.seen)
    found = sheet.registered.get(code)
    if found is not None and found.zone.code not in sheet.zones:
        # Registered in a unit the actor cannot see: refused like any firm the actor may not
        # change, without a word about where (or whether) it is registered.
        row.bad("credit_code", row.cell("credit_code"), _not_yours())
        found = None
    zone = _read_zone(row, sheet, found)
    industry_code = _read_industry(row)
    values = _read_size_status_start(row, sheet.statuses)
    values |= _read_address_officer(row, sheet, zone)
    values |= _read_registration(row)
    contact = _read_contact(row)
    _check_permission(row, sheet.actor, found, zone)
    if row.errors:
        return None
    return ParsedRow(
        row=row.number,
        zone=zone,
        present=present,
        existing=found,
        data=EnterpriseData(
            name=name,
            credit_code=code,
            industry_code=industry.normalise(industry_code),
            **values,
        ),
        contact=contact,
    )


def parse(actor: Actor, fileobj) -> list[ParsedRow]:
    """Read and check every row; raise ImportRejected listing every problem, or return the rows."""
    name, rows = _read_workbook(fileobj)
    sheet = _read_header(actor, name, rows)
    present = frozenset(key for key in sheet.index if key in DATA_FIELDS)
    errors: list[CellError] = []
    parsed: list[ParsedRow] = []
    for number, cells in enumerate(rows[1:], start=2):
        if all(xlsx.text(v) == "" for v in cells):
            continue
        row = xlsx.SheetRow(sheet, number, cells)
        parsed_row = _read_row(sheet, row, present)
        if parsed_row is None:
            errors.extend(row.errors)
        else:
            parsed.append(parsed_row)
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([CellError(name, 2, "", "", _("The sheet has no data rows."))])
    return parsed

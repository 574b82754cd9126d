"""The firm register as a spreadsheet: the template, the export, and the import's reading and checks.

One row per firm, keyed by credit code: a new code registers a firm, a known one updates it.
Every cell is checked before anything is written; any problem rejects the whole file.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zonedesk.core import industry, uscc, xlsx
from zonedesk.core.actors import Actor
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.enterprises import access, selectors
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import EDITABLE_FIELDS, ContactData, EnterpriseData
from zonedesk.org.models import Zone
from zonedesk.org.selectors import officer_list, zone_list

SHEET = "enterprises"
# Columns that carry a registry field (the zone, contact and credit code are handled apart).
DATA_FIELDS = EDITABLE_FIELDS - {"credit_code"}
KEYS = (
    "name",
    "credit_code",
    "zone",
    "industry_code",
    "above_designated_size",
    "status",
    "production_start",
    "address",
    "officer",
    "contact_name",
    "contact_phone",
)


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
        (
            cols["officer"].header,
            _("The user name of a liaison officer of the zone; may be empty."),
        ),
        (cols["contact_name"].header, _("Optional; updates the contact of that name or adds one.")),
    ]
    industries = [Column(_("Code"), 8, "text"), Column(_("Level"), 10), Column(_("Name"), 50)]
    industry_rows = [(i.display_code, i.level, i.name) for i in industry.table().values()]
    return xlsx.write_workbook(
        [
            (SHEET, list(cols.values()), []),
            (_("notes"), notes, note_rows),
            ("industries", industries, industry_rows),
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
                contact["name"] if contact else "",
                contact["phone"] if contact else "",
            ]
        )
    return cols, rows


def parse(actor: Actor, fileobj) -> list[ParsedRow]:
    """Read and check every row; raise ImportRejected listing every problem, or return the rows."""
    sheet, rows = xlsx.read_first_sheet(fileobj, sheet_name=SHEET)
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    cols = columns()
    index = xlsx.read_header(
        sheet, rows[0], _header_aliases(), ("name", "credit_code", "industry_code"), cols
    )
    errors: list[CellError] = []

    zones = {z.code: z for z in zone_list(actor)}
    default_zone = next(iter(zones.values())) if len(zones) == 1 else None
    officers = {u.username: u for u in officer_list(actor)}
    statuses = _status_values()
    present = frozenset(key for key in index if key in DATA_FIELDS)
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.select_related("zone__area")
        .prefetch_related("contacts")
        .filter(
            credit_code__in=[
                uscc.normalise(xlsx.text(r[index["credit_code"]]))
                for r in rows[1:]
                if len(r) > index["credit_code"]
            ]
        )
    }
    seen: dict[str, int] = {}
    parsed: list[ParsedRow] = []

    for r, cells in enumerate(rows[1:], start=2):

        def cell(key, cells=cells):
            c = index.get(key)
            return cells[c] if c is not None and c < len(cells) else None

        if all(xlsx.text(v) == "" for v in cells):
            continue
        row_errors: list[CellError] = []

        def bad(key, value, reason, r=r, row_errors=row_errors):
            row_errors.append(CellError(sheet, r, cols[key].header, xlsx.text(value), reason))

        name = xlsx.text(cell("name"))
        if not name:
            bad("name", "", _("Required."))
        elif len(name) > 200:
            bad("name", name, _("At most 200 characters."))

        raw_code = cell("credit_code")
        code = uscc.normalise(xlsx.text(raw_code))
        if not code:
            bad("credit_code", raw_code, _("Required."))
        else:
            for msg in uscc.problems(code):
                bad("credit_code", raw_code, msg)
            if code in seen:
                bad(
                    "credit_code",
                    raw_code,
                    _("The same code is on row %(row)d.") % {"row": seen[code]},
                )
            seen.setdefault(code, r)

        found = existing.get(code)
        raw_zone = xlsx.text(cell("zone"))
        if raw_zone:
            zone = zones.get(raw_zone.lower())
        elif found is not None:
            zone = zones.get(found.zone.code)
        else:
            zone = default_zone
        if zone is None:
            bad(
                "zone",
                raw_zone,
                _("Required: the code of one of your zones.")
                if not raw_zone
                else _("Not one of your zones."),
            )

        raw_industry = cell("industry_code")
        industry_code = xlsx.text(raw_industry)
        if isinstance(raw_industry, float) and len(industry_code) in (1, 3):
            bad(
                "industry_code",
                raw_industry,
                _(
                    "A number cell loses leading zeros: write the code as text or with its section "
                    "letter (e.g. A0111)."
                ),
            )
        elif not industry_code:
            bad("industry_code", raw_industry, _("Required."))
        else:
            for msg in industry.problems(industry_code):
                bad("industry_code", raw_industry, msg)

        try:
            above = xlsx.to_bool(cell("above_designated_size"))
        except ValueError:
            above = False
            bad(
                "above_designated_size",
                cell("above_designated_size"),
                _("Write Yes or No (是/否)."),
            )

        raw_status = xlsx.text(cell("status")).lower()
        status = statuses.get(raw_status) if raw_status else Enterprise.Status.PRODUCING
        if status is None:
            bad(
                "status",
                raw_status,
                _("Must be one of: %(values)s")
                % {"values": ", ".join(str(label) for _v, label in Enterprise.Status.choices)},
            )

        production_start = None
        if xlsx.text(cell("production_start")):
            try:
                production_start = xlsx.to_date(cell("production_start"))
            except ValueError:
                bad(
                    "production_start",
                    cell("production_start"),
                    _("Not a date: write e.g. 2020-03-15."),
                )

        address = xlsx.text(cell("address"))
        if len(address) > 200:
            bad("address", address, _("At most 200 characters."))

        officer = None
        raw_officer = xlsx.text(cell("officer"))
        if raw_officer:
            officer = officers.get(raw_officer)
            if officer is None or (zone is not None and officer.zone_id != zone.pk):
                bad("officer", raw_officer, _("Not a liaison officer of this zone."))

        contact = None
        contact_name = xlsx.text(cell("contact_name"))
        contact_phone = xlsx.text(cell("contact_phone"))
        if contact_phone and not contact_name:
            bad("contact_name", "", _("Give the contact's name with the phone number."))
        if len(contact_phone) > 20 or "*" in contact_phone:
            bad(
                "contact_phone",
                contact_phone,
                _("Not a phone number (a masked number cannot be imported)."),
            )
        if len(contact_name) > 50:
            bad("contact_name", contact_name, _("At most 50 characters."))
        elif contact_name:
            contact = ContactData(name=contact_name, phone=contact_phone)

        if found is not None:
            if not access.can_edit(actor, found):
                bad(
                    "credit_code",
                    raw_code,
                    _("This firm is registered already and you may not change it."),
                )
            elif zone is not None and found.zone_id != zone.pk:
                bad(
                    "zone",
                    raw_zone,
                    _(
                        "The firm is registered in zone %(zone)s; moving firms between zones is not done by import."
                    )
                    % {"zone": found.zone.code},
                )
        elif zone is not None and not access.can_create(actor, zone):
            bad("zone", raw_zone, _("You may not register firms in this zone."))

        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            ParsedRow(
                row=r,
                zone=zone,
                present=present,
                existing=found,
                data=EnterpriseData(
                    name=name,
                    credit_code=code,
                    industry_code=industry.normalise(industry_code),
                    above_designated_size=above,
                    status=status,
                    production_start=production_start,
                    address=address,
                    officer=officer,
                ),
                contact=contact,
            )
        )
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([CellError(sheet, 2, "", "", _("The sheet has no data rows."))])
    return parsed

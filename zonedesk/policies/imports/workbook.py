"""The library's sheet layout (columns, headers in either language, choices) and what is
written with it: the template and the export, which the import reads back."""

import datetime as dt
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import xlsx
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Zone
from zonedesk.policies import facts, rules
from zonedesk.policies.models import FIRM_STATUSES, OPERATING, Measure, PolicyDocument

SHEET = "措施 Measures"
FACTS_SHEET = "事实 Facts"
# A row whose document title starts with this is the template's example: never imported.
EXAMPLE = "【示例】"
EXTENSIONS = (".xlsx", ".xls", ".ods")

DOCUMENT_KEYS = (
    "level",
    "scope",
    "issuer",
    "number",
    "title",
    "published",
    "valid_from",
    "valid_to",
)
MEASURE_KEYS = (
    "clause",
    "measure_title",
    "summary",
    "benefit_type",
    "mode",
    "department",
    "materials",
    "firm_statuses",
    "eligibility",
    "benefit",
)
KEYS = DOCUMENT_KEYS + MEASURE_KEYS
REQUIRED = (
    "level",
    "scope",
    "issuer",
    "title",
    "valid_from",
    "clause",
    "measure_title",
    "benefit_type",
    "eligibility",
)
# Column -> (model field, its maximum length) for the text cells.
LENGTHS = {
    "issuer": 100,
    "number": 100,
    "title": 300,
    "clause": 30,
    "measure_title": 200,
    "department": 100,
}
MAX_TEXT = 20_000  # summaries, materials and rules beyond this are not typed by hand


def columns() -> dict[str, Column]:
    """The sheet's columns, headed in the active language (either language is read back)."""

    def labels(choices) -> list[str]:
        return [str(label) for _value, label in choices]

    return {
        "level": Column(_("Issuing level"), 10, choices=labels(PolicyDocument.Level.choices)),
        "scope": Column(
            _("Area or zone code"),
            14,
            "text",
            comment=_("A province, city or county: its six-digit division code; a zone: its code."),
        ),
        "issuer": Column(_("Issuer"), 24, "text"),
        "number": Column(_("Document number (文号)"), 22, "text"),
        "title": Column(_("Document title"), 40, "text"),
        "published": Column(_("Published"), 12, "date"),
        "valid_from": Column(_("Valid from"), 12, "date"),
        "valid_to": Column(_("Valid to"), 12, "date", comment=_("Empty: until further notice.")),
        "clause": Column(_("Clause"), 10, "text"),
        "measure_title": Column(_("Measure title"), 30, "text"),
        "summary": Column(_("Summary"), 40, "text"),
        "benefit_type": Column(_("Benefit type"), 14, choices=labels(Measure.BenefitType.choices)),
        "mode": Column(_("Application mode"), 14, choices=labels(Measure.Mode.choices)),
        "department": Column(_("Responsible department"), 16, "text"),
        "materials": Column(_("Required materials"), 30, "text"),
        "firm_statuses": Column(
            _("Firm statuses it applies to"),
            16,
            "text",
            comment=_("Empty: producing and halted firms (an operating measure)."),
        ),
        "eligibility": Column(
            _("Eligibility rule"),
            40,
            "text",
            comment=_("Facts, comparisons, and/or/not, e.g. employees >= 20 and is_sme"),
        ),
        "benefit": Column(
            _("Benefit estimate rule (10k yuan)"),
            30,
            "text",
            comment=_("A number from the facts, e.g. min(employees * 0.1, 50); may be empty."),
        ),
    }


def _norm(value) -> str:
    """Text for matching codes and labels: NFKC (full-width forms as typed by Chinese input
    methods), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", xlsx.text(value)).lower().split())


def _aliases() -> dict[str, str]:
    aliases = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, col in columns().items():
                aliases[_norm(col.header)] = key
    aliases.update({key: key for key in KEYS})
    return aliases


def _choices(choices_of) -> dict[str, str]:
    """Label (either language) or code -> code."""
    values = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for value, label in choices_of():
                values[_norm(label)] = value
    for value, _label in choices_of():
        values[_norm(value)] = value
    return values


def _level_values() -> dict[str, str]:
    return _choices(lambda: PolicyDocument.Level.choices)


def _benefit_values() -> dict[str, str]:
    return _choices(lambda: Measure.BenefitType.choices)


def _mode_values() -> dict[str, str]:
    values = _choices(lambda: Measure.Mode.choices)
    values.setdefault(_norm("免申即享"), Measure.Mode.AUTOMATIC)
    values.setdefault(_norm("依申请"), Measure.Mode.APPLICATION)
    return values


def _status_values() -> dict[str, str]:
    values = _choices(lambda: Enterprise.Status.choices)
    for alias, value in (("生产", "producing"), ("关停", "closed"), ("停业", "closed")):
        values.setdefault(_norm(alias), value)
    return values


def statuses_text(statuses) -> str:
    """A measure's firm statuses as the sheet writes them (labels, 、-separated)."""
    labels = dict(Enterprise.Status.choices)
    return "、".join(str(labels.get(s, s)) for s in FIRM_STATUSES if s in statuses)


# --- writing -------------------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def measure_row(measure: Measure) -> list:
    """One measure in the sheet's layout (labels in the active language)."""
    doc = measure.document
    current = measure.current
    return [
        _label(PolicyDocument.Level.choices, doc.level),
        doc.zone.code if doc.zone_id else doc.area.code,
        doc.issuer,
        doc.number,
        doc.title,
        doc.published,
        doc.valid_from,
        doc.valid_to,
        measure.clause,
        measure.title,
        measure.summary,
        _label(Measure.BenefitType.choices, measure.benefit_type),
        _label(Measure.Mode.choices, measure.mode),
        measure.department,
        measure.materials,
        statuses_text(measure.firm_statuses),
        current.eligibility if current else "",
        current.benefit if current else "",
    ]


def _facts_sheet() -> tuple[str, list[Column], list[list]]:
    cols = [
        Column(_("Fact"), 24, "text"),
        Column(_("Type"), 10),
        Column("中文说明", 50),
        Column("Description", 50),
        Column(_("Unit"), 8),
    ]
    rows = [
        [f.name, " / ".join(rules.TYPE_NAMES[f.type]), f.zh, f.en, f.unit]
        for f in facts.FACTS.values()
    ]
    return FACTS_SHEET, cols, rows


def _notes_sheet(cols: dict[str, Column]) -> tuple[str, list[Column], list[list]]:
    notes = [Column(_("Column"), 28), Column(_("What to enter"), 90)]

    def listing(choices) -> str:
        return ", ".join(f"{label} ({value})" for value, label in choices)

    rows = [
        (
            _("Every row"),
            _(
                "One measure. Rows with the same level, area or zone, document number and title "
                "belong to one document; its other columns must agree on every such row."
            ),
        ),
        (
            _("Example"),
            _("A row whose document title starts with %(mark)s is an example and is skipped.")
            % {"mark": EXAMPLE},
        ),
        (cols["level"].header, listing(PolicyDocument.Level.choices)),
        (
            cols["scope"].header,
            _(
                "Province, city or county: the six-digit division code (e.g. 510000); zone: the "
                "zone's code. You may import only documents of your own unit."
            ),
        ),
        (cols["valid_from"].header, _("Required. A date, e.g. 2020-02-10.")),
        (cols["clause"].header, _("Required; unique within the document (e.g. 第一条).")),
        (cols["benefit_type"].header, listing(Measure.BenefitType.choices)),
        (
            cols["mode"].header,
            listing(Measure.Mode.choices) + " " + _("Empty means on application."),
        ),
        (
            cols["firm_statuses"].header,
            listing(Enterprise.Status.choices)
            + " "
            + _(
                "One or more, separated by commas or 、. Empty means producing and halted "
                "firms: a closed firm or one under construction qualifies only for a measure "
                "that names its status."
            ),
        ),
        (
            cols["eligibility"].header,
            _("Required. Uses the facts listed in the sheet “%(sheet)s”.") % {"sheet": FACTS_SHEET},
        ),
        (
            cols["benefit"].header,
            _("Optional. A number in 10k yuan; a changed rule makes a new rule version."),
        ),
    ]
    return _("notes"), notes, rows


def _workbook(rows: list[list]) -> bytes:
    cols = columns()
    return xlsx.write_workbook(
        [(SHEET, list(cols.values()), rows), _facts_sheet(), _notes_sheet(cols)]
    )


def template_bytes() -> bytes:
    """The empty sheet with one example row (synthetic, skipped on import), the facts rules may
    use (with their descriptions and units) and notes on every column."""
    example = [
        _label(PolicyDocument.Level.choices, PolicyDocument.Level.COUNTY),
        "511723",
        _("County government (synthetic)"),
        "示府发〔2020〕1号",
        EXAMPLE + _("Measures to help small firms through hard times (synthetic example)"),
        dt.date(2020, 2, 10),
        dt.date(2020, 2, 10),
        None,
        "第一条",
        _("Stable-employment subsidy (synthetic)"),
        _("Firms that keep their staff receive 100 yuan per employee (synthetic wording)."),
        _label(Measure.BenefitType.choices, Measure.BenefitType.SUBSIDY),
        _label(Measure.Mode.choices, Measure.Mode.AUTOMATIC),
        _("Human resources bureau"),
        _("None: paid without application."),
        statuses_text(OPERATING),
        "is_sme and employees >= 10 and employees_yoy >= -5%",
        "min(employees * 0.01, 50)",
    ]
    return _workbook([example])


def export_measures(user, *, zone: Zone | None = None):
    """The measures the user sees (those covering `zone`, when given), in sheet order."""
    from zonedesk.policies import selectors

    qs = selectors.measures(user)
    if zone is not None:
        qs = qs.filter(selectors.covering(zone, "document__"))
    return qs.order_by("document__level", "document__valid_from", "document_id", "id")


def export_bytes(user, *, zone: Zone | None = None) -> bytes:
    """The library the user sees in the template's layout (an export can be re-imported)."""
    return _workbook([measure_row(m) for m in export_measures(user, zone=zone)])


def rejected_from(exc: ValidationFailed, sheet: str, row: int) -> ImportRejected:
    """A service's refusal while writing, as the row's problems (the checks above should have
    caught it; this keeps the file all-or-nothing if they did not)."""
    cols = columns()
    mapping = {"title": "title", "clause": "clause"}
    return ImportRejected(
        [
            CellError(
                sheet,
                row,
                cols[mapping[f]].header if f in mapping else f,
                "",
                message,
            )
            for f, messages in exc.errors.items()
            for message in messages
        ]
    )

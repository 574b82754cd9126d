"""The policy library as a spreadsheet: the template, the export and the import's checks.

One sheet, one row per measure, each row carrying its document's columns. Rows with the same
(level, area or zone, number, title) are one document; a measure is keyed by its document and
clause. The export writes exactly what the import reads, so a library can be moved between
installations or edited in Excel and uploaded again.

Every cell is checked and every rule compiled before anything is written; any problem rejects
the whole file with the list of problems (sheet, row, column, value, reason).
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import xlsx
from zonedesk.core.actors import Actor
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.org.models import Area, Zone
from zonedesk.org.selectors import zone_list
from zonedesk.policies import access, facts, rules
from zonedesk.policies.models import Measure, PolicyDocument

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


# --- reading -------------------------------------------------------------------------------------


@dataclass
class ParsedMeasure:
    row: int
    values: dict  # measure fields (clause, title, summary, ...), only the columns present
    eligibility: str
    benefit: str | None  # None: the sheet has no benefit column (keep the stored rule)
    existing: Measure | None = None


@dataclass
class ParsedDocument:
    row: int  # the first row of the document
    key: tuple
    values: dict  # document fields (level, area or zone, issuer, ...)
    measures: list[ParsedMeasure] = field(default_factory=list)
    existing: PolicyDocument | None = None
    forbidden: list = field(default_factory=list)  # (row, scope) of rows of a unit not the actor's


def _cell(cells, index, key):
    c = index.get(key)
    return cells[c] if c is not None and c < len(cells) else None


def _date(raw) -> dt.date | None:
    if isinstance(raw, dt.datetime | dt.date):
        return xlsx.to_date(raw)
    text = unicodedata.normalize("NFKC", xlsx.text(raw)).replace(" ", "")
    if not text:
        return None
    value = xlsx.to_date(text)
    if not (1900 <= value.year <= 2199):
        raise ValueError(text)
    return value


def parse(actor: Actor, content: bytes, filename: str = "") -> list[ParsedDocument]:
    """Read and check every row (and compile every rule); raise ImportRejected listing every
    problem, or return the documents with their measures, matched to the stored library."""
    if filename and not filename.lower().endswith(EXTENSIONS):
        raise ImportRejected(
            [CellError("", 0, "", filename, _("Upload an .xlsx, .xls or .ods file."))]
        )
    sheet, rows = xlsx.read_first_sheet(content, sheet_name=SHEET)
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    cols = columns()
    header = [unicodedata.normalize("NFKC", xlsx.text(c)) for c in rows[0]]
    index = xlsx.read_header(sheet, header, _aliases(), REQUIRED, cols)
    lang = translation.get_language() or "zh-hans"
    levels, benefits, modes = _level_values(), _benefit_values(), _mode_values()
    zones = {z.code: z for z in zone_list(actor)}
    areas: dict[str, Area | None] = {}
    errors: list[CellError] = []
    documents: dict[tuple, ParsedDocument] = {}
    clauses: dict[tuple, int] = {}
    allowed: dict[tuple, bool] = {}

    for r, cells in enumerate(rows[1:], start=2):
        if all(xlsx.text(v) == "" for v in cells):
            continue
        if xlsx.text(_cell(cells, index, "title")).startswith(EXAMPLE):
            continue
        row_errors: list[CellError] = []

        def bad(key, value, reason, r=r, row_errors=row_errors):
            row_errors.append(CellError(sheet, r, cols[key].header, xlsx.text(value), reason))

        def text(key, bad=bad, cells=cells):
            raw = _cell(cells, index, key)
            value = xlsx.text(raw)
            limit = LENGTHS.get(key, MAX_TEXT)
            if len(value) > limit:
                bad(key, value[:50] + "…", _("At most %(n)d characters.") % {"n": limit})
            return value

        def required(key, value, raw=None, bad=bad):
            if not value:
                bad(key, raw if raw is not None else value, _("Required."))

        # The document.
        raw_level = _cell(cells, index, "level")
        level = levels.get(_norm(raw_level))
        if not xlsx.text(raw_level):
            bad("level", raw_level, _("Required."))
        elif level is None:
            bad(
                "level",
                raw_level,
                _("Not an issuing level: one of %(choices)s.")
                % {"choices": ", ".join(str(lb) for _v, lb in PolicyDocument.Level.choices)},
            )
        raw_scope = _cell(cells, index, "scope")
        code = _norm(raw_scope).replace(" ", "")
        scope: dict = {}
        if not code:
            bad("scope", raw_scope, _("Required."))
        elif level == PolicyDocument.Level.ZONE:
            zone = zones.get(code)
            if zone is None:
                bad("scope", raw_scope, _("No zone with this code in your unit."))
            else:
                scope = {"zone": zone, "area": None}
        elif level is not None:
            if code not in areas:
                areas[code] = Area.objects.filter(code=code).first()
            area = areas[code]
            if area is None:
                bad("scope", raw_scope, _("No administrative area with this division code."))
            elif area.level != level:
                bad(
                    "scope",
                    raw_scope,
                    _("%(name)s is a %(level)s, not a %(wanted)s.")
                    % {
                        "name": area.name,
                        "level": area.get_level_display(),
                        "wanted": _label(PolicyDocument.Level.choices, level),
                    },
                )
            else:
                scope = {"area": area, "zone": None}
        forbidden = False
        if scope:
            which = (level, code)
            if which not in allowed:
                allowed[which] = access.can_edit_document(actor, **scope)
            # Another unit's rows are refused only if they would change something (checked
            # once the stored library is matched): an export re-imported unchanged passes.
            forbidden = not allowed[which]
        issuer = text("issuer")
        required("issuer", issuer)
        number = text("number")
        title = text("title")
        required("title", title)
        dates = {}
        for key in ("published", "valid_from", "valid_to"):
            raw = _cell(cells, index, key)
            try:
                dates[key] = _date(raw)
            except ValueError:
                bad(key, raw, _("Not a date: write YYYY-MM-DD, e.g. 2020-02-10."))
                dates[key] = None
        if "valid_from" in index:
            raw = _cell(cells, index, "valid_from")
            if not xlsx.text(raw):
                bad("valid_from", raw, _("Required."))
        if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
            bad(
                "valid_to",
                _cell(cells, index, "valid_to"),
                _("Ends before it starts (%(start)s).") % {"start": dates["valid_from"]},
            )

        # The measure.
        clause = text("clause")
        required("clause", clause)
        measure_title = text("measure_title")
        required("measure_title", measure_title)
        raw_benefit = _cell(cells, index, "benefit_type")
        benefit_type = benefits.get(_norm(raw_benefit))
        if not xlsx.text(raw_benefit):
            bad("benefit_type", raw_benefit, _("Required."))
        elif benefit_type is None:
            bad(
                "benefit_type",
                raw_benefit,
                _("Not a benefit type: one of %(choices)s.")
                % {"choices": ", ".join(str(lb) for _v, lb in Measure.BenefitType.choices)},
            )
        raw_mode = _cell(cells, index, "mode")
        mode = modes.get(_norm(raw_mode)) if xlsx.text(raw_mode) else Measure.Mode.APPLICATION
        if mode is None:
            bad(
                "mode",
                raw_mode,
                _("Not an application mode: one of %(choices)s.")
                % {"choices": ", ".join(str(lb) for _v, lb in Measure.Mode.choices)},
            )
        eligibility = text("eligibility")
        benefit_rule = text("benefit") if "benefit" in index else None
        if not eligibility:
            bad("eligibility", eligibility, _("Required."))
        else:
            for key, source, kind in (
                ("eligibility", eligibility, rules.Type.BOOL),
                ("benefit", benefit_rule or "", rules.Type.NUMBER),
            ):
                if not source.strip():
                    continue
                try:
                    facts.compile_rule(source, result=kind)
                except rules.RuleError as exc:
                    bad(key, source, exc.message(lang))
        measure_values = {"clause": clause, "title": measure_title}
        for key, name in (("summary", "summary"), ("department", "department")):
            if key in index:
                measure_values[name] = text(key)
        if "materials" in index:
            measure_values["materials"] = text("materials")
        if benefit_type:
            measure_values["benefit_type"] = benefit_type
        if "mode" in index and mode:
            measure_values["mode"] = mode

        if row_errors:
            errors.extend(row_errors)
            continue
        key = (level, code, number, title)
        doc_values = {
            "level": level,
            **scope,
            "issuer": issuer,
            "number": number,
            "title": title,
            **{k: v for k, v in dates.items() if k in index},
        }
        parsed = documents.get(key)
        if parsed is None:
            parsed = documents[key] = ParsedDocument(r, key, doc_values)
        if forbidden:
            parsed.forbidden.append((r, xlsx.text(raw_scope)))
        else:
            for name in ("issuer", "published", "valid_from", "valid_to"):
                if name in doc_values and doc_values[name] != parsed.values.get(name):
                    bad(
                        name,
                        _cell(cells, index, name),
                        _("Differs from row %(row)d of the same document.") % {"row": parsed.row},
                    )
        if (key, clause) in clauses:
            bad(
                "clause",
                clause,
                _("The same clause of this document is on row %(row)d.")
                % {"row": clauses[(key, clause)]},
            )
        else:
            clauses[(key, clause)] = r
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.measures.append(ParsedMeasure(r, measure_values, eligibility, benefit_rule))
    if errors:
        raise ImportRejected(errors)
    if not documents:
        raise ImportRejected([CellError(sheet, 2, "", "", _("The sheet has no data rows."))])
    _match_stored(list(documents.values()))
    scope_header = cols["scope"].header
    kept = []
    for p in documents.values():
        if not p.forbidden:
            kept.append(p)
        elif not _unchanged(p):
            errors.extend(
                CellError(
                    sheet,
                    r,
                    scope_header,
                    value,
                    _("You may not edit the documents of this unit: only your own unit's."),
                )
                for r, value in p.forbidden
            )
    if errors:
        raise ImportRejected(errors)
    return kept


def _unchanged(p: ParsedDocument) -> bool:
    """Whether the rows of a document say exactly what is stored (nothing to write)."""
    doc = p.existing
    if doc is None or any(getattr(doc, k) != v for k, v in p.values.items()):
        return False
    for m in p.measures:
        stored = m.existing
        if stored is None or any(getattr(stored, k) != v for k, v in m.values.items()):
            return False
        rules_now = stored.current
        if rules_now is None or rules_now.eligibility != m.eligibility:
            return False
        if m.benefit is not None and rules_now.benefit != m.benefit:
            return False
    return True


def _match_stored(parsed: list[ParsedDocument]) -> None:
    """Attach the stored documents and measures that the rows update (two queries)."""
    stored = PolicyDocument.objects.filter(
        title__in={p.values["title"] for p in parsed}
    ).select_related("area", "zone__area")
    by_key = {}
    for doc in stored.order_by("id"):
        code = doc.zone.code if doc.zone_id else doc.area.code
        by_key.setdefault((doc.level, code, doc.number, doc.title), doc)
    for p in parsed:
        p.existing = by_key.get(p.key)
    ids = [p.existing.pk for p in parsed if p.existing]
    by_clause = {}
    for m in Measure.objects.filter(document_id__in=ids).select_related("current").order_by("id"):
        by_clause.setdefault((m.document_id, m.clause), m)
    for p in parsed:
        if p.existing:
            for m in p.measures:
                m.existing = by_clause.get((p.existing.pk, m.values["clause"]))


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

"""Reading the library's sheet, one named step each: the workbook, its header, each row's
document and measure cells, the rows grouped into documents, the stored library matched, the
actor's permission checked. Every problem is collected before anything is written."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import xlsx
from zonedesk.core.actors import Actor
from zonedesk.core.xlsx import CellError, ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Area
from zonedesk.org.selectors import zone_list
from zonedesk.policies import access, facts, rules
from zonedesk.policies.imports.workbook import (
    EXAMPLE,
    EXTENSIONS,
    LENGTHS,
    MAX_TEXT,
    REQUIRED,
    SHEET,
    _aliases,
    _benefit_values,
    _label,
    _level_values,
    _mode_values,
    _norm,
    _status_values,
    columns,
)
from zonedesk.policies.models import FIRM_STATUSES, OPERATING, Measure, PolicyDocument


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


@dataclass
class _Sheet(xlsx.ImportSheet):
    """The library's sheet with the actor's lookups that every row is read against."""

    actor: Actor
    lang: str
    levels: dict[str, str]
    benefits: dict[str, str]
    modes: dict[str, str]
    zones: dict
    statuses: dict[str, str] = field(default_factory=dict)
    areas: dict[str, Area | None] = field(default_factory=dict)
    allowed: dict[tuple, bool] = field(default_factory=dict)


class _Row(xlsx.SheetRow):
    """One data row of the library's sheet, read against its header and lookups."""

    sheet: _Sheet

    def text(self, key) -> str:
        value = xlsx.text(self.cell(key))
        limit = LENGTHS.get(key, MAX_TEXT)
        if len(value) > limit:
            self.bad(key, value[:50] + "…", _("At most %(n)d characters.") % {"n": limit})
        return value

    def required(self, key, value) -> None:
        if not value:
            self.bad(key, value, _("Required."))


def _read_workbook(content: bytes, filename: str) -> tuple[str, list]:
    if filename and not filename.lower().endswith(EXTENSIONS):
        raise ImportRejected(
            [CellError("", 0, "", filename, _("Upload an .xlsx, .xls or .ods file."))]
        )
    sheet, rows = xlsx.read_first_sheet(content, sheet_name=SHEET)
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    return sheet, rows


def _read_header(actor: Actor, sheet: str, header_row) -> _Sheet:
    cols = columns()
    header = [unicodedata.normalize("NFKC", xlsx.text(c)) for c in header_row]
    return _Sheet(
        actor=actor,
        name=sheet,
        index=xlsx.read_header(sheet, header, _aliases(), REQUIRED, cols),
        columns=cols,
        lang=translation.get_language() or "zh-hans",
        levels=_level_values(),
        benefits=_benefit_values(),
        modes=_mode_values(),
        statuses=_status_values(),
        zones={z.code: z for z in zone_list(actor)},
    )


def _read_choice(row: _Row, key: str, values: dict, wrong: str, choices) -> str | None:
    """A coded cell (label in either language, or the code) that must be filled."""
    raw = row.cell(key)
    value = values.get(_norm(raw))
    if not xlsx.text(raw):
        row.bad(key, raw, _("Required."))
    elif value is None:
        row.bad(key, raw, wrong % {"choices": ", ".join(str(lb) for _v, lb in choices)})
    return value


def _read_scope(row: _Row, level: str | None) -> tuple[str, dict]:
    """The zone or administrative area that issued the document, by its code."""
    sheet, raw = row.sheet, row.cell("scope")
    code = _norm(raw).replace(" ", "")
    if not code:
        row.bad("scope", raw, _("Required."))
    elif level == PolicyDocument.Level.ZONE:
        zone = sheet.zones.get(code)
        if zone is not None:
            return code, {"zone": zone, "area": None}
        row.bad("scope", raw, _("No zone with this code in your unit."))
    elif level is not None:
        if code not in sheet.areas:
            sheet.areas[code] = Area.objects.filter(code=code).first()
        area = sheet.areas[code]
        if area is None:
            row.bad("scope", raw, _("No administrative area with this division code."))
        elif area.level != level:
            row.bad(
                "scope",
                raw,
                _("%(name)s is a %(level)s, not a %(wanted)s.")
                % {
                    "name": area.name,
                    "level": area.get_level_display(),
                    "wanted": _label(PolicyDocument.Level.choices, level),
                },
            )
        else:
            return code, {"area": area, "zone": None}
    return code, {}


def _forbidden(sheet: _Sheet, level: str | None, code: str, scope: dict) -> bool:
    """Whether the row belongs to a unit whose documents the actor may not edit. Another unit's
    rows are refused only if they would change something (checked once the stored library is
    matched): an export re-imported unchanged passes."""
    if not scope:
        return False
    which = (level, code)
    if which not in sheet.allowed:
        sheet.allowed[which] = access.can_edit_document(sheet.actor, **scope)
    return not sheet.allowed[which]


def _read_dates(row: _Row) -> dict:
    dates = {}
    for key in ("published", "valid_from", "valid_to"):
        raw = row.cell(key)
        try:
            dates[key] = _date(raw)
        except ValueError:
            row.bad(key, raw, _("Not a date: write YYYY-MM-DD, e.g. 2020-02-10."))
            dates[key] = None
    if "valid_from" in row.index:
        raw = row.cell("valid_from")
        if not xlsx.text(raw):
            row.bad("valid_from", raw, _("Required."))
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        row.bad(
            "valid_to",
            row.cell("valid_to"),
            _("Ends before it starts (%(start)s).") % {"start": dates["valid_from"]},
        )
    return {k: v for k, v in dates.items() if k in row.index}


@dataclass
class _DocumentCells:
    key: tuple  # (level, scope code, number, title): rows with the same key are one document
    values: dict
    forbidden: bool


def _read_document(row: _Row) -> _DocumentCells:
    """The row's document columns."""
    level = _read_choice(
        row,
        "level",
        row.sheet.levels,
        _("Not an issuing level: one of %(choices)s."),
        PolicyDocument.Level.choices,
    )
    code, scope = _read_scope(row, level)
    forbidden = _forbidden(row.sheet, level, code, scope)
    issuer = row.text("issuer")
    row.required("issuer", issuer)
    number = row.text("number")
    title = row.text("title")
    row.required("title", title)
    dates = _read_dates(row)
    values = {
        "level": level,
        **scope,
        "issuer": issuer,
        "number": number,
        "title": title,
        **dates,
    }
    return _DocumentCells((level, code, number, title), values, forbidden)


def _check_rules(row: _Row, eligibility: str, benefit: str | None) -> None:
    """Compile both rules, so that a wrong one is reported with its position now."""
    if not eligibility:
        row.bad("eligibility", eligibility, _("Required."))
        return
    for key, source, kind in (
        ("eligibility", eligibility, rules.Type.BOOL),
        ("benefit", benefit or "", rules.Type.NUMBER),
    ):
        if not source.strip():
            continue
        try:
            facts.compile_rule(source, result=kind)
        except rules.RuleError as exc:
            row.bad(key, source, exc.message(row.sheet.lang))


def _read_measure(row: _Row) -> ParsedMeasure:
    """The row's measure columns (only those the sheet has), its rules compiled."""
    index = row.index
    clause = row.text("clause")
    row.required("clause", clause)
    measure_title = row.text("measure_title")
    row.required("measure_title", measure_title)
    benefit_type = _read_choice(
        row,
        "benefit_type",
        row.sheet.benefits,
        _("Not a benefit type: one of %(choices)s."),
        Measure.BenefitType.choices,
    )
    raw_mode = row.cell("mode")
    mode = row.sheet.modes.get(_norm(raw_mode)) if xlsx.text(raw_mode) else Measure.Mode.APPLICATION
    if mode is None:
        row.bad(
            "mode",
            raw_mode,
            _("Not an application mode: one of %(choices)s.")
            % {"choices": ", ".join(str(lb) for _v, lb in Measure.Mode.choices)},
        )
    statuses = _read_statuses(row) if "firm_statuses" in index else None
    eligibility = row.text("eligibility")
    benefit_rule = row.text("benefit") if "benefit" in index else None
    _check_rules(row, eligibility, benefit_rule)
    values = {"clause": clause, "title": measure_title}
    for key in ("summary", "department", "materials"):
        if key in index:
            values[key] = row.text(key)
    if benefit_type:
        values["benefit_type"] = benefit_type
    if "mode" in index and mode:
        values["mode"] = mode
    if statuses:
        values["firm_statuses"] = statuses
    return ParsedMeasure(row.number, values, eligibility, benefit_rule)


def _read_statuses(row: _Row) -> list[str] | None:
    """The firm statuses a measure applies to: labels or codes, separated by commas or 、;
    empty: producing and halted (an operating measure)."""
    raw = row.cell("firm_statuses")
    text = xlsx.text(raw)
    if not text:
        return list(OPERATING)
    chosen, unknown = set(), []
    for part in re.split(r"[,，、;；/\n]+", unicodedata.normalize("NFKC", text)):
        part = part.strip()
        if not part:
            continue
        value = row.sheet.statuses.get(_norm(part))
        if value is None:
            unknown.append(part)
        else:
            chosen.add(value)
    if unknown or not chosen:
        row.bad(
            "firm_statuses",
            raw,
            _("Not a firm status: %(value)s. Use %(choices)s.")
            % {
                "value": "、".join(unknown) or text,
                "choices": ", ".join(str(lb) for _v, lb in Enterprise.Status.choices),
            },
        )
        return None
    return [s for s in FIRM_STATUSES if s in chosen]


def _add_row(documents: dict, clauses: dict, row: _Row, doc: _DocumentCells, m: ParsedMeasure):
    """Put the row's measure under its document; the document's columns must agree across its
    rows and a clause may appear once per document."""
    parsed = documents.get(doc.key)
    if parsed is None:
        parsed = documents[doc.key] = ParsedDocument(row.number, doc.key, doc.values)
    if doc.forbidden:
        parsed.forbidden.append((row.number, xlsx.text(row.cell("scope"))))
    else:
        for name in ("issuer", "published", "valid_from", "valid_to"):
            if name in doc.values and doc.values[name] != parsed.values.get(name):
                row.bad(
                    name,
                    row.cell(name),
                    _("Differs from row %(row)d of the same document.") % {"row": parsed.row},
                )
    clause = m.values["clause"]
    if (doc.key, clause) in clauses:
        row.bad(
            "clause",
            clause,
            _("The same clause of this document is on row %(row)d.")
            % {"row": clauses[(doc.key, clause)]},
        )
    else:
        clauses[(doc.key, clause)] = row.number
    if not row.errors:
        parsed.measures.append(m)


def _read_rows(sheet: _Sheet, rows: list) -> dict[tuple, ParsedDocument]:
    """Every data row read and grouped into documents; ImportRejected with every problem."""
    errors: list[CellError] = []
    documents: dict[tuple, ParsedDocument] = {}
    clauses: dict[tuple, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if all(xlsx.text(v) == "" for v in cells):
            continue
        if xlsx.text(_cell(cells, sheet.index, "title")).startswith(EXAMPLE):
            continue
        row = _Row(sheet, number, cells)
        doc, measure = _read_document(row), _read_measure(row)
        if not row.errors:
            _add_row(documents, clauses, row, doc, measure)
        errors.extend(row.errors)
    if errors:
        raise ImportRejected(errors)
    if not documents:
        raise ImportRejected([CellError(sheet.name, 2, "", "", _("The sheet has no data rows."))])
    return documents


def _check_permissions(sheet: _Sheet, documents: list[ParsedDocument]) -> list[ParsedDocument]:
    """The documents to write: another unit's are left out when unchanged, refused otherwise."""
    errors, kept = [], []
    scope_header = sheet.columns["scope"].header
    for p in documents:
        if not p.forbidden:
            kept.append(p)
        elif not _unchanged(p):
            errors.extend(
                CellError(
                    sheet.name,
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


def parse(actor: Actor, content: bytes, filename: str = "") -> list[ParsedDocument]:
    """Read and check every row (and compile every rule); raise ImportRejected listing every
    problem, or return the documents with their measures, matched to the stored library."""
    name, rows = _read_workbook(content, filename)
    sheet = _read_header(actor, name, rows[0])
    documents = list(_read_rows(sheet, rows).values())
    _match_stored(documents)
    return _check_permissions(sheet, documents)


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

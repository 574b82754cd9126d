"""Entitlements and coverage over the API: what a firm qualifies for and why, the benefit's
next step, and a zone's 一条不漏 / 应享尽享 coverage."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zonedesk.core import xlsx
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises.access import is_member
from zonedesk.enterprises.selectors import enterprise_get, enterprise_scope
from zonedesk.monitoring.selectors import latest_period_of
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Area
from zonedesk.org.selectors import zone_get
from zonedesk.policies import access, imports, rules, selectors, services, wording
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument
from zonedesk.policies.schemas import (
    CoverageOut,
    DocumentDetailOut,
    DocumentFilterIn,
    DocumentIn,
    DocumentOut,
    DocumentPatch,
    EntitlementOut,
    ImportSummaryOut,
    MeasureCoverageOut,
    MeasureDetailOut,
    MeasureFilterIn,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MoveIn,
    OpenFilterIn,
    OpenOut,
    RuleCheckIn,
    RulePreviewOut,
    UnclaimedOut,
    VerdictOut,
)

router = Router(tags=["policies"])
CENT = Decimal("0.01")


def _conditions(explanation, member: bool = False) -> list[dict]:
    """The conditions as JSON: a figure that cannot exist is null, the condition marked; each
    with its sentence and the firm's value (what a firm reads: never the code in `text`)."""
    return [
        {
            "text": c.text,
            "sentence": wording.condition_text(c, member=member),
            "outcome": c.outcome,
            "values": {k: None if v is rules.NOT_APPLICABLE else v for k, v in c.values.items()},
            "not_applicable": c.not_applicable,
        }
        for c in explanation.conditions
    ]


def _out(e: Entitlement, explanation=None, reason: str = "", member: bool = False) -> dict:
    m = e.measure
    return {
        "id": e.pk,
        "measure_id": m.pk,
        "level": m.document.level,
        "document": str(m.document),
        "clause": m.clause,
        "title": m.title,
        "benefit_type": m.benefit_type,
        "mode": m.mode,
        "decision": e.decision,
        "missing_facts": e.missing,
        "estimate_wan": e.estimate_wan,
        "state": e.state,
        "approved_wan": e.approved_wan,
        "disbursed_wan": e.disbursed_wan,
        "disbursed_on": e.disbursed_on,
        "rule": e.rule_version.eligibility,
        "rule_sentence": wording.rule_text(e.rule_version.eligibility),
        "rule_version": e.rule_version.number,
        "facts_of": e.period.strftime("%Y-%m"),
        "conditions": _conditions(explanation, member) if explanation else [],
        "reason": reason,
    }


@router.get("/firms/{pk}/entitlements", response=list[EntitlementOut])
def list_entitlements(request, pk: int):
    """The measures the firm qualifies for (or may: facts missing), with each condition as it
    applies to the firm, and where each benefit is on its way."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    member = is_member(request.user, enterprise)
    return [
        _out(f.entitlement, f.explanation, f.reason, member)
        for f in selectors.firm_entitlements(request.user, enterprise=enterprise)
    ]


@router.get("/firms/{pk}/other-measures", response=list[VerdictOut])
def list_other_measures(request, pk: int):
    """The measures in force for the firm's zone that it does not qualify for, each with the
    reason: not for firms of its status (closed, under construction), not applicable (a
    figure the rule needs cannot exist for the firm, e.g. no base year), or the conditions it
    fails, as they apply to its facts of its latest month."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    period = latest_period_of(enterprise_scope(request.user).filter(pk=enterprise.pk))
    member = is_member(request.user, enterprise)
    return [
        {
            "measure_id": v.measure.pk,
            "level": v.measure.document.level,
            "document": str(v.measure.document),
            "clause": v.measure.clause,
            "title": v.measure.title,
            "firm_statuses": v.measure.firm_statuses,
            "decision": v.outcome,
            "reason": v.reason,
            "not_applicable_facts": sorted(v.explanation.not_applicable),
            "missing_facts": sorted(v.explanation.missing),
            "rule": v.measure.current.eligibility,
            "rule_sentence": wording.rule_text(v.measure.current.eligibility),
            "conditions": _conditions(v.explanation, member),
        }
        for v in selectors.firm_other_measures(request.user, enterprise=enterprise, period=period)
    ]


@router.post("/entitlements/{pk}/move", response=EntitlementOut)
def move_entitlement(request, pk: int, payload: MoveIn):
    """The benefit's next step; refused with the reason when the move is not allowed."""
    entitlement = selectors.entitlement_get(request.user, pk=pk)
    if entitlement is None:
        raise NotFound(_("No such entitlement."))
    moved = services.entitlement_move(actor=request.user, entitlement=entitlement, **payload.dict())
    return _out(moved)


def _rate(value: Decimal | None) -> Decimal | None:
    return value.quantize(Decimal("0.0001"), ROUND_HALF_UP) if value is not None else None


def _coverage_out(r: selectors.CoverageRow, key: str) -> dict:
    return {
        key: int(r.key) if key == "measure_id" else r.key,
        "label": r.label,
        "measures": r.measures,
        "eligible": r.eligible,
        "notified": r.notified,
        "done": r.done,
        "notified_rate": _rate(r.notified_rate),
        "done_rate": _rate(r.done_rate),
        "estimated_wan": Decimal(r.estimated_wan).quantize(CENT),
        "disbursed_wan": Decimal(r.disbursed_wan).quantize(CENT),
    }


def _coverage_zone(request, code: str):
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    return zone


@router.get("/zones/{code}/coverage", response=list[CoverageOut])
def zone_coverage(request, code: str):
    """Coverage of the zone's eligible firm x measure pairs by issuing level."""
    by_level, _by_measure = selectors.coverage(request.user, zone=_coverage_zone(request, code))
    return [_coverage_out(r, "level") for r in by_level]


@router.get("/zones/{code}/coverage/measures", response=list[MeasureCoverageOut])
def zone_coverage_by_measure(request, code: str):
    """Coverage of the zone's eligible pairs, measure by measure."""
    _by_level, by_measure = selectors.coverage(request.user, zone=_coverage_zone(request, code))
    return [_coverage_out(r, "measure_id") for r in by_measure]


@router.get("/zones/{code}/unclaimed", response=list[UnclaimedOut])
def zone_unclaimed(request, code: str, limit: int = Query(20, ge=1, le=1000)):
    """The zone's firms with the most benefits not yet received (by estimated amount)."""
    rows = selectors.unclaimed_firms(request.user, zone=_coverage_zone(request, code), limit=limit)
    return [
        {
            "enterprise_id": u["enterprise_id"],
            "name": u["enterprise__name"],
            "officer": u["enterprise__officer__full_name"] or None,
            "benefits": u["pairs"],
            "estimated_wan": Decimal(u["estimated"]).quantize(CENT)
            if u["estimated"] is not None
            else None,
        }
        for u in rows
    ]


def _open_out(e: Entitlement) -> dict:
    m = e.measure
    return {
        "id": e.pk,
        "enterprise_id": e.enterprise_id,
        "enterprise": e.enterprise.name,
        "credit_code": e.enterprise.credit_code,
        "officer": str(e.enterprise.officer) if e.enterprise.officer_id else None,
        "measure_id": m.pk,
        "level": m.document.level,
        "document": str(m.document),
        "clause": m.clause,
        "title": m.title,
        "mode": m.mode,
        "state": e.state,
        "estimate_wan": e.estimate_wan,
        "approved_wan": e.approved_wan,
        "decided_at": e.decided_at,
    }


@router.get("/entitlements/open", response=list[OpenOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_open_entitlements(request, filters: Query[OpenFilterIn]):
    """Benefits still on their way: an officer's own firms' by default (who=all: every firm
    the user sees)."""
    f = filters.dict()
    errors = {}
    if f["who"] not in ("", "mine", "all"):
        errors["who"] = [_("Not one of: %(values)s.") % {"values": "mine, all"}]
    if f["state"] and f["state"] not in selectors.OPEN:
        errors["state"] = [_("Not one of: %(values)s.") % {"values": ", ".join(selectors.OPEN)}]
    if f["level"] and f["level"] not in PolicyDocument.Level.values:
        errors["level"] = [
            _("Not one of: %(values)s.") % {"values": ", ".join(PolicyDocument.Level.values)}
        ]
    if errors:
        raise ValidationFailed(errors)
    zone = None
    if f["zone"]:
        zone = zone_get(request.user, code=f["zone"])
        if zone is None:
            raise NotFound(_("No such zone or area in your unit."))
    mine = f["who"] == "mine" if f["who"] else selectors.mine_by_default(request.user)
    qs = selectors.open_entitlements(
        request.user, mine=mine, zone=zone, state=f["state"], level=f["level"]
    )
    return LazyPage(qs, _open_out)


# --- the library ---------------------------------------------------------------------------------


def _document_out(d: PolicyDocument, *, measures=None) -> dict:
    out = {
        "id": d.pk,
        "level": d.level,
        "area_code": d.area.code if d.area_id else None,
        "zone_code": d.zone.code if d.zone_id else None,
        "issuer": d.issuer,
        "number": d.number,
        "title": d.title,
        "published": d.published,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        "measure_count": getattr(d, "measure_count", None) if measures is None else len(measures),
        "version": d.version,
    }
    if measures is not None:
        out["source_text"] = d.source_text
        out["measures"] = [_measure_out(m, document=d) for m in measures]
    return out


def _with_validity(request, out: dict, document: PolicyDocument) -> dict:
    """A document's or measure's detail with its validity on the caller's as-of date."""
    as_of = selectors.viewer_as_of(request.user)
    return out | {"validity": as_of.status(document), "as_of": as_of.date}


def _measure_out(m: Measure, *, document=None, versions: bool = False) -> dict:
    d = document or m.document
    current = m.current
    out = {
        "id": m.pk,
        "document_id": d.pk,
        "document": str(d),
        "level": d.level,
        "clause": m.clause,
        "title": m.title,
        "summary": m.summary,
        "benefit_type": m.benefit_type,
        "mode": m.mode,
        "department": m.department,
        "materials": m.materials,
        "firm_statuses": m.firm_statuses,
        "eligibility": current.eligibility if current else "",
        "eligibility_sentence": wording.rule_text(current.eligibility) if current else "",
        "benefit": current.benefit if current else "",
        "benefit_sentence": (
            wording.rule_text(current.benefit, condition=False) if current else ""
        ),
        "rule_version": current.number if current else None,
        "version": m.version,
    }
    if versions:
        out["versions"] = [
            {
                "number": v.number,
                "eligibility": v.eligibility,
                "benefit": v.benefit,
                "created_at": v.created_at,
                "created_by": v.created_by.username if v.created_by else None,
            }
            for v in m.versions.all()
        ]
    return out


def _choice(field: str, value: str, choices) -> str:
    if value and value not in dict(choices):
        raise ValidationFailed(
            {field: [_("Not one of: %(values)s.") % {"values": ", ".join(dict(choices))}]}
        )
    return value


@router.get("/policies/documents", response=list[DocumentOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_documents(request, filters: Query[DocumentFilterIn]):
    """The policy documents the user may read, searched."""
    level = _choice("level", filters.level, PolicyDocument.Level.choices)
    qs = selectors.documents(request.user, q=filters.q.replace("\x00", ""), level=level)
    return LazyPage(qs, _document_out)


def _found(record, message: str):
    if record is None:
        raise NotFound(message)
    return record


def _document(request, pk: int) -> PolicyDocument:
    return _found(selectors.document_get(request.user, pk), _("No such policy document."))


@router.get("/policies/documents/{int:pk}", response=DocumentDetailOut)
def get_document(request, pk: int):
    """One document with its measures and their current rules."""
    document = _document(request, pk)
    return _with_validity(
        request, _document_out(document, measures=list(document.measures.all())), document
    )


def _document_values(request, fields: dict) -> dict:
    """API fields as the service's: codes resolved to the area or the user's zone."""
    values = dict(fields)
    area_code = values.pop("area_code", None)
    zone_code = values.pop("zone_code", None)
    if area_code:
        values["area"] = Area.objects.filter(code=area_code).first()
        values["zone"] = None
        if values["area"] is None:
            raise ValidationFailed({"area_code": [_("No administrative area with this code.")]})
    if zone_code:
        values["zone"] = zone_get(request.user, code=zone_code)
        values["area"] = None
        if values["zone"] is None:
            raise ValidationFailed({"zone_code": [_("Not one of your zones.")]})
    for name in ("level", "issuer", "title", "valid_from", "number", "source_text"):
        if name in values and values[name] is None:
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
    return values


@router.post("/policies/documents", response={201: DocumentDetailOut})
def create_document(request, payload: DocumentIn):
    """Add a document to the library (of the user's unit, or of an area or zone inside it)."""
    values = _document_values(request, payload.dict())
    values.setdefault("area", None)
    values.setdefault("zone", None)
    document = services.document_create(actor=request.user, **values)
    return Status(
        201,
        _with_validity(
            request, _document_out(_document(request, document.pk), measures=[]), document
        ),
    )


@router.patch("/policies/documents/{int:pk}", response={200: DocumentDetailOut, 409: ConflictOut})
def update_document(request, pk: int, payload: DocumentPatch):
    """Change a document's fields; `version` is the one read (409 if it changed since)."""
    document = _document(request, pk)
    values = _document_values(request, payload.dict(exclude_unset=True))
    version = values.pop("version")
    services.document_update(
        actor=request.user, document=document, expected_version=version, **values
    )
    document = _document(request, pk)
    return _with_validity(
        request, _document_out(document, measures=list(document.measures.all())), document
    )


@router.get("/policies/measures", response=list[MeasureOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_measures(request, filters: Query[MeasureFilterIn]):
    """The measures the user may read, searched and filtered."""
    qs = selectors.measures(
        request.user,
        q=filters.q.replace("\x00", ""),
        level=_choice("level", filters.level, PolicyDocument.Level.choices),
        benefit_type=_choice("benefit_type", filters.benefit_type, Measure.BenefitType.choices),
        mode=_choice("mode", filters.mode, Measure.Mode.choices),
    )
    return LazyPage(qs, _measure_out)


def _measure(request, pk: int) -> Measure:
    return _found(selectors.measure_get(request.user, pk), _("No such measure."))


@router.get("/policies/measures/{int:pk}", response=MeasureDetailOut)
def get_measure(request, pk: int):
    """One measure with its current rules and every earlier version."""
    found_measure = _measure(request, pk)
    return _with_validity(
        request, _measure_out(found_measure, versions=True), found_measure.document
    )


@router.post("/policies/documents/{int:pk}/measures", response={201: MeasureDetailOut})
def create_measure(request, pk: int, payload: MeasureIn):
    """Add a measure to a document; its rules are checked and become version 1."""
    measure = services.measure_create(
        actor=request.user, document=_document(request, pk), **payload.dict()
    )
    created = _measure(request, measure.pk)
    return Status(
        201, _with_validity(request, _measure_out(created, versions=True), created.document)
    )


@router.patch("/policies/measures/{int:pk}", response={200: MeasureDetailOut, 409: ConflictOut})
def update_measure(request, pk: int, payload: MeasurePatch):
    """Change a measure's fields and/or its rules (changed rules make a new rule version);
    `version` is the one read (409 if the measure or its rules changed since)."""
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    for name in ("clause", "title", "benefit_type", "mode", "eligibility", "firm_statuses"):
        if name in fields and fields[name] is None:
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
    for name in ("summary", "department", "materials", "benefit"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    services.measure_update(
        actor=request.user, measure=_measure(request, pk), expected_version=version, **fields
    )
    found_measure = _measure(request, pk)
    return _with_validity(
        request, _measure_out(found_measure, versions=True), found_measure.document
    )


@router.post("/policies/rules/check", response=RulePreviewOut)
def check_rules(request, payload: RuleCheckIn):
    """Check rules (400 with positioned messages when they do not compile) and count how many
    of the zone's firms they would find eligible, undetermined or not eligible. Stores nothing."""
    if not access.can_preview_rules(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    zone = zone_get(request.user, code=payload.zone)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    if payload.period:
        try:
            period = Period.parse(payload.period)
        except ValueError as exc:
            raise ValidationFailed(
                {"period": [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}
            ) from exc
    else:
        period = None  # each firm on its own latest month, as matching decides it
    document = None
    if payload.document_id is not None:
        document = selectors.document_get(request.user, payload.document_id)
        if document is None:
            raise NotFound(_("No document with id %(id)d.") % {"id": payload.document_id})
    preview = selectors.rule_preview(
        request.user,
        zone=zone,
        period=period,
        eligibility=payload.eligibility,
        benefit=payload.benefit,
        firm_statuses=payload.firm_statuses,
        document=document,
    )
    if preview.errors:
        raise ValidationFailed(preview.errors)
    as_of = preview.as_of
    shown = period or as_of.period or Period.of(as_of.date)
    return {
        **{k: v for k, v in vars(preview).items() if k not in ("as_of", "errors")},
        "estimated_wan": preview.estimated_wan.quantize(CENT),
        "period": str(shown),
        "as_of": as_of.date,
    }


@router.get("/policies/measures/export.xlsx", response={200: None})
def export_measures(request, zone: str = ""):
    """The library the user sees (or the measures covering one zone) as the import reads it."""
    target = None
    if zone:
        target = zone_get(request.user, code=zone)
        if target is None:
            raise NotFound(_("No such zone or area in your unit."))
    return xlsx.xlsx_response(imports.export_bytes(request.user, zone=target), "measures.xlsx")


@router.get("/policies/measures/template.xlsx", response={200: None})
def measures_template(request):
    """The import template: the columns, a synthetic example row and the facts rules may use."""
    return xlsx.xlsx_response(imports.template_bytes(), "measures-template.xlsx")


@router.post("/policies/measures/import", response=ImportSummaryOut)
def import_measures(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's idiom
    """Create or update documents and measures from a spreadsheet: every row or none (400 with
    every problem's sheet, row, column, value and reason)."""
    if file.size > settings.ZONEDESK["IMPORT_MAX_BYTES"]:
        raise ValidationFailed({"file": [_("The file is larger than the import limit.")]})
    summary = services.measures_import(
        actor=request.user, content=file.read(), filename=file.name or ""
    )
    return vars(summary)

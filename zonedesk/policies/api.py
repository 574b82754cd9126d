"""Entitlements and coverage over the API: what a firm qualifies for and why, the benefit's
next step, and a zone's 一条不漏 / 应享尽享 coverage."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from zonedesk.core.errors import NotFound, PermissionDenied
from zonedesk.core.schemas import InputSchema
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring.access import can_view_dashboard
from zonedesk.org.selectors import zone_get
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Entitlement

router = Router(tags=["policies"])
CENT = Decimal("0.01")


class ConditionOut(Schema):
    text: str
    outcome: bool | None
    values: dict


class EntitlementOut(Schema):
    id: int
    measure_id: int
    level: str
    document: str
    clause: str
    title: str
    benefit_type: str
    mode: str
    decision: str
    missing_facts: list[str]
    estimate_wan: Decimal | None
    state: str
    approved_wan: Decimal | None
    disbursed_wan: Decimal | None
    disbursed_on: dt.date | None
    rule: str
    rule_version: int
    facts_of: str
    conditions: list[ConditionOut]


def _out(e: Entitlement, explanation=None) -> dict:
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
        "rule_version": e.rule_version.number,
        "facts_of": e.period.strftime("%Y-%m"),
        "conditions": [vars(c) for c in explanation.conditions] if explanation else [],
    }


@router.get("/firms/{pk}/entitlements", response=list[EntitlementOut])
def list_entitlements(request, pk: int):
    """The measures the firm qualifies for (or may: facts missing), with each condition as it
    applies to the firm, and where each benefit is on its way."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    return [
        _out(f.entitlement, f.explanation)
        for f in selectors.firm_entitlements(request.user, enterprise=enterprise)
    ]


class MoveIn(InputSchema):
    to: str = Field(description="notified, applied, approved, disbursed, rejected or declined")
    amount_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    on: dt.date | None = None
    note: str = Field("", max_length=2000)


@router.post("/entitlements/{pk}/move", response=EntitlementOut)
def move_entitlement(request, pk: int, payload: MoveIn):
    """The benefit's next step; refused with the reason when the move is not allowed."""
    entitlement = selectors.entitlement_get(request.user, pk=pk)
    if entitlement is None:
        raise NotFound(_("No such entitlement."))
    moved = services.entitlement_move(actor=request.user, entitlement=entitlement, **payload.dict())
    return _out(moved)


class CoverageOut(Schema):
    level: str
    label: str
    measures: int
    eligible: int
    notified: int
    done: int
    notified_rate: Decimal | None = Field(description="一条不漏: notified / eligible")
    done_rate: Decimal | None = Field(description="应享尽享: disbursed or declined / eligible")
    estimated_wan: Decimal
    disbursed_wan: Decimal


@router.get("/zones/{code}/coverage", response=list[CoverageOut])
def zone_coverage(request, code: str):
    """Coverage of the zone's eligible firm x measure pairs by issuing level."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    by_level, _by_measure = selectors.coverage(request.user, zone=zone)
    return [
        {
            "level": r.key,
            "label": r.label,
            "measures": r.measures,
            "eligible": r.eligible,
            "notified": r.notified,
            "done": r.done,
            "notified_rate": r.notified_rate.quantize(Decimal("0.0001"))
            if r.notified_rate is not None
            else None,
            "done_rate": r.done_rate.quantize(Decimal("0.0001"))
            if r.done_rate is not None
            else None,
            "estimated_wan": Decimal(r.estimated_wan).quantize(CENT),
            "disbursed_wan": Decimal(r.disbursed_wan).quantize(CENT),
        }
        for r in by_level
    ]

"""The inter-firm lending and guarantee register over the API: the register with its flags,
registering a loan or a guarantee, and the guarantee graph as JSON (circles, and the firms a
default would reach)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.schemas import ID_MAX
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.finance import access
from zonedesk.finance.schemas_bridge import (
    GraphOut,
    InterFirmLoanIn,
    InterFirmLoanOut,
    LendingGuaranteeIn,
    LendingGuaranteeOut,
    RegisterOut,
)
from zonedesk.finance.selectors import lending as selectors
from zonedesk.finance.services import lending as services

router = Router(tags=["finance"])


def _loan_out(r: selectors.LoanRow) -> dict:
    loan = r.loan
    return {
        "id": loan.pk,
        "lender_id": loan.lender_id,
        "lender": loan.lender.name,
        "borrower_id": loan.borrower_id,
        "borrower": loan.borrower.name,
        "amount_wan": loan.amount_wan,
        "term_months": loan.term_months,
        "rate_pct": loan.rate_pct,
        "contract_on": loan.contract_on,
        "ceiling_pct": r.ceiling.ceiling_pct,
        "above_ceiling": r.above_ceiling,
        "borrower_in_circle": r.borrower_in_circle,
        "guarantee_ids": sorted(g.pk for g in loan.guarantees.all()),
    }


def _guarantee_out(r: selectors.GuaranteeRow) -> dict:
    g = r.guarantee
    return {
        "id": g.pk,
        "guarantor_id": g.guarantor_id,
        "guarantor": g.guarantor.name,
        "guaranteed_id": g.guaranteed_id,
        "guaranteed": g.guaranteed.name,
        "amount_wan": g.amount_wan,
        "creditor": g.creditor,
        "starts_on": g.starts_on,
        "ends_on": g.ends_on,
        "in_circle": r.in_circle,
        "in_force": r.in_force,
    }


@router.get("/finance/lending", response=RegisterOut)
def list_lending(request, flagged: bool = False):
    """The loans and guarantees between firms the caller sees, with their flags: a rate above
    the legal ceiling at the contract date, a firm in a guarantee circle."""
    if not access.can_view_register(request.user):
        raise PermissionDenied
    reg = selectors.register(request.user, flagged_only=flagged)
    return {
        "loans": [_loan_out(r) for r in reg.loans],
        "guarantees": [_guarantee_out(r) for r in reg.guarantees],
    }


def _firms(request, **ids: int) -> dict:
    scope = enterprise_scope(request.user)
    found = {name: scope.filter(pk=pk).first() for name, pk in ids.items()}
    missing = {f"{n}_id": [_("No such firm in your zones.")] for n, f in found.items() if f is None}
    if missing:
        raise ValidationFailed(missing)
    return found


@router.post("/finance/lending/loans", response={201: InterFirmLoanOut})
def create_interfirm_loan(request, payload: InterFirmLoanIn):
    """Register a loan between firms (the zone's leaders and officers); its guarantees must
    guarantee the borrower."""
    if not access.can_act_somewhere(request.user):
        raise PermissionDenied
    firms = _firms(request, lender=payload.lender_id, borrower=payload.borrower_id)
    guarantees = list(selectors.guarantee_scope(request.user).filter(pk__in=payload.guarantee_ids))
    if len(guarantees) != len(set(payload.guarantee_ids)):
        raise ValidationFailed({"guarantee_ids": [_("No such guarantee in your zones.")]})
    loan = services.interfirm_loan_create(
        actor=request.user,
        data=services.LoanData(
            **firms,
            amount_wan=payload.amount_wan,
            term_months=payload.term_months,
            rate_pct=payload.rate_pct,
            contract_on=payload.contract_on,
            note=payload.note,
            guarantees=guarantees,
        ),
    )
    row = next(r for r in selectors.register(request.user).loans if r.loan.pk == loan.pk)
    return Status(201, _loan_out(row))


@router.post("/finance/lending/guarantees", response={201: LendingGuaranteeOut})
def create_guarantee(request, payload: LendingGuaranteeIn):
    """Register a guarantee between firms (a firm guaranteeing itself: 400)."""
    if not access.can_act_somewhere(request.user):
        raise PermissionDenied
    firms = _firms(request, guarantor=payload.guarantor_id, guaranteed=payload.guaranteed_id)
    g = services.guarantee_create(
        actor=request.user,
        data=services.GuaranteeData(
            **firms,
            amount_wan=payload.amount_wan,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            creditor=payload.creditor,
            note=payload.note,
        ),
    )
    row = next(r for r in selectors.register(request.user).guarantees if r.guarantee.pk == g.pk)
    return Status(201, _guarantee_out(row))


@router.get("/finance/lending/graph", response=GraphOut)
def guarantee_graph(request, firm: int | None = Query(None, ge=1, le=ID_MAX)):
    """The guarantees in force among the caller's zones' firms as a graph, its circles, and with
    `firm` the firms its default would reach (the zone's staff only)."""
    if not access.can_view_graph(request.user):
        raise PermissionDenied
    return selectors.graph_data(request.user, firm=firm)

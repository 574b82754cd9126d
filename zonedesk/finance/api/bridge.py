"""Bridge loans over the API: the loans the caller sees, one loan, an application, a step. The
same services and selectors as the pages: scoping and every limit live there."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.schemas import ID_MAX, ConflictOut, InputSchema
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.finance import access
from zonedesk.finance.models import BridgeLoan
from zonedesk.finance.schemas_bridge import ApplyIn, BridgeLoanOut, BridgeMoveIn
from zonedesk.finance.selectors import bridge as selectors
from zonedesk.finance.services import bridge as services
from zonedesk.org.models import Bank

router = Router(tags=["finance"])


def loan_out(row: selectors.LoanRow) -> dict:
    loan = row.loan
    return {
        "id": loan.pk,
        "fund_id": loan.fund_id,
        "fund": loan.fund.name,
        "zone": loan.fund.zone.code,
        "firm_id": loan.firm_id,
        "firm": loan.firm.name,
        "bank_id": loan.bank_id,
        "bank": loan.bank.name,
        "maturing_wan": loan.maturing_wan,
        "maturing_on": loan.maturing_on,
        "committed_wan": loan.committed_wan,
        "has_commitment_file": bool(loan.commitment_file),
        "commitment_ref": loan.commitment_ref,
        "requested_wan": loan.requested_wan,
        "term_days": loan.term_days,
        "status": loan.status,
        "state": row.state,
        "overdue_days": row.overdue_days,
        "amount_wan": loan.amount_wan,
        "disbursed_on": loan.disbursed_on,
        "due_on": loan.due_on,
        "repaid_on": loan.repaid_on,
        "fee_wan": loan.fee_wan,
        "moves": row.moves,
        "version": loan.version,
    }


class LoanFilterIn(InputSchema):
    fund: int | None = Field(None, ge=1, le=ID_MAX)
    status: str = Field("", max_length=10, description="a status, or overdue")


def _row(request, pk: int) -> selectors.LoanRow:
    from django.utils import timezone

    loan = selectors.loan_get(request.user, pk=pk)
    if loan is None:
        raise NotFound(_("No such bridge loan."))
    return selectors.loan_row(request.user, loan, timezone.localdate())


@router.get("/finance/bridge/loans", response=list[BridgeLoanOut])
def list_bridge_loans(request, filters: Query[LoanFilterIn]):
    """The bridge loans the caller sees (the zone's staff: their zones'; a firm's user: its own;
    a bank user: those repaying a loan at its bank), newest first; status may be "overdue"."""
    if not access.can_view_bridge(request.user):
        raise PermissionDenied
    f = selectors.LoanFilters(fund=filters.fund, status=filters.status)
    return [loan_out(r) for r in selectors.loan_rows(request.user, f)]


@router.get("/finance/bridge/loans/{int:pk}", response=BridgeLoanOut)
def get_bridge_loan(request, pk: int):
    return loan_out(_row(request, pk))


@router.post("/finance/bridge/funds/{int:fund}/loans", response={201: BridgeLoanOut})
def apply_bridge_loan(request, fund: int, payload: ApplyIn):
    """A firm's application to the fund (the zone's leaders and officers). Every limit of the
    fund is checked at once: 400 naming each limit the request exceeds, with its figures."""
    fund_ = selectors.fund_get(request.user, pk=fund)
    if fund_ is None:
        raise NotFound(_("No such bridge-loan fund."))
    if not access.can_act_on_bridge(request.user, fund_.zone):
        raise PermissionDenied
    firm = enterprise_scope(request.user).filter(pk=payload.firm_id, zone=fund_.zone).first()
    bank = Bank.objects.filter(pk=payload.bank_id).first()
    errors = {}
    if firm is None:
        errors["firm_id"] = [_("The firm must be one of the fund's zone.")]
    if bank is None:
        errors["bank_id"] = [_("No such bank.")]
    if errors:
        raise ValidationFailed(errors)
    loan = services.bridge_loan_apply(
        actor=request.user,
        fund=fund_,
        data=services.ApplicationData(
            firm=firm,
            bank=bank,
            maturing_wan=payload.maturing_wan,
            maturing_on=payload.maturing_on,
            committed_wan=payload.committed_wan,
            requested_wan=payload.requested_wan,
            term_days=payload.term_days,
            wage_arrears=payload.wage_arrears,
            bad_credit=payload.bad_credit,
            note=payload.note,
            commitment_ref=payload.commitment_ref,
        ),
    )
    return Status(201, loan_out(_row(request, loan.pk)))


@router.post("/finance/bridge/loans/{int:pk}/move", response={200: BridgeLoanOut, 409: ConflictOut})
def move_bridge_loan(request, pk: int, payload: BridgeMoveIn):
    """Approve (within every limit), disburse (the due date stored), record the repayment (the
    fee computed) or refuse (with the reason). 400 for a limit the draw exceeds, with its
    figures; 409 for a step that cannot follow the loan's state, or a stale version."""
    row = _row(request, pk)
    if payload.to not in BridgeLoan.Status.values:
        raise ValidationFailed(
            {"to": [_("Not one of: %(values)s.") % {"values": ", ".join(BridgeLoan.Status.values)}]}
        )
    services.bridge_loan_move(
        actor=request.user,
        loan=row.loan,
        to=payload.to,
        amount_wan=payload.amount_wan,
        on=payload.on,
        note=payload.note,
        expected_version=payload.version or None,
        commitment_ref=payload.commitment_ref,
    )
    return loan_out(_row(request, pk))

"""The bridge-loan fund's and the lending register's API schemas (OpenAPI components keep these
names)."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from zonedesk.core.schemas import ID_MAX, InputSchema, Wan, decimal_input, version_in
from zonedesk.finance.caps import LINE_MAX, NAME_MAX, NOTE_MAX, capped

Note = capped(NOTE_MAX, _("The note"))
Commitment = capped(LINE_MAX, _("The bank's written commitment"))
Creditor = capped(NAME_MAX, _("The creditor"))

STATE_HELP = (
    "applied, approved, refused or repaid; for a loan out: overdue (past its due date), due_soon "
    "(due within 7 days) or open; repaid_late for one repaid after its due date. 逾期/7日内到期."
)
Rate = decimal_input(
    max_digits=6, decimal_places=3, le=100, pattern=r"^(100(\.0{1,3})?|\d{1,2}(\.\d{1,3})?)$"
)


class BridgeLoanOut(Schema):
    id: int
    fund_id: int
    fund: str
    zone: str = Field(description="the fund's zone's code")
    firm_id: int
    firm: str
    bank_id: int
    bank: str
    maturing_wan: Decimal
    maturing_on: dt.date
    committed_wan: Decimal
    has_commitment_file: bool
    commitment_ref: str = Field(description="the bank's written commitment: what and when")
    requested_wan: Decimal
    term_days: int
    status: str = Field(description="applied, approved, disbursed, repaid or refused")
    state: str = Field(description=STATE_HELP)
    overdue_days: int
    amount_wan: Decimal | None = Field(description="the amount approved")
    disbursed_on: dt.date | None
    due_on: dt.date | None = Field(
        description="disbursement + the days, moved to the next working day (遇节假日顺延)"
    )
    repaid_on: dt.date | None
    fee_wan: Decimal | None = Field(description="computed at repayment (tiered daily fee)")
    moves: list[str] = Field(description="the steps the caller may take now")
    version: int


class ApplyIn(InputSchema):
    firm_id: int = Field(ge=1, le=ID_MAX)
    bank_id: int = Field(ge=1, le=ID_MAX)
    maturing_wan: Wan
    maturing_on: dt.date
    committed_wan: Wan
    requested_wan: Wan
    term_days: int | None = Field(None, ge=1, le=366)
    wage_arrears: bool = False
    bad_credit: bool = False
    note: Note = ""
    commitment_ref: Commitment = Field(
        "",
        description="the bank's written commitment to renew: what was signed and when (an "
        "approval needs it, or the letter uploaded on the page)",
    )


class BridgeMoveIn(InputSchema):
    to: str = Field(description="approved, disbursed, repaid or refused", max_length=20)
    amount_wan: Wan | None = Field(None, description="approved: the amount (default: requested)")
    on: dt.date | None = Field(None, description="disbursed/repaid: the day (default: today)")
    note: Note = Field("", description="refused: the reason (required)")
    version: int | None = version_in(required=False)
    commitment_ref: Commitment = Field(
        "",
        description="approved: the bank's written commitment (what and when), when the "
        "application carries neither it nor the letter",
    )


class InterFirmLoanOut(Schema):
    id: int
    lender_id: int
    lender: str
    borrower_id: int
    borrower: str
    amount_wan: Decimal
    term_months: int
    rate_pct: Decimal
    contract_on: dt.date
    ceiling_pct: Decimal | None = Field(
        description="the legal ceiling at the contract date: 4 × one-year LPR from 2020-08-20, "
        "24% before; null before 2015-09-01 (unknown)"
    )
    above_ceiling: bool | None
    borrower_in_circle: bool
    guarantee_ids: list[int]


class LendingGuaranteeOut(Schema):
    id: int
    guarantor_id: int
    guarantor: str
    guaranteed_id: int
    guaranteed: str
    amount_wan: Decimal
    creditor: str
    starts_on: dt.date
    ends_on: dt.date | None
    in_circle: bool
    in_force: bool


class RegisterOut(Schema):
    loans: list[InterFirmLoanOut]
    guarantees: list[LendingGuaranteeOut]


class InterFirmLoanIn(InputSchema):
    lender_id: int = Field(ge=1, le=ID_MAX)
    borrower_id: int = Field(ge=1, le=ID_MAX)
    amount_wan: Wan
    term_months: int = Field(ge=1, le=600)
    rate_pct: Rate
    contract_on: dt.date
    guarantee_ids: list[int] = Field(default_factory=list, max_length=100)
    note: Note = ""


class LendingGuaranteeIn(InputSchema):
    guarantor_id: int = Field(ge=1, le=ID_MAX)
    guaranteed_id: int = Field(ge=1, le=ID_MAX)
    amount_wan: Wan
    starts_on: dt.date
    ends_on: dt.date | None = None
    creditor: Creditor = ""
    note: Note = ""


class GraphNode(Schema):
    id: int
    name: str
    circle: int | None = Field(description="the index of the firm's circle in `circles`, if any")


class GraphLink(Schema):
    source: int = Field(description="the guarantor")
    target: int = Field(description="the firm it guarantees")
    amount_wan: Decimal


class GraphFirm(Schema):
    id: int
    name: str


class GraphCircle(Schema):
    firms: list[GraphFirm]
    cycle: list[str] = Field(description="one cycle through the circle, the first firm repeated")
    amount_wan: Decimal


class ReachFirm(Schema):
    id: int
    name: str
    distance: int = Field(description="1: guarantees the defaulter directly")


class Reach(Schema):
    firm: int
    name: str
    amount_wan: Decimal
    firms: list[ReachFirm]


class GraphOut(Schema):
    day: str
    nodes: list[GraphNode]
    links: list[GraphLink]
    circles: list[GraphCircle]
    reach: Reach | None
    self_guarantees: int

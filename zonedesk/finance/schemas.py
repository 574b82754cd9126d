"""The financing API's bodies and answers (django-ninja)."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from zonedesk.core.schemas import VERSION_MAX, InputSchema, decimal_input, version_in
from zonedesk.finance.caps import LINE_MAX, NAME_MAX, NOTE_MAX, capped

Amount = decimal_input(max_digits=12, decimal_places=2)
Rate = decimal_input(max_digits=5, decimal_places=2)


def _id():
    """An optional id of a record (bounded, so no id overflows the database's integer)."""
    return Field(None, ge=1, le=VERSION_MAX)


Note = capped(NOTE_MAX, _("The note"))
BankWords = capped(NOTE_MAX, _("The bank's words"))
Written = capped(LINE_MAX, _("The firm's written consent"))
Search = capped(NAME_MAX, _("The search"))
Name = capped(NAME_MAX, _("The name"))
Rule = capped(NOTE_MAX, _("The eligibility rule"))
Description = capped(NOTE_MAX, _("The description"))


class NeedIn(InputSchema):
    amount_wan: Amount
    term_months: int = Field(..., ge=1, le=360)
    purpose: str
    collateral: str
    urgency: str = "normal"
    note: Note = ""
    problem_id: int | None = _id()


class NeedMoveIn(InputSchema):
    to: str
    version: int = version_in()
    on: dt.date | None = None
    amount_wan: Amount | None = None
    rate_pct: Rate | None = None
    term_months: int | None = Field(None, ge=1, le=360)
    reason: str = ""
    note: BankWords = ""
    product_id: int | None = _id()


class ConsentIn(InputSchema):
    bank_id: int = Field(..., ge=1, le=VERSION_MAX)
    covers_figures: bool = False
    covers_contacts: bool = False
    written: Written = ""


class ConsentOut(Schema):
    id: int
    need_id: int
    bank_id: int
    bank: str
    covers_figures: bool
    covers_contacts: bool
    written: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class NeedOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    amount_wan: Decimal
    term_months: int
    purpose: str
    collateral: str
    urgency: str
    note: str
    status: str
    shared_on: dt.date | None
    respond_by: dt.date | None
    responded_on: dt.date | None
    overdue: bool
    bank_id: int | None
    approved_amount_wan: Decimal | None
    approved_rate_pct: Decimal | None
    approved_term_months: int | None
    decline_reason: str
    decline_note: str
    disbursed_on: dt.date | None
    disbursed_amount_wan: Decimal | None
    repaid_on: dt.date | None
    problem_id: int | None
    version: int


class ReasonOut(Schema):
    ok: bool | None
    text: str
    value: str


class MatchOut(Schema):
    product_id: int
    product: str
    bank: str
    outcome: str
    reasons: list[ReasonOut]


class NeedDetailOut(NeedOut):
    moves: list[str]
    consents: list[ConsentOut]
    figures: dict | None
    matches: list[MatchOut]


class NeedFilterIn(Schema):
    q: Search = ""
    status: str = ""
    overdue: bool = False
    enterprise_id: int | None = _id()


class ProductIn(InputSchema):
    name: Name = Field(..., min_length=1)
    type: str
    amount_min_wan: Amount = Decimal("0")
    amount_max_wan: Amount
    term_min_months: int = Field(1, ge=1, le=600)
    term_max_months: int = Field(..., ge=1, le=600)
    rate_kind: str = "fixed"
    rate_min_pct: Rate | None = None
    rate_max_pct: Rate | None = None
    lpr_spread_bp: int | None = Field(None, ge=-1000, le=5000)
    collateral: list[str] = []
    eligibility: Rule = "true"
    description: Description = ""
    valid_from: dt.date
    valid_to: dt.date | None = None


class ProductUpdateIn(ProductIn):
    version: int = version_in()


class ProductOut(Schema):
    id: int
    bank_id: int
    bank: str
    name: str
    type: str
    amount_min_wan: Decimal
    amount_max_wan: Decimal
    term_min_months: int
    term_max_months: int
    rate_kind: str
    rate_min_pct: Decimal | None
    rate_max_pct: Decimal | None
    lpr_spread_bp: int | None
    collateral: list[str]
    eligibility: str
    description: str
    valid_from: dt.date
    valid_to: dt.date | None
    version: int


class ProductFilterIn(Schema):
    q: Search = ""
    type: str = ""
    bank_id: int | None = _id()
    all: bool = False

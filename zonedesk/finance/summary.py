"""What the work summary says about bank–firm financing: plain data, no Django (the section in
reports/sections/finance.py words it; selectors.summary reads it from the stored rows)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zonedesk.finance.bridge_facts import BridgeFacts, LendingFacts


@dataclass(frozen=True)
class TypeLine:
    """Approved and disbursed needs of one product type in the period."""

    type: str  # a ProductType code ("other" for a need approved without a product)
    approved: int
    approved_wan: Decimal
    disbursed: int
    disbursed_wan: Decimal


@dataclass(frozen=True)
class FinanceFacts:
    needs: int  # shared with banks in the period
    needs_wan: Decimal
    firms: int  # firms that shared them
    approved: int  # approved in the period
    approved_wan: Decimal
    declined: int  # declined in the period
    disbursed: int  # disbursed in the period
    disbursed_wan: Decimal
    approval_rate: Decimal | None  # approved / (approved + declined) in the period, a fraction
    avg_response_days: Decimal | None  # working days, sharing to first response
    waiting_overdue: int  # on `day`: shared, no response, past the limit
    by_type: tuple[TypeLine, ...]
    decline_reasons: tuple[tuple[str, int], ...]  # (reason code, count), most first
    day: dt.date
    as_of: dt.datetime | None
    # The needs shared in the period answered by a bank / those shared (finance.stats), and the
    # median of their first responses in working days.
    take_up_rate: Decimal | None = None
    median_response_days: Decimal | None = None
    bridge: BridgeFacts | None = None  # the bridge-loan fund (reports/sections/finance_bridge)
    lending: LendingFacts | None = None  # lending between firms

    @property
    def empty(self) -> bool:
        needs = self.needs or self.approved or self.declined or self.disbursed
        bridge = self.bridge is not None and (self.bridge.count or self.bridge.overdue_count)
        lending = self.lending is not None and (self.lending.count or self.lending.circles)
        return not (needs or bridge or lending)

"""Financing statistics per bank, per product and for the zone: plain rows in, figures out, no
Django (definitions and sources: docs/statistics.md, "Financing statistics per bank and
product"). finance.selectors.stats reads the rows and the working-day calendar.

The figures are over a cohort: the needs shared with banks in the period (by `shared_on`), each
read as it stood at the period's end (`as_of`: a response, decision or disbursement after the end
does not count for the period), so that they add up: needs = unanswered + pending + approved +
declined, per bank and for the zone; the banks' `received` add up to the zone's `responded`
(with a row for responses whose bank was not recorded); the products' approvals add up to their
bank's; the months, the purposes and the product types add up to the totals."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

ZERO = Decimal(0)
NO_BANK = None  # the bank of a response recorded without one (entered on the bank's behalf)
NO_PRODUCT = "none"  # the product type of a need approved without a product


class Calendar(Protocol):
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...


@dataclass(frozen=True)
class NeedRow:
    """One need shared with banks, as the statistics read it."""

    need: int
    shared_on: dt.date
    amount_wan: Decimal
    purpose: str
    shared_with: frozenset[int]  # the banks holding the firm's consent
    responded_on: dt.date | None = None
    bank: int | None = None  # the bank that responded (handles it)
    product: int | None = None  # the product approved under
    product_type: str | None = None
    approved_wan: Decimal | None = None
    rate_pct: Decimal | None = None  # the approved annual rate
    declined: bool = False
    disbursed_wan: Decimal | None = None
    decided_on: dt.date | None = None  # the day approved or declined
    disbursed_on: dt.date | None = None

    @property
    def approved(self) -> bool:
        return self.approved_wan is not None

    @property
    def disbursed(self) -> bool:
        return self.disbursed_wan is not None

    @property
    def outcome(self) -> str:
        """unanswered, pending (responded, not decided), approved or declined."""
        if self.approved:
            return "approved"
        if self.declined:
            return "declined"
        return "pending" if self.responded_on is not None else "unanswered"


@dataclass
class Figures:
    """The figures of a group of needs (a bank's, a product's, a month's, the zone's)."""

    needs: int = 0
    requested_wan: Decimal = ZERO
    responded: int = 0
    unanswered: int = 0
    pending: int = 0
    approved: int = 0
    declined: int = 0
    approved_wan: Decimal = ZERO
    disbursed: int = 0
    disbursed_wan: Decimal = ZERO
    response_days: list[int] = field(default_factory=list)
    _rated_wan: Decimal = ZERO  # Σ approved amount of the approvals with a rate
    _rate_x_wan: Decimal = ZERO  # Σ rate × approved amount

    def add(self, row: NeedRow, days: int | None) -> None:
        self.needs += 1
        self.requested_wan += row.amount_wan
        outcome = row.outcome
        setattr(self, outcome, getattr(self, outcome) + 1)
        if row.responded_on is not None:
            self.responded += 1
            if days is not None:
                self.response_days.append(days)
        if row.approved:
            self.approved_wan += row.approved_wan
            if row.rate_pct is not None:
                self._rated_wan += row.approved_wan
                self._rate_x_wan += row.rate_pct * row.approved_wan
        if row.disbursed:
            self.disbursed += 1
            self.disbursed_wan += row.disbursed_wan

    @property
    def take_up_rate(self) -> Decimal | None:
        """Needs with a bank's response / needs shared (a fraction)."""
        return _ratio(self.responded, self.needs)

    @property
    def approval_rate(self) -> Decimal | None:
        """Approved / (approved + declined) (a fraction); None before any decision."""
        return _ratio(self.approved, self.approved + self.declined)

    @property
    def mean_response_days(self) -> Decimal | None:
        """Not shown (a few slow answers pull it far from the typical one): the median is the
        figure; kept for the recount's cross-check."""
        if not self.response_days:
            return None
        return (Decimal(sum(self.response_days)) / len(self.response_days)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def median_response_days(self) -> Decimal | None:
        days = sorted(self.response_days)
        if not days:
            return None
        mid = len(days) // 2
        value = Decimal(days[mid]) if len(days) % 2 else Decimal(days[mid - 1] + days[mid]) / 2
        return value.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def average_rate_pct(self) -> Decimal | None:
        """The approved annual rate weighted by the approved amount (%, 2 places)."""
        if not self._rated_wan:
            return None
        return (self._rate_x_wan / self._rated_wan).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _ratio(n: int, d: int) -> Decimal | None:
    return (Decimal(n) / d).quantize(Decimal("0.0001"), ROUND_HALF_UP) if d else None


@dataclass
class BankLine:
    bank: int | None  # None: responses recorded without a bank
    shared: int = 0  # needs shared with the bank (its consent)
    figures: Figures = field(default_factory=Figures)  # the needs the bank responded to
    products: dict = field(default_factory=dict)  # product id (None: no product) -> Figures


@dataclass
class Statistics:
    totals: Figures
    banks: list[BankLine]
    by_purpose: dict[str, Figures]
    by_type: dict[str, Figures]  # the approved needs by the type of their product
    by_month: dict[tuple[int, int], Figures]  # by the month of sharing


def as_of(row: NeedRow, end: dt.date) -> NeedRow:
    """The need as it stood at the end of `end`: a response after it is no response (nor a
    decision or disbursement: none comes before the response); a decision after it leaves the
    need pending; a disbursement after it is not one yet."""
    responded = row.responded_on is not None and row.responded_on <= end
    decided = responded and (row.decided_on is None or row.decided_on <= end)
    disbursed = decided and row.disbursed_wan is not None
    disbursed = disbursed and (row.disbursed_on is None or row.disbursed_on <= end)
    if responded and decided and (disbursed or row.disbursed_wan is None):
        return row
    return replace(
        row,
        responded_on=row.responded_on if responded else None,
        bank=row.bank if responded else None,
        product=row.product if decided else None,
        product_type=row.product_type if decided else None,
        approved_wan=row.approved_wan if decided else None,
        rate_pct=row.rate_pct if decided else None,
        declined=row.declined and decided,
        decided_on=row.decided_on if decided else None,
        disbursed_wan=row.disbursed_wan if disbursed else None,
        disbursed_on=row.disbursed_on if disbursed else None,
    )


def compute(rows: Iterable[NeedRow], calendar: Calendar, end: dt.date | None = None) -> Statistics:
    """Every figure of the needs `rows` (see the module's docstring) as they stood at `end` (the
    period's last day; None: as they stand); response times in working days by `calendar`: the
    working days after sharing up to and including the first response."""
    if end is not None:
        rows = [as_of(r, end) for r in rows]
    totals = Figures()
    banks: dict[int | None, BankLine] = {}
    purposes: dict[str, Figures] = {}
    types: dict[str, Figures] = {}
    months: dict[tuple[int, int], Figures] = {}
    for row in rows:
        days = (
            calendar.working_days_between(row.shared_on, row.responded_on)
            if row.responded_on is not None
            else None
        )
        totals.add(row, days)
        purposes.setdefault(row.purpose, Figures()).add(row, days)
        months.setdefault((row.shared_on.year, row.shared_on.month), Figures()).add(row, days)
        for b in row.shared_with:
            banks.setdefault(b, BankLine(b)).shared += 1
        if row.responded_on is not None:
            line = banks.setdefault(row.bank, BankLine(row.bank))
            line.figures.add(row, days)
            if row.approved:
                line.products.setdefault(row.product, Figures()).add(row, days)
        if row.approved:
            types.setdefault(row.product_type or NO_PRODUCT, Figures()).add(row, days)
    ordered = sorted(
        banks.values(), key=lambda b: (b.bank is None, -b.figures.approved_wan, b.bank or 0)
    )
    return Statistics(
        totals=totals,
        banks=ordered,
        by_purpose=purposes,
        by_type=dict(sorted(types.items(), key=lambda kv: (-kv[1].approved_wan, kv[0]))),
        by_month=dict(sorted(months.items())),
    )

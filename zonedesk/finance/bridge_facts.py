"""The plain figures the work summary's financing paragraph is written from
(reports/sections/finance_bridge.py): no Django, so the section stays a pure function.
finance.selectors.bridge.bridge_facts and finance.selectors.lending.lending_facts fill them."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class BridgeFacts:
    """The bridge loans of a zone's funds disbursed in a period (万元)."""

    fund_size_wan: Decimal
    count: int
    firms: int
    amount_wan: Decimal
    turnover: Decimal | None  # amount disbursed / fund size; None without a fund
    fees_wan: Decimal
    overdue_count: int  # out past their due date at the period's end
    overdue_wan: Decimal


@dataclass(frozen=True)
class LendingFacts:
    """The loans between firms registered with a contract date in a period, those above the
    legal rate ceiling, and the guarantee circles among the zone's firms at its end."""

    count: int
    amount_wan: Decimal
    above_ceiling: int
    above_ceiling_wan: Decimal
    circles: list[list[str]] = field(default_factory=list)  # the firms of each circle

"""How far the support measures reached a zone's or an area's firms, as plain data: what
`selectors.support` hands to reports.sections.support. Pure: no Django."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LevelCount:
    level: str  # PolicyDocument.Level
    label: str
    documents: int
    measures: int


@dataclass(frozen=True)
class SupportFacts:
    """Plain counts (reports.sections.support words them). Pairs are (firm, measure)."""

    levels: tuple[LevelCount, ...]  # measures in force in the period, province first
    firms_eligible: int  # firms qualifying for at least one measure
    eligible: int  # eligible pairs
    notified: int  # of them, the firm has been told (一条不漏)
    done: int  # received or declined by the firm (应享尽享)
    disbursed: int  # received, by the period's end
    disbursed_wan: Decimal
    disbursed_in_period: int  # received within the period
    disbursed_in_period_wan: Decimal
    owed: int  # eligible pairs whose benefit is still on its way
    owed_firms: int
    owed_wan: Decimal  # their estimated amount
    as_of: dt.datetime | None  # the newest decision or step read

    @property
    def measures(self) -> int:
        return sum(c.measures for c in self.levels)

    @property
    def empty(self) -> bool:
        return not (self.measures or self.eligible)

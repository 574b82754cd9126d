"""一企一员、一企一策 counted, as plain data: what `selectors.liaison` hands to
reports.sections.liaison. Pure: no Django."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class LiaisonFacts:
    """Plain counts (reports.sections.liaison words them)."""

    firms: int  # the scope's firms, closed ones left out
    with_officer: int  # of them, with a liaison officer (包联干部)
    officers: int  # distinct officers
    with_plan: int  # with a contact plan of their own
    at_risk: int  # of those, marked at risk (contacted twice as often)
    contacts: int  # visits and calls in the period
    visits: int  # of them, visits (on site, or the firm came)
    firms_contacted: int
    raised: int  # problems raised in the period
    resolved: int  # of those, resolved by `late_on`
    overdue: int  # problems waiting on the administration past their time limit on `late_on`
    actions: int  # actions of the firms' own plans due in the period
    actions_done: int
    late: int  # firms past their contact plan at the period's end (or today, if earlier)
    never_contacted: int  # of those, never contacted
    late_on: dt.date  # the day the open items are counted on: the period's end, or today
    as_of: dt.datetime | None  # the newest row read

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.raised or self.with_plan or self.actions)

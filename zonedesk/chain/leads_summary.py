"""What the work summary says about investment attraction: plain data, no Django (the section in
reports/sections/attraction.py words it; leads_selectors.attraction reads it from the stored
leads, activities and moves)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ChainSigned:
    """Leads signed in the period for one chain ("" for leads not placed on a chain)."""

    chain: str
    projects: int
    investment_wan: Decimal


@dataclass(frozen=True)
class ChainState:
    """The zones' chains in the period's last month (延链补链): their target nodes and how many
    have no confirmed local firm (缺链), too few (弱链) or one firm making most of the output
    (单点依赖), as the chain map flags them (docs/statistics.md, node health)."""

    month: dt.date  # the first day of the month
    chains: int
    target_nodes: int
    gaps: int
    weak: int
    single: int
    gap_names: tuple[str, ...]  # "chain·node" of every gap, in chain and node order


@dataclass(frozen=True)
class AttractionFacts:
    leads_worked: int  # leads with an activity or a move in the period
    new_leads: int  # added in the period
    visits: int  # visits logged in the period
    delegations: int  # delegations received or sent in the period
    meetings: int
    signed: int  # leads signed in the period (each a key project)
    signed_wan: Decimal  # their estimated investment
    by_chain: tuple[ChainSigned, ...]  # most investment first
    gaps_filled: tuple[str, ...]  # "chain·node" a lead signed in the period is to fill
    strengthened: tuple[str, ...]  # "chain·node" that has local firms already, a signed lead's
    landed: int  # leads landed (their project in production) in the period
    open_leads: int  # added by the period's end and open now (线索 to 洽谈)
    stale: int  # of them, stale on the period's last day (or today if sooner)
    by_region: tuple[tuple[str, int], ...]  # (region code, new leads), most first
    as_of: dt.datetime | None
    chains: ChainState | None = None  # None when the user reads no chain of the zones

    @property
    def empty(self) -> bool:
        return not (self.leads_worked or self.new_leads or self.signed or self.landed)

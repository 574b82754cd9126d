"""What the work summary says about key projects: plain data, no Django (the section in
reports/sections/projects.py words it; selectors.summary reads it from the stored rows)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LateNode:
    project: str
    node: str
    department: str  # "" when no department is in charge
    late_days: int  # calendar days past the planned date on the facts' day


@dataclass(frozen=True)
class ProjectFacts:
    projects: int  # signed by the period's end
    total_investment_wan: Decimal
    yearly_investment_wan: Decimal
    started: int  # 开工 done in the period
    completed: int  # 竣工验收 done in the period
    producing: int  # 投产 done in the period
    red: int  # open nodes past their planned date on `day`
    yellow: int  # open nodes due within `warn_days` working days of `day`
    day: dt.date  # the period's last day, or today if sooner
    warn_days: int
    late: tuple[LateNode, ...]  # the latest red nodes, most days late first (at most 5)
    as_of: dt.datetime | None
    # Monthly investment (projects/investment.py): completed in the period's months, and the
    # year's completion rate through the period's last month (None when the year has no plan).
    invest_done_wan: Decimal = Decimal(0)
    invest_rate: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.projects == 0

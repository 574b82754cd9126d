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
    # The guarantee item the node waits for: its category's code and its need ("120 亩"); ""
    # when none. `department` is then the item's department or utility: the delay is theirs.
    blocked_category: str = ""
    blocked_need: str = ""


@dataclass(frozen=True)
class DepartmentService:
    """One department's share of the service requests (servicelog.figures)."""

    department: str  # "" for the requests not yet handed to one
    requests: int
    responded: int
    resolved: int
    avg_response_hours: float | None
    avg_resolution_hours: float | None
    overdue: int


@dataclass(frozen=True)
class ServiceFacts:
    """The service requests (7x24) raised in a period (servicelog.figures)."""

    requests: int
    responded: int
    resolved: int
    avg_response_hours: float | None  # None when none was responded to
    avg_resolution_hours: float | None  # None when none was resolved
    overdue: int
    departments: tuple[DepartmentService, ...]


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
    # The denominator of `invest_rate`: the year's twelve monthly plans (not the project's undated
    # `yearly_investment_wan`, which the first sentence quotes), named so the reader can divide.
    invest_plan_wan: Decimal = Decimal(0)
    guarantees_done: int = 0  # element guarantee items done in the period
    guarantees_open: int = 0  # items not done by `day`
    guarantees_overdue: int = 0  # of those, due before `day`
    service: ServiceFacts | None = None  # the service requests raised in the period
    # Σ expected annual output at full production of the projects whose 投产 was in the period
    producing_output_wan: Decimal = Decimal(0)

    @property
    def empty(self) -> bool:
        return self.projects == 0

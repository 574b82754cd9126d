"""Plain data that monitoring's selectors hand to the sections that word it (reports.sections):
frozen dataclasses of pure values, no ORM, so a section imports this module without the models."""

from dataclasses import dataclass

from zonedesk.core.period import Period
from zonedesk.monitoring.indicators import MonthSummary
from zonedesk.monitoring.recovery import Recovery


@dataclass(frozen=True)
class StatusFacts:
    """What the status paragraph says: the scope's name, the month, its counts and sums, the
    names of the newly started firms and the recovery (`selectors.Status.facts`)."""

    scope: str
    period: Period
    summary: MonthSummary
    new_firms: tuple[str, ...]  # names, in the summary's order
    recovery: Recovery

"""Plain data that monitoring's selectors hand to the sections that word it (reports.sections):
frozen dataclasses of pure values, no ORM, so a section imports this module without the models."""

from dataclasses import dataclass

from zonedesk.core.period import Period
from zonedesk.monitoring.indicators import HaltedDays, MonthSummary
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
    halted: HaltedDays | None = None  # 平均停工天数 (None: not computed)
    resumed_firms: tuple[str, ...] = ()  # names of the resumed firms (the first few of them)
    size: str = "all"  # the size scope: all, above (规模以上), below
    newly_above: int = 0  # 新升规 firms of the year in the scope
    basis: str = "preliminary"  # 快报 (all submitted rows) or 审定 (confirmed rows only)
    unconfirmed: int = 0  # the month's reports not yet confirmed
    expected: int = 0  # firms expected to report the month (报送率 = reporting / expected)

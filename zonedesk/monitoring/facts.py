"""Plain data that monitoring's selectors hand to the sections that word it (reports.sections):
frozen dataclasses of pure values, no ORM, so a section imports this module without the models."""

from dataclasses import dataclass
from decimal import Decimal

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
    # The utility companies' readings against the base year's month, by kind ("power",
    # "water"), where both months have readings (none: the paragraph says nothing of them).
    utility: dict[str, "UtilityIndex"] | None = None
    # On 审定: expected firms whose report awaits confirmation (counted as not reported)
    awaiting: int = 0


@dataclass(frozen=True)
class UtilityIndex:
    """A scope's consumption of one utility in a month against the same month of the base year
    (before the epidemic), from the utility company's readings of the accounts recorded on the
    scope's firms (`selectors.utility_index`): “用电量恢复到疫情前的 X%”."""

    kind: str  # "power" or "water"
    period: Period
    base: Period  # the same month of the base year
    current: Decimal  # kWh or tonnes
    base_value: Decimal
    accounts: int  # readings this month
    base_accounts: int

    @property
    def share(self) -> Decimal:
        """current / base_value, a fraction (1.0523 for 105.23 %)."""
        return self.current / self.base_value

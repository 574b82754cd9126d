"""The monitoring app's tables, one module per subject; every model is importable from here."""

from zonedesk.monitoring.models.alerts import AlertAck
from zonedesk.monitoring.models.figures import (
    AnnualTarget,
    FigureEvent,
    ImportJob,
    MonthlyFigure,
    ZoneMonth,
    ZoneVersion,
)
from zonedesk.monitoring.models.permu import AnnualFigure, PerMuScheme
from zonedesk.monitoring.models.sizes import FirmSize, SizeThreshold
from zonedesk.monitoring.models.utility import (
    UTILITY_UNIT_FIELD,
    UtilityAccount,
    UtilityKind,
    UtilityReading,
    account_number_validator,
)

__all__ = [
    "UTILITY_UNIT_FIELD",
    "AlertAck",
    "AnnualFigure",
    "AnnualTarget",
    "FigureEvent",
    "FirmSize",
    "ImportJob",
    "MonthlyFigure",
    "PerMuScheme",
    "SizeThreshold",
    "UtilityAccount",
    "UtilityKind",
    "UtilityReading",
    "ZoneMonth",
    "ZoneVersion",
    "account_number_validator",
]

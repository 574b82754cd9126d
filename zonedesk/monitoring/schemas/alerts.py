"""The schemas of the early-warning alerts and their acknowledgements."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    ID_MAX,
    InputSchema,
)


class AlertFilterIn(InputSchema):
    zone: str = Field(
        "", description="one zone's code (default: every firm the user sees)", max_length=50
    )
    period: str | None = Field(
        None, description="YYYY-MM; default: the latest month with figures", max_length=20
    )
    who: str = Field("", description="mine (an officer's default) or all", max_length=10)
    officer: str = Field(
        "", description="the firms of one liaison officer (user name)", max_length=150
    )
    rule: str = Field(
        "", description="yoy_drop, declining, halted, missing or power_drift", max_length=20
    )
    state: str = Field("", description="open or acknowledged (default: both)", max_length=12)
    size: Literal["all", "above", "below"] = Field(
        "all",
        description="all firms, the above-size (规模以上) firms of the month's year, or the others",
    )
    basis: Literal["preliminary", "confirmed"] = Field(
        "preliminary",
        description="快报: every submitted report; 审定: confirmed reports only (an unconfirmed "
        "month counts as not reported)",
    )


class AlertItemOut(Schema):
    rule: str
    label: str
    severity: int = Field(description="3 high, 2 medium, 1 low")
    text: str = Field(description="the rule and the firm's numbers, in the request's language")
    numbers: dict[str, float | int | None]
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    note: str = ""


class AlertOut(Schema):
    enterprise_id: int
    enterprise: str
    credit_code: str
    zone: str | None
    officer: str | None
    period: str
    severity: int = Field(
        description="the highest among the warnings not yet acknowledged (0: none)"
    )
    warnings: list[AlertItemOut]


class AlertAckIn(InputSchema):
    enterprise_id: int = Field(ge=1, le=ID_MAX)
    period: str = Field(description="YYYY-MM", max_length=20)
    rule: str = Field(
        description="yoy_drop, declining, halted, missing or power_drift", max_length=20
    )
    note: str = Field(description="what was found or done", max_length=2000)
    basis: Literal["preliminary", "confirmed"] = Field(
        "preliminary", description="the basis of the list the warning was read on"
    )


class AlertAckOut(Schema):
    enterprise_id: int
    period: str
    rule: str
    note: str
    acknowledged_by: str | None
    acknowledged_at: dt.datetime


def alert_dict(firm, period) -> dict:
    """A firm's warnings as the API gives them (alert_selectors.FirmAlerts)."""
    return {
        "enterprise_id": firm.enterprise_id,
        "enterprise": firm.name,
        "credit_code": firm.credit_code,
        "zone": firm.zone.code if firm.zone else None,
        "officer": firm.officer.username if firm.officer else None,
        "period": str(period),
        "severity": firm.severity,
        "warnings": [
            {
                "rule": i.rule,
                "label": i.label,
                "severity": i.severity,
                "text": i.text,
                "numbers": i.numbers,
                "acknowledged_by": (i.ack.by.username if i.ack.by else None) if i.ack else None,
                "acknowledged_at": i.ack.at if i.ack else None,
                "note": i.ack.note if i.ack else "",
            }
            for i in firm.items
        ],
    }


def ack_dict(ack) -> dict:
    return {
        "enterprise_id": ack.enterprise_id,
        "period": f"{ack.period:%Y-%m}",
        "rule": ack.rule,
        "note": ack.note,
        "acknowledged_by": ack.by.username if ack.by else None,
        "acknowledged_at": ack.at,
    }

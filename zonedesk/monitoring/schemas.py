"""The monitoring API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import InputSchema


class ScopeOut(Schema):
    kind: str
    code: str
    name: str


class FirmRef(Schema):
    id: int
    name: str


class CapacityOut(Schema):
    band_pct: str
    level: int
    above: int
    below: int
    new: int
    new_firms: list[FirmRef]


class FigureTotalsOut(Schema):
    total: str
    firms: int
    last_year: str
    yoy_pct: str | None
    mom_pct: str | None
    new_firms_points: str | None
    existing_firms_points: str | None
    ytd_total: str
    ytd_last_year: str
    ytd_yoy_pct: str | None


class RecoveryOut(Schema):
    through_month: int
    target_pct: str | None
    catch_up_pct: str | None
    to_target_pct: str | None
    last_year_total: str
    actual_to_date: str
    last_year_to_date: str


class StatusOut(Schema):
    scope: ScopeOut
    period: str = Field(examples=["2020-06"])
    firms_expected: int
    firms_reported: int
    firms_producing: int
    firms_halted: int
    capacity: CapacityOut
    figures: dict[str, FigureTotalsOut]
    recovery: RecoveryOut
    not_reported: list[FirmRef]


class PeriodIn(Schema):
    period: str | None = Field(None, description="YYYY-MM; default: the latest month with figures")


class FigureIn(InputSchema):
    output_value_wan: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    employees: int = Field(ge=0, le=1_000_000)
    days_halted: int = Field(0, ge=0, le=31)
    revenue_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    electricity_kwh: int | None = Field(None, ge=0, le=10**13)
    water_t: int | None = Field(None, ge=0, le=10**12)
    export_value_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    orders_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    capacity_utilisation_pct: Decimal | None = Field(
        None, ge=0, le=200, max_digits=5, decimal_places=2
    )


class FigureOut(Schema):
    period: str
    output_value_wan: Decimal
    employees: int
    days_halted: int
    revenue_wan: Decimal | None
    electricity_kwh: int | None
    water_t: int | None
    export_value_wan: Decimal | None
    orders_wan: Decimal | None
    capacity_utilisation_pct: Decimal | None
    status: str
    submitted_at: dt.datetime | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_period(obj) -> str:
        return str(obj.month)

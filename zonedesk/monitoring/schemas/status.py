"""The schemas of the production status (生产监测) and of one firm's monthly figures."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    VERSION_HELP,
    InputSchema,
    Wan,
    decimal_input,
    version_in,
)
from zonedesk.monitoring import figures
from zonedesk.monitoring.indicators import CapacityClass, percent
from zonedesk.monitoring.indicators.year import STOCKS
from zonedesk.monitoring.selectors import Status


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
    new_firm_months: int | None = Field(
        description="a firm is new in this many months from its start of production"
    )
    resumed: int = Field(description="producing again: started earlier, no output a year earlier")
    resumed_firms: list[FirmRef]


class HaltedDaysOut(Schema):
    months: int = Field(description="January to the month: how many months it covers")
    firms: int = Field(description="firms producing in the month that were halted since January")
    days: int = Field(description="their days halted, January to the month, in all")
    average_days: int | None = Field(description="days ÷ firms, rounded half-up (平均停工天数)")
    average: str | None = Field(description="days ÷ firms, exact to 4 places")


class FigureTotalsOut(Schema):
    total: str
    firms: int
    last_year: str
    yoy_pct: str | None
    mom_pct: str | None = Field(
        description="环比: on the month before, over the firms that gave the figure in both months"
    )
    mom_firms: int = Field(description="the firms of 环比: the figure given in both months")
    new_firms_points: str | None
    resumed_firms_points: str | None
    existing_firms_points: str | None
    comparable_total: str = Field(description="可比口径: Σ over the same firms in both years")
    comparable_last_year: str
    comparable_firms: int
    comparable_yoy_pct: str | None
    ytd_total: str = Field(
        description="累计: Σ of months 1..t for a flow; for a stock (employees, orders_wan) "
        "its value at the end of month t"
    )
    ytd_last_year: str
    ytd_yoy_pct: str | None
    ytd_comparable_total: str = Field(
        description="累计 on the comparable basis (可比口径): Σ over months 1..t of each month's "
        "comparable firms (the figure in that month and the same month last year, new firms "
        "left out); for a stock the month's comparable total"
    )
    ytd_comparable_last_year: str
    ytd_comparable_yoy_pct: str | None


class RecoveryOut(Schema):
    through_month: int
    target_pct: str | None
    catch_up_pct: str | None
    to_target_pct: str | None
    last_year_total: str
    actual_to_date: str
    last_year_to_date: str


class UtilityIndexOut(Schema):
    base_period: str = Field(examples=["2019-06"])
    total: str = Field(description="kWh (power) or tonnes (water) this month")
    base_total: str
    accounts: int
    base_accounts: int
    share_pct: str = Field(description="total / base_total, in per cent (2 places)")
    source: str


class StatusOut(Schema):
    scope: ScopeOut
    period: str = Field(examples=["2020-06"])
    size: str = Field(description="the size scope: all, above or below")
    basis: str = Field(description="preliminary (快报) or confirmed (审定)")
    firms_unconfirmed: int = Field(description="the month's reports not yet confirmed")
    firms_awaiting_confirmation: int = Field(
        0,
        description=(
            "on the confirmed basis: expected firms whose report is submitted but not "
            "confirmed, counted as not reported (listed in not_reported); 0 on preliminary"
        ),
    )
    newly_above: list[FirmRef] = Field(description="新升规: newly above size this year")
    firms_expected: int
    firms_reported: int
    firms_producing: int
    firms_halted: int
    capacity: CapacityOut
    halted_days: HaltedDaysOut | None
    figures: dict[str, FigureTotalsOut]
    recovery: RecoveryOut
    not_reported: list["NotReportedOut"] = Field(
        description=(
            "expected firms left out of the month: no report, or (confirmed basis) a report "
            "awaiting confirmation"
        )
    )
    trend_incomplete: list["IncompleteMonthOut"] = Field(
        default_factory=list,
        description=(
            "confirmed basis: months of the last 25 whose totals leave out reports awaiting "
            "confirmation (incomplete, not a fall)"
        ),
    )
    utility: dict[str, "UtilityIndexOut"] = Field(
        default_factory=dict,
        description=(
            "power / water: the utility companies' readings of the firms' accounts against the "
            "same month of the base year (before the epidemic); a kind is absent without "
            "readings in both months"
        ),
    )


class NotReportedOut(Schema):
    id: int
    name: str
    awaiting_confirmation: bool = Field(
        False, description="submitted but not confirmed (confirmed basis only)"
    )


class IncompleteMonthOut(Schema):
    period: str = Field(examples=["2020-06"])
    awaiting_confirmation: int


class PeriodIn(Schema):
    period: str | None = Field(None, description="YYYY-MM; default: the latest month with figures")


class StatusIn(PeriodIn):
    size: Literal["all", "above", "below"] = Field(
        "all",
        description="all firms, the above-size (规模以上) firms of the month's year, or the others",
    )
    basis: Literal["preliminary", "confirmed"] = Field(
        "preliminary",
        description="快报: every submitted report; 审定: confirmed reports only",
    )


Percent = decimal_input(
    max_digits=5, decimal_places=2, le=200, pattern=r"^(200(\.0{1,2})?|1?\d{1,2}(\.\d{1,2})?)$"
)


class FigureIn(InputSchema):
    version: int | None = version_in(required=False)
    output_value_wan: Wan
    employees: int = Field(ge=0, le=1_000_000)
    days_halted: int = Field(0, ge=0, le=31)
    revenue_wan: Wan | None = None
    electricity_kwh: int | None = Field(None, ge=0, le=10**13)
    water_t: int | None = Field(None, ge=0, le=10**12)
    export_value_wan: Wan | None = None
    orders_wan: Wan | None = None
    capacity_utilisation_pct: Percent | None = None
    tax_wan: Wan | None = Field(None, description="Tax paid, 10k yuan (where the zone collects it)")
    energy_tce: Wan | None = Field(
        None, description="Energy use, tonnes of standard coal equivalent (tce)"
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
    tax_wan: Decimal | None
    energy_tce: Decimal | None
    status: str
    submitted_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    version: int = Field(description=VERSION_HELP)
    warnings: dict[str, str] = Field(
        default_factory=dict,
        description="kind -> message: figures accepted (never refused) but to be checked, e.g. "
        "halted_with_output (halted every day of the month, yet output reported)",
    )

    @staticmethod
    def resolve_period(obj) -> str:
        return str(obj.month)

    @staticmethod
    def resolve_warnings(obj) -> dict[str, str]:
        values = {"days_halted": obj.days_halted, "output_value_wan": obj.output_value_wan}
        return figures.warnings(values, obj.month.days)


# --- a month's status as JSON ---------------------------------------------------------------------
# A month's status as plain JSON-ready data: the API and `report status --json` share it.
#
# Rates are percentages rounded half-up to 2 places (as strings, so no float creeps in);
# amounts are exact decimals as strings.


def _pct(rate: Decimal | None) -> str | None:
    shown = percent(rate)
    return None if shown is None else str(shown)


def _num(value) -> str | None:
    return None if value is None else str(value)


def _halted(h) -> dict | None:
    if h is None:
        return None
    avg = h.average
    return {
        "months": h.months,
        "firms": h.firms,
        "days": h.days,
        "average_days": h.average_days,
        "average": None if avg is None else str(avg.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
    }


def status_dict(st: Status) -> dict:
    s, rec = st.summary, st.recovery
    return {
        "scope": {
            "kind": "zone" if st.scope.zone else "area",
            "code": st.scope.code,
            "name": st.scope.label,
        },
        "period": str(st.period),
        "size": st.size,
        "basis": st.basis,
        "firms_unconfirmed": st.unconfirmed,
        "newly_above": [{"id": f, "name": st.name(f)} for f in st.newly_above],
        "firms_expected": st.expected,
        "firms_reported": s.reporting,
        "firms_producing": s.producing,
        "firms_halted": len(s.halted),
        "capacity": {
            "band_pct": _pct(s.band),
            "level": s.count(CapacityClass.LEVEL),
            "above": s.count(CapacityClass.ABOVE),
            "below": s.count(CapacityClass.BELOW),
            "new": len(s.new_firms),
            "new_firms": [{"id": f, "name": st.name(f)} for f in s.new_firms],
            "new_firm_months": s.new_months,
            "resumed": len(s.resumed_firms),
            "resumed_firms": [{"id": f, "name": st.name(f)} for f in s.resumed_firms],
        },
        "halted_days": _halted(st.halted),
        "figures": {
            m: {
                "total": _num(a.current),
                "firms": a.firms,
                "last_year": _num(a.last_year),
                "yoy_pct": _pct(a.yoy),
                "mom_pct": _pct(a.mom),
                "mom_firms": a.mom_firms,
                "new_firms_points": _pct(a.new_part),
                "resumed_firms_points": _pct(a.resumed_part),
                "existing_firms_points": _pct(a.existing_part),
                "comparable_total": _num(a.comparable_current),
                "comparable_last_year": _num(a.comparable_last_year),
                "comparable_firms": a.comparable_firms,
                "comparable_yoy_pct": _pct(a.comparable_yoy),
                # A stock is not added up over months: its year to date is the month's value.
                "ytd_total": _num(a.current if m in STOCKS else st.ytd[m].current),
                "ytd_last_year": _num(a.last_year if m in STOCKS else st.ytd[m].last_year),
                "ytd_yoy_pct": _pct(a.yoy if m in STOCKS else st.ytd[m].yoy),
                "ytd_comparable_total": _num(st.ytd_comparable[m].current),
                "ytd_comparable_last_year": _num(st.ytd_comparable[m].last_year),
                "ytd_comparable_yoy_pct": _pct(st.ytd_comparable[m].yoy),
            }
            for m, a in s.aggregates.items()
        },
        "recovery": {
            "through_month": rec.through_month,
            "target_pct": _pct(rec.target),
            "catch_up_pct": _pct(rec.catch_up),
            "to_target_pct": _pct(rec.to_target),
            "last_year_total": _num(rec.last_year_total),
            "actual_to_date": _num(rec.actual_to_date),
            "last_year_to_date": _num(rec.last_year_to_date),
        },
        "firms_awaiting_confirmation": len(st.awaiting),
        "not_reported": [
            {"id": e.pk, "name": e.name, "awaiting_confirmation": awaiting}
            for e, awaiting in st.not_counted
        ],
        "trend_incomplete": [
            {"period": str(period), "awaiting_confirmation": n}
            for period, n in sorted(
                {
                    **{p.period.last_year: p.last_year_pending for p in st.trend},
                    **{p.period: p.pending for p in st.trend},
                }.items()
            )
            if n
        ],
        "utility": {
            kind: {
                "base_period": str(u.base),
                "total": _num(u.current),
                "base_total": _num(u.base_value),
                "accounts": u.accounts,
                "base_accounts": u.base_accounts,
                "share_pct": _pct(u.share),
                "source": "utility company readings",
            }
            for kind, u in st.utility.items()
        },
    }


# --- early warning ---------------------------------------------------------------------------

"""The monitoring API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    ID_MAX,
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


class UtilityIndexOut(Schema):
    base_period: str = Field(examples=["2019-06"])
    total: str = Field(description="kWh (power) or tonnes (water) this month")
    base_total: str
    accounts: int
    base_accounts: int
    share_pct: str = Field(description="total / base_total, in per cent (2 places)")
    source: str


StatusOut.model_rebuild()


class UtilityAccountsOut(Schema):
    power: list[str]
    water: list[str]
    version: int = Field(description="The firm's version (the accounts are part of the firm)")


AccountNumber = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{0,31}$", max_length=32)


class UtilityAccountsIn(InputSchema):
    power: list[Annotated[str, AccountNumber]] = Field(default_factory=list, max_length=100)
    water: list[Annotated[str, AccountNumber]] = Field(default_factory=list, max_length=100)
    version: int = version_in()


class UnmatchedOut(Schema):
    account_number: str
    account_name: str
    months: list[str]


class ImportFirmOut(Schema):
    id: int
    name: str
    credit_code: str


class FigureChangeOut(Schema):
    stored: str | int | None
    in_file: str | int | None


class OverwriteOut(Schema):
    enterprise: ImportFirmOut
    period: str
    source: Literal["confirmed", "own", "office"] = Field(
        description="confirmed: confirmed by the liaison officer (it goes back to submitted); "
        "own: the firm's own report; office: entered by the zone's staff"
    )
    changes: dict[str, FigureChangeOut] = Field(description="each changed figure, by field")


class ImportWarningOut(Schema):
    enterprise: ImportFirmOut
    warnings: dict[str, str] = Field(
        description="kind -> message: figures accepted (not refused) but to be checked"
    )


class MonthlyImportOut(Schema):
    dry_run: bool = Field(description="true: a preview, nothing was written")
    period: str
    created: int
    updated: int
    unchanged: int
    created_firms: list[ImportFirmOut]
    updated_firms: list[ImportFirmOut]
    unchanged_firms: list[ImportFirmOut]
    overwrites: list[OverwriteOut] = Field(
        default_factory=list,
        description="dry run only: the stored months the file would overwrite, confirmed ones "
        "and the firms' own reports first",
    )
    stored: str = Field(
        "",
        description="dry run only: the fingerprint of the month's stored figures; give it as "
        "`expected_stored` to the import so that it refuses if they changed in between",
    )
    warnings: list[ImportWarningOut] = Field(
        default_factory=list,
        description="dry run only: the firms whose month, as it would stand, is accepted but "
        "to be checked (e.g. halted_with_output: halted every day yet output reported)",
    )


class UtilityChangeOut(Schema):
    period: str
    account_number: str
    account_name: str
    change: Literal["new", "updated", "kept", "removed"]
    stored: str | None = Field(description="the stored quantity (none for a new reading)")
    in_file: str | None = Field(description="the file's quantity (none for kept or removed)")
    enterprise: str = Field(description="the zone's firm holding the account (empty: none)")


class UtilityImportOut(Schema):
    dry_run: bool = Field(False, description="true: a preview, nothing was written")
    kind: str
    periods: list[str]
    created: int
    updated: int
    unchanged: int
    removed: int = Field(description="Stored readings of the file's months removed (replace_month)")
    kept: int = Field(description="Stored readings of the file's months not in the file, kept")
    matched: int
    unmatched: list[UnmatchedOut] = Field(
        description="Readings kept whose account no firm of the zone holds"
    )
    changes: list[UtilityChangeOut] = Field(
        default_factory=list,
        description="dry run only: every reading added, updated, removed or kept (not in the "
        "file); unchanged ones are counted, not listed",
    )
    stored: str = Field(
        "",
        description="dry run only: the fingerprint of the stored readings compared; give it as "
        "`expected_stored` to the import so that it refuses if they changed in between",
    )


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


class AnnualIn(InputSchema):
    value_added_wan: Wan | None = Field(
        None, description="Value added (工业增加值), 10k yuan; none: output stands in for it"
    )
    rd_spending_wan: Wan | None = Field(None, description="R&D spending (研发经费支出), 10k yuan")


class AnnualOut(Schema):
    year: int
    value_added_wan: Decimal | None
    rd_spending_wan: Decimal | None


class PerMuFirmOut(Schema):
    id: int
    name: str
    credit_code: str
    grade: str | None = Field(description="A, B, C or D; none: not graded (see not_graded)")
    not_graded: str | None = Field(
        description=(
            "no_land, no_figures, closed, construction or not_producing (no output all year, "
            "未参评) when the firm is not graded"
        )
    )
    rank: int | None
    score: float | None
    last_year_grade: str | None
    output_as_value_added: bool = Field(
        description="True: no value added was reported; the year's output stands in for it"
    )
    tax_per_mu: float | None = Field(description="亩均税收, 10k yuan per mu")
    value_added_per_mu: float | None = Field(description="亩均增加值, 10k yuan per mu")
    value_added_per_tce: float | None = Field(description="单位能耗增加值, 10k yuan per tce")
    labour_productivity: float | None = Field(description="全员劳动生产率, 10k yuan per person")
    rd_share: float | None = Field(description="R&D 经费占比, R&D spending / revenue")


class PerMuOut(Schema):
    zone: str
    year: int
    scheme: str | None
    months: list[int] = Field(
        description="the months of the year with figures in the zone: the grading covers those"
    )
    complete_year: bool = Field(description="False: fewer than 12 months (a partial year)")
    distribution: dict[str, int] = Field(
        description=(
            "firms per grade A-D, not_producing (halted all year, 未参评) and none (the other "
            "firms not graded)"
        )
    )
    firms: list[PerMuFirmOut]


# --- above-size status (规模以上) ------------------------------------------------------------------


class SizeFilterIn(InputSchema):
    show: str = Field(
        "",
        description="above, below, newly_above (新升规), dropped (退规), overridden (set by hand) "
        "or no_basis (no revenue the year before); default: every firm",
        max_length=20,
    )


class SizeFirmOut(Schema):
    id: int
    name: str
    credit_code: str
    stored: bool = Field(
        description="whether a status of the year is stored; false: the registry flag stands"
    )
    basis_revenue_wan: Decimal | None = Field(
        description="Σ main business revenue of the year before, 10k yuan (null: none reported)"
    )
    basis_months: int = Field(description="how many months of the year before gave it")
    threshold_wan: Decimal | None = Field(description="the threshold the status was judged by")
    derived: bool | None = Field(description="above size by the threshold (null: no revenue)")
    override: Literal["above", "below"] | None = Field(description="the status set by hand")
    override_reason: str
    override_by: str | None = Field(description="who set it by hand (system: a command)")
    override_at: dt.datetime | None
    above: bool = Field(description="the effective status: set by hand, else derived, else kept")
    newly_above: bool = Field(description="新升规: above this year, below the year before")
    dropped: bool = Field(description="退规: below this year, above the year before")
    version: int = Field(description=VERSION_HELP + " 0: no status of the year is stored yet.")


class SizesOut(Schema):
    zone: str
    year: int
    threshold_wan: Decimal | None = Field(description="the threshold in force in the year")
    threshold_from_year: int | None
    counts: dict[str, int] = Field(description="firms per filter (the key all: every firm)")
    firms: list[SizeFirmOut]


class SizesDeriveOut(Schema):
    year: int
    threshold_wan: Decimal
    firms: int
    written: int = Field(description="statuses created or changed")
    changed: int = Field(description="firms whose effective status of the year moved")
    to_above: int
    to_below: int
    newly_above: int
    no_basis: int = Field(description="firms without revenue the year before: status kept")
    overridden: int = Field(description="statuses set by hand, kept over the derived value")
    summary: str


class SizeOverrideIn(InputSchema):
    status: Literal["above", "below", "clear"] = Field(
        description="above or below size, set by hand; clear: back to the derived status"
    )
    reason: str = Field("", description="why (required to set; at most 300 kept)", max_length=2000)
    version: int | None = version_in(required=False)


def size_firm_dict(row) -> dict:
    """A firm's status of the year as the API gives it (selectors.SizeRow)."""
    s = row.status
    return {
        "id": row.firm.pk,
        "name": row.firm.name,
        "credit_code": row.firm.credit_code,
        "stored": s is not None,
        "basis_revenue_wan": row.basis_revenue_wan,
        "basis_months": row.basis_months,
        "threshold_wan": s.threshold_wan if s else None,
        "derived": row.derived,
        "override": None if row.override is None else "above" if row.override else "below",
        "override_reason": s.override_reason if s else "",
        "override_by": row.set_by or None,
        "override_at": s.override_at if s and s.override is not None else None,
        "above": row.above,
        "newly_above": row.newly_above,
        "dropped": row.dropped,
        "version": row.version,
    }

"""Monthly figures and the month's status over the API (the same services and selectors as pages)."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.schemas import InputSchema
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import access, selectors, services
from zonedesk.monitoring.serialise import status_dict
from zonedesk.org.access import can_view_dashboard

router = Router(tags=["monitoring"])


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


def _period(raw: str | None, field: str = "period") -> Period | None:
    if raw is None:
        return None
    try:
        return Period.parse(raw)
    except ValueError as exc:
        raise ValidationFailed({field: [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}) from exc


def _status(request, scope, period_raw):
    if scope is None:
        raise NotFound(_("No such zone or area in your unit."))
    period = _period(period_raw) or selectors.latest_period(request.user, scope)
    if period is None:
        raise NotFound(_("No monthly figures yet."))
    return status_dict(selectors.status(request.user, scope, period))


def _dashboard_user(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))


@router.get("/zones/{code}/status", response=StatusOut)
def zone_status(request, code: str, query: Query[PeriodIn]):
    """The month's production status of a zone: every number of the status paragraph."""
    _dashboard_user(request)
    return _status(request, selectors.scope_for(request.user, zone=code), query.period)


@router.get("/areas/{code}/status", response=StatusOut)
def area_status(request, code: str, query: Query[PeriodIn]):
    """The same over every zone of a county, city or province."""
    _dashboard_user(request)
    return _status(request, selectors.scope_for(request.user, area=code), query.period)


def _firm(request, pk: int):
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    return enterprise


@router.get("/firms/{pk}/figures", response=list[FigureOut])
def list_figures(request, pk: int):
    """The firm's last 25 months, newest first."""
    return selectors.figure_history(request.user, enterprise=_firm(request, pk))


@router.put("/firms/{pk}/figures/{period}", response=FigureOut)
def put_figures(request, pk: int, period: str, payload: FigureIn):
    """Report (or correct) the firm's figures for a month."""
    month = _period(period)
    return services.figure_save(
        actor=request.user,
        enterprise=_firm(request, pk),
        period=month,
        data=services.FigureData(**payload.dict()),
    )


@router.post("/firms/{pk}/figures/{period}/confirm", response=FigureOut)
def confirm_figures(request, pk: int, period: str):
    """The liaison officer confirms what the firm reported."""
    enterprise = _firm(request, pk)
    figure = selectors.figure_get(request.user, enterprise=enterprise, period=_period(period))
    if figure is None:
        raise NotFound(_("No figures for that month."))
    if figure.status == figure.Status.CONFIRMED:
        # A second confirmation (a repeated request) is answered as it was before the flow
        # refused "confirmed" after "confirmed": with the figures, or 403 to whoever may not.
        if not access.can_confirm(request.user, enterprise):
            raise PermissionDenied()
        return figure
    return services.figure_confirm(actor=request.user, figure=figure)

"""Monthly figures and the month's status over the API (the same services and selectors as pages)."""

from django.utils.translation import gettext as _
from ninja import Query, Router

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import access, selectors, services
from zonedesk.monitoring.schemas import (
    FigureIn,
    FigureOut,
    StatusIn,
    StatusOut,
    status_dict,
)
from zonedesk.org.access import can_view_dashboard

router = Router(tags=["monitoring"])


def _period(raw: str | None, field: str = "period") -> Period | None:
    if raw is None:
        return None
    try:
        return Period.parse(raw)
    except ValueError as exc:
        raise ValidationFailed({field: [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}) from exc


def _status(request, scope, period_raw, size: str = "all", basis: str = "preliminary"):
    if scope is None:
        raise NotFound(_("No such zone or area in your unit."))
    period = _period(period_raw) or selectors.latest_period(request.user, scope)
    if period is None:
        raise NotFound(_("No monthly figures yet."))
    return status_dict(selectors.status(request.user, scope, period, size=size, basis=basis))


def _dashboard_user(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))


@router.get("/zones/{code}/status", response=StatusOut)
def zone_status(request, code: str, query: Query[StatusIn]):
    """The month's production status of a zone: every number of the status paragraph."""
    _dashboard_user(request)
    return _status(
        request, selectors.scope_for(request.user, zone=code), query.period, query.size, query.basis
    )


@router.get("/areas/{code}/status", response=StatusOut)
def area_status(request, code: str, query: Query[StatusIn]):
    """The same over every zone of a county, city or province."""
    _dashboard_user(request)
    return _status(
        request, selectors.scope_for(request.user, area=code), query.period, query.size, query.basis
    )


def _firm(request, pk: int):
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    return enterprise


@router.get("/firms/{pk}/figures", response=list[FigureOut])
def list_figures(request, pk: int):
    """The firm's last 25 months, newest first."""
    return selectors.figure_history(request.user, enterprise=_firm(request, pk))


@router.put("/firms/{pk}/figures/{period}", response={200: FigureOut, 409: ConflictOut})
def put_figures(request, pk: int, period: str, payload: FigureIn):
    """Report (or correct) the firm's figures for a month. `version`: the month's version as
    read (GET /firms/{pk}/figures), or none to report a month not yet reported; 409 if the
    month changed (or was reported by someone else) since."""
    month = _period(period)
    values = payload.dict()
    version = values.pop("version") or 0
    return services.figure_save(
        actor=request.user,
        enterprise=_firm(request, pk),
        period=month,
        data=services.FigureData(**values),
        expected_version=version,
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

"""Monthly figures and the month's status over the API (the same services and selectors as pages)."""

from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import Pagination
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import access, alert_selectors, alerts, selectors, services
from zonedesk.monitoring.schemas import (
    AlertAckIn,
    AlertAckOut,
    AlertFilterIn,
    AlertOut,
    FigureIn,
    FigureOut,
    PeriodIn,
    StatusOut,
    ack_dict,
    alert_dict,
    status_dict,
)
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import zone_get

router = Router(tags=["monitoring"])


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


# --- early warning ---------------------------------------------------------------------------


@router.get("/alerts", response=list[AlertOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_alerts(request, filters: Query[AlertFilterIn]):
    """The month's early warnings, most severe first: an officer's own firms by default
    (who=all: every firm the user sees), one zone's, or one officer's (officer=user name)."""
    _dashboard_user(request)
    f = filters.dict()
    errors = {}
    if f["who"] not in ("", "mine", "all"):
        errors["who"] = [_("Not one of: %(values)s.") % {"values": "mine, all"}]
    if f["rule"] and f["rule"] not in alerts.RULES:
        errors["rule"] = [_("Not one of: %(values)s.") % {"values": ", ".join(alerts.RULES)}]
    if f["state"] and f["state"] not in alert_selectors.STATES:
        errors["state"] = [
            _("Not one of: %(values)s.") % {"values": ", ".join(alert_selectors.STATES)}
        ]
    if errors:
        raise ValidationFailed(errors)
    period = _period(f["period"])
    zone = None
    if f["zone"]:
        zone = zone_get(request.user, code=f["zone"])
        if zone is None:
            raise NotFound(_("No such zone or area in your unit."))
    officer = None
    if f["officer"]:
        officer = alert_selectors.officer_get(request.user, username=f["officer"])
        if officer is None:
            raise NotFound(_("No liaison officer of that name in your unit."))
    mine = f["who"] == "mine" if f["who"] else alert_selectors.mine_by_default(request.user)
    if period is None:
        firms = alert_selectors.alert_firms(request.user, zone=zone, mine=mine, officer=officer)
        period = selectors.latest_period_of(firms)
        if period is None:
            return []
    rows = alert_selectors.alert_list(
        request.user,
        period=period,
        zone=zone,
        mine=mine,
        officer=officer,
        rule=f["rule"],
        state=f["state"],
    )
    return [alert_dict(r, period) for r in rows]


@router.post("/alerts/acknowledge", response={201: AlertAckOut})
def acknowledge_alert(request, payload: AlertAckIn):
    """Acknowledge one of a firm's warnings of a month with a note (the firm's liaison officer or
    a manager of its zone); acknowledging it again replaces the note."""
    _dashboard_user(request)
    period = _period(payload.period)
    enterprise = _firm(request, payload.enterprise_id)
    ack = services.alert_acknowledge(
        actor=request.user,
        enterprise=enterprise,
        period=period,
        rule=payload.rule,
        note=payload.note,
    )
    return HttpStatus(201, ack_dict(ack))

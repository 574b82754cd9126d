"""Monthly figures and the month's status over the API (the same services and selectors as pages)."""

from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
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
    AnnualIn,
    AnnualOut,
    FigureIn,
    FigureOut,
    MonthlyImportOut,
    PerMuOut,
    SizeFilterIn,
    SizeFirmOut,
    SizeOverrideIn,
    SizesDeriveOut,
    SizesOut,
    StatusIn,
    StatusOut,
    UtilityAccountsIn,
    UtilityAccountsOut,
    UtilityImportOut,
    ack_dict,
    alert_dict,
    size_firm_dict,
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


def _firm_refs(firms) -> list[dict]:
    return [{"id": f.id, "name": f.name, "credit_code": f.credit_code} for f in firms]


@router.post("/zones/{code}/figures/{period}/import", response=MonthlyImportOut)
def import_monthly(
    request,
    code: str,
    period: str,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's idiom
    dry_run: bool = False,
    expected_stored: str | None = None,
):
    """The zone's month from the template's sheet (one row per firm, keyed by credit code):
    every row or none (400 with every problem's sheet, row, column, value and reason).

    `?dry_run=true` is the page's preview: nothing is written; the firms whose month would be
    created, updated or left unchanged, and each stored month the file would overwrite with
    its figures stored and in the file and who stands behind it (`source`: confirmed, the
    firm's own report, the office's), and the stored months' fingerprint in `stored`. Pass it
    back as `expected_stored` and the import refuses (400, nothing written) if a firm
    reported, an officer confirmed or another upload landed since."""
    month = _period(period)
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    if file.size > settings.ZONEDESK["IMPORT_MAX_BYTES"]:
        raise ValidationFailed({"file": [_("The file is larger than the import limit.")]})
    if dry_run:
        preview = services.monthly_import_preview(
            actor=request.user, zone=zone, period=month, fileobj=file.read()
        )
        return {
            "dry_run": True,
            "period": str(month),
            "created": len(preview.created),
            "updated": len(preview.overwrites),
            "unchanged": len(preview.unchanged),
            "created_firms": _firm_refs(preview.created),
            "updated_firms": _firm_refs(o.firm for o in preview.overwrites),
            "unchanged_firms": _firm_refs(preview.unchanged),
            "overwrites": [
                {
                    "enterprise": _firm_refs([o.firm])[0],
                    "period": str(o.period),
                    "source": o.source,
                    "changes": {
                        k: {"stored": old, "in_file": new} for k, (old, new) in o.changes.items()
                    },
                }
                for o in preview.overwrites
            ],
            "stored": preview.stored,
            "warnings": [
                {"enterprise": _firm_refs([f])[0], "warnings": found}
                for f, found, _values in preview.warnings
            ],
        }
    result = services.monthly_import(
        actor=request.user,
        zone=zone,
        period=month,
        fileobj=file.read(),
        expected_stored=expected_stored or None,
    )
    return {
        "dry_run": False,
        "period": str(month),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "created_firms": _firm_refs(result.created_firms),
        "updated_firms": _firm_refs(result.updated_firms),
        "unchanged_firms": _firm_refs(result.unchanged_firms),
    }


# --- early warning ---------------------------------------------------------------------------


@router.get("/alerts", response=list[AlertOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_alerts(request, filters: Query[AlertFilterIn]):
    """The month's early warnings, most severe first: an officer's own firms by default
    (who=all: every firm the user sees), one zone's, or one officer's (officer=user name);
    `size` and `basis` are the dashboard's scope (the page's switches): the above-size
    (规模以上) firms of the month's year or the others, and 快报 (every submitted report) or
    审定 (confirmed reports only)."""
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
        size=f["size"],
        basis=f["basis"],
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
        basis=payload.basis,
    )
    return HttpStatus(201, ack_dict(ack))


@router.get("/firms/{pk}/utility-accounts", response=UtilityAccountsOut)
def get_utility_accounts(request, pk: int):
    """The firm's power and water account numbers (户号) and the firm's version."""
    enterprise = _firm(request, pk)
    accounts = selectors.utility_accounts(request.user, enterprise=enterprise)
    return {**accounts, "version": enterprise.version}


@router.put("/firms/{pk}/utility-accounts", response={200: UtilityAccountsOut, 409: ConflictOut})
def put_utility_accounts(request, pk: int, payload: UtilityAccountsIn):
    """Replace the firm's power and water account numbers; `version`: the firm's, as read
    (409 if the firm changed since). A number another firm holds is refused (400)."""
    enterprise = _firm(request, pk)
    services.utility_accounts_set(
        actor=request.user,
        enterprise=enterprise,
        power=payload.power,
        water=payload.water,
        expected_version=payload.version,
    )
    accounts = selectors.utility_accounts(request.user, enterprise=enterprise)
    return {**accounts, "version": enterprise.version}


def _utility_result(result, **extra) -> dict:
    return {
        "kind": result.kind,
        "periods": [str(p) for p in result.periods],
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "kept": result.kept,
        "matched": result.matched,
        "unmatched": [
            {
                "account_number": u.account_number,
                "account_name": u.account_name,
                "months": [str(p) for p in u.months],
            }
            for u in result.unmatched
        ],
        **extra,
    }


def _plain(value) -> str | None:
    return None if value is None else str(value)


@router.post("/zones/{code}/utility/{kind}/import", response=UtilityImportOut)
def import_utility(
    request,
    code: str,
    kind: Literal["power", "water"],
    file: UploadedFile = File(...),  # noqa: B008 - ninja's idiom
    replace_month: bool = False,
    dry_run: bool = False,
    expected_stored: str | None = None,
):
    """The power or water company's monthly readings of the zone's accounts, as they send
    them: every row or none (400 with every problem's sheet, row, column, value and reason).
    The file's readings replace those stored for the same accounts and months; the other
    stored readings of its months are kept (`kept`), or removed with `?replace_month=true`
    (`removed`: each month becomes exactly the file). Accounts no firm of the zone holds are
    kept and listed in `unmatched`.

    `?dry_run=true` is the page's preview: the same checks and counts, nothing written, with
    every reading that would change in `changes` and the stored readings' fingerprint in
    `stored`; pass it back as `expected_stored` and the import refuses (400, nothing written)
    if the stored readings changed since the preview."""
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    if file.size > settings.ZONEDESK["IMPORT_MAX_BYTES"]:
        raise ValidationFailed({"file": [_("The file is larger than the import limit.")]})
    if dry_run:
        preview = services.utility_import_preview(
            actor=request.user, zone=zone, kind=kind, fileobj=file.read()
        )
        changes = [
            {
                "period": str(r.period),
                "account_number": r.account_number,
                "account_name": r.account_name,
                "change": r.change,
                "stored": _plain(r.old),
                "in_file": _plain(r.new),
                "enterprise": r.firm,
            }
            for r in preview.changes(replace_month=replace_month)
        ]
        return _utility_result(
            preview.result(replace_month=replace_month),
            dry_run=True,
            changes=changes,
            stored=preview.stored,
        )
    result = services.utility_import(
        actor=request.user,
        zone=zone,
        kind=kind,
        fileobj=file.read(),
        replace_month=replace_month,
        expected_stored=expected_stored or None,
    )
    return _utility_result(result)


@router.put("/firms/{pk}/annual/{int:year}", response=AnnualOut)
def put_annual(request, pk: int, year: int, payload: AnnualIn):
    """The firm's yearly value added and R&D spending (the per-mu evaluation reads them)."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": [_("A year between 2000 and 2100.")]})
    return services.annual_figure_save(
        actor=request.user, enterprise=_firm(request, pk), year=year, **payload.dict()
    )


@router.get("/zones/{code}/permu/{int:year}", response=PerMuOut)
def zone_permu(request, code: str, year: int):
    """The zone's per-mu (亩均效益) grades for a year, with each firm's indicators."""
    _dashboard_user(request)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": [_("A year between 2000 and 2100.")]})
    scope = selectors.scope_for(request.user, zone=code)
    report = selectors.permu_report(request.user, scope.zone, year) if scope else None
    if report is None:
        raise NotFound(_("No such zone or area in your unit."))
    return {
        "zone": report.zone.code,
        "year": year,
        "scheme": report.scheme.name if report.scheme else None,
        "months": list(report.months),
        "complete_year": report.complete_year,
        "distribution": report.distribution,
        "firms": [
            {
                "id": r.firm.pk,
                "name": r.firm.name,
                "credit_code": r.firm.credit_code,
                "grade": r.evaluation.grade,
                "not_graded": r.evaluation.not_graded,
                "rank": r.evaluation.rank,
                "score": r.evaluation.score,
                "last_year_grade": r.last_grade,
                "output_as_value_added": r.evaluation.output_as_value_added,
                **r.evaluation.indicators,
            }
            for r in report.rows
        ],
    }


# --- above-size status (规模以上) ------------------------------------------------------------------


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": [_("A year between 2000 and 2100.")]})
    return year


def _size_zone(request, code: str):
    _dashboard_user(request)
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    return zone


@router.get("/zones/{code}/sizes/{int:year}", response=SizesOut)
def zone_sizes(request, code: str, year: int, query: Query[SizeFilterIn]):
    """Every firm's above-size status (规模以上) of the year: the revenue of the year before it
    was judged on, the threshold, the derived and hand-set status, the effective one, 新升规 and
    退规; `show` narrows the list (the counts are the whole zone's)."""
    zone = _size_zone(request, code)
    _year(year)
    if query.show and query.show not in selectors.SIZE_FILTERS:
        raise ValidationFailed(
            {"show": [_("Not one of: %(values)s.") % {"values": ", ".join(selectors.SIZE_FILTERS)}]}
        )
    report = selectors.size_report(request.user, zone, year)
    if report is None:
        raise NotFound(_("No such zone or area in your unit."))
    counts = report.counts()
    return {
        "zone": zone.code,
        "year": year,
        "threshold_wan": report.threshold.revenue_wan if report.threshold else None,
        "threshold_from_year": report.threshold.from_year if report.threshold else None,
        "counts": {key or "all": n for key, n in counts.items()},
        "firms": [size_firm_dict(r) for r in report.rows if r.shown_by(query.show)],
    }


@router.post("/zones/{code}/sizes/{int:year}/derive", response=SizesDeriveOut)
def derive_sizes(request, code: str, year: int):
    """Derive the zone's above-size statuses of the year from each firm's main business revenue
    of the year before (the zone's managers); statuses set by hand are kept."""
    zone = _size_zone(request, code)
    result = services.sizes_derive(actor=request.user, zone=zone, year=_year(year))
    return {
        "year": result.year,
        "threshold_wan": result.threshold_wan,
        "firms": result.firms,
        "written": result.written,
        "changed": result.changed,
        "to_above": result.to_above,
        "to_below": result.to_below,
        "newly_above": result.newly_above,
        "no_basis": result.no_basis,
        "overridden": result.overridden,
        "summary": result.summary(),
    }


@router.put("/firms/{pk}/sizes/{int:year}/override", response={200: SizeFirmOut, 409: ConflictOut})
def override_size(request, pk: int, year: int, payload: SizeOverrideIn):
    """Set the firm's above-size status of the year by hand (above or below, with the reason),
    or clear the hand setting (the derived status applies again). `version`: the status's
    version as read (GET /zones/{code}/sizes/{year}; 0 or none when none was stored); 409 if
    it was set by hand since."""
    _dashboard_user(request)
    enterprise = _firm(request, pk)
    services.size_override(
        actor=request.user,
        enterprise=enterprise,
        year=_year(year),
        above={"above": True, "below": False, "clear": None}[payload.status],
        reason=payload.reason,
        expected_version=payload.version or 0,
    )
    return size_firm_dict(selectors.size_row(request.user, enterprise, year))

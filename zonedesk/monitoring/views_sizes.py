"""The above-size (规模以上) page of a zone and year: each firm's basis, threshold, derived and
hand-set status, 新升规 and 退规; deriving the year, setting a firm's status by hand, the export
(the same selector and services as the API and the `sizes` command)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import access, selectors, services
from zonedesk.monitoring.forms import SizeOverrideForm, SizesDeriveForm
from zonedesk.monitoring.views import _zone

YEARS = range(2000, 2101)


def filter_labels() -> list[tuple[str, str]]:
    return [
        ("", _("All")),
        ("above", _("Above designated size")),
        ("below", _("Below designated size")),
        ("newly_above", _("Newly above size (新升规)")),
        ("dropped", _("Dropped below size (退规)")),
        ("overridden", _("Set by hand")),
        ("no_basis", _("No main business revenue the year before")),
    ]


def _year(request, zone) -> int:
    """The year asked for, else the year of the zone's latest figures, else this year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in YEARS:
        return int(raw)
    latest = selectors.latest_period(request.user, selectors.Scope.of_zone(zone))
    year = latest.year if latest else timezone.localdate().year
    if raw:
        messages.warning(
            request,
            _("“%(value)s” is not a year from 2000 to 2100: showing %(year)d.")
            % {"value": raw[:20], "year": year},
        )
    return year


def _show(request) -> str:
    show = request.GET.get("show", "")
    return show if show in selectors.SIZE_FILTERS else ""


def _list_url(zone, year: int, show: str = "", anchor: str = "") -> str:
    query = urlencode({k: v for k, v in (("zone", zone.code), ("year", year), ("show", show)) if v})
    return reverse("monitoring:sizes") + "?" + query + anchor


@login_required
def size_list(request):
    zone = _zone(request)
    year = _year(request, zone)
    report = found(selectors.size_report(request.user, zone, year))
    show = _show(request)
    counts = report.counts()
    return render(
        request,
        "monitoring/sizes.html",
        {
            "report": report,
            "zone": zone,
            "year": year,
            "last_year": year - 1,
            "rows": [r for r in report.rows if r.shown_by(show)],
            "show": show,
            "filters": [(key, label, counts[key]) for key, label in filter_labels()],
            "query": urlencode({"zone": zone.code, "year": year, "show": show}),
            "can_set": access.can_set_size(request.user, zone),
        },
    )


@login_required
def size_export(request):
    zone = _zone(request)
    year = _year(request, zone)
    report = found(selectors.size_report(request.user, zone, year))
    show = _show(request)

    def yes(value) -> str:
        return "" if value is None else _("Yes") if value else _("No")

    cols = [
        Column(_("Enterprise name"), 30, "text"),
        Column(_("Unified social credit code"), 22, "text"),
        Column(_("Main business revenue of the year before (10k yuan)"), 16, "wan"),
        Column(_("Months reported"), 8, "int"),
        Column(_("Threshold (10k yuan)"), 12, "wan"),
        Column(_("Above size by the threshold"), 12),
        Column(_("Set by hand"), 12),
        Column(_("Reason"), 40, "text"),
        Column(_("Set by"), 12),
        Column(_("Set at"), 17),
        Column(_("Above designated size"), 12),
        Column(_("Newly above size (新升规)"), 10),
        Column(_("Dropped below size (退规)"), 10),
    ]
    rows = [
        [
            r.firm.name,
            r.firm.credit_code,
            r.basis_revenue_wan,
            r.basis_months if r.basis_revenue_wan is not None else None,
            r.status.threshold_wan if r.status else None,
            yes(r.derived),
            yes(r.override),
            r.status.override_reason if r.status else "",
            r.set_by,
            timezone.localtime(r.status.override_at).strftime("%Y-%m-%d %H:%M")
            if r.status and r.status.override is not None and r.status.override_at
            else "",
            yes(r.above),
            yes(r.newly_above),
            yes(r.dropped),
        ]
        for r in report.rows
        if r.shown_by(show)
    ]
    return export_response(
        request,
        [(_("Above-size status"), cols, rows)],
        _("above-size-%(zone)s-%(year)d.xlsx") % {"zone": zone.code, "year": year},
        what="above-size status",
    )


@login_required
@require_POST
def size_derive(request):
    """Derive the year's statuses of the zone; back to the list with what changed."""
    zone = _zone(request)
    if not access.can_set_size(request.user, zone):
        raise HttpForbidden
    form = SizesDeriveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("year", []):
            messages.error(request, f"{form.fields['year'].label}: {error}")
        return redirect(_list_url(zone, timezone.localdate().year))
    year = form.cleaned_data["year"]
    try:
        result = services.sizes_derive(actor=request.user, zone=zone, year=year)
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, result.summary())
    return redirect(_list_url(zone, year))


@login_required
@require_http_methods(["GET", "POST"])
def size_override(request, pk: int, year: int):
    """Set a firm's status of the year by hand (above or below, with the reason), or clear the
    hand setting; a stale form (set by someone else since) is shown again beside theirs."""
    if year not in YEARS:
        raise Http404
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_set_size(request.user, enterprise.zone):
        raise HttpForbidden
    row = found(selectors.size_row(request.user, enterprise, year))
    initial = {
        "status": SizeOverrideForm.status_of(row.override),
        "reason": row.status.override_reason if row.status else "",
    }
    form = SizeOverrideForm(request.POST or None, initial=initial, version=row.version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.size_override(
                    actor=request.user,
                    enterprise=enterprise,
                    year=year,
                    above=form.above,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except StaleVersion as exc:
                now = selectors.size_row(request.user, enterprise, year)
                form.show_conflict(
                    exc,
                    {
                        "status": SizeOverrideForm.status_of(now.override),
                        "reason": now.status.override_reason if now.status else "",
                    },
                )
                status = 409
            else:
                messages.success(
                    request,
                    _("The above-size status of %(name)s for %(year)d was saved.")
                    % {"name": enterprise.name, "year": year},
                )
                return redirect(_list_url(enterprise.zone, year, anchor=f"#firm-{enterprise.pk}"))
    return render(
        request,
        "monitoring/size_override.html",
        {
            "enterprise": enterprise,
            "year": year,
            "row": row,
            "form": form,
            "back": _list_url(enterprise.zone, year, anchor=f"#firm-{enterprise.pk}"),
        },
        status=status,
    )

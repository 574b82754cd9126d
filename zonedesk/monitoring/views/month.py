"""The month's firm table and its Excel file, a firm's figures (entry, confirmation) and the
zone's confirmation in bulk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.monitoring import access, figures, imports, selectors, services
from zonedesk.monitoring.forms import FigureForm
from zonedesk.monitoring.services import FIGURE_FIELDS
from zonedesk.monitoring.views.common import _firm, _month, _next, _period, _query, _zone


@login_required
def month_table(request):
    zone = _zone(request)
    scope = selectors.Scope.of_zone(zone)
    period = _period(request, scope)
    show = request.GET.get("show", "")
    show = show if show in selectors.FIRM_FILTERS else ""
    every = selectors.month_rows(request.user, zone, period)
    rows = selectors.shown(every, show)
    confirmable, bulk, flagged = _confirmable(request, every)
    editable = {r.enterprise.pk for r in rows if access.can_report(request.user, r.enterprise)}
    return render(
        request,
        "monitoring/month.html",
        {
            "zone": zone,
            "period": period,
            "rows": rows,
            "show": show,
            "filters": _filter_labels(),
            "query": _query(scope, period),
            "confirmable": confirmable,
            "bulk": bulk,
            "flagged": flagged,
            "editable": editable,
            "can_import": access.can_import(request.user, zone),
        },
    )


def _filter_labels():
    return [
        ("", _("All")),
        ("above", _("Above last year")),
        ("level", _("Level with last year")),
        ("below", _("Below last year")),
        ("new", _("Newly started")),
        ("resumed", _("Resumed after a halt")),
        ("unusual", _("Unusual change (±50 %)")),
        ("halted", _("Not producing")),
        ("missing", _("Not reported")),
        ("submitted", _("Awaiting confirmation")),
        ("confirmed", _("Confirmed")),
    ]


@login_required
def month_export(request):
    zone = _zone(request)
    period = _period(request, selectors.Scope.of_zone(zone))
    cols, rows = imports.export_rows(request.user, zone, period)
    return export_response(
        request,
        [(imports.sheet_name(), cols, rows)],
        _("figures-%(zone)s-%(period)s.xlsx") % {"zone": zone.code, "period": period},
        what="monthly figures",
    )


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request, pk: int, period: str):
    enterprise = _firm(request, pk)
    month = _month(period)
    if not access.can_report(request.user, enterprise):
        raise HttpForbidden
    figure = selectors.figure_get(request.user, enterprise=enterprise, period=month)
    form = FigureForm(
        request.POST or None, instance=figure, period=month, version=figure.version if figure else 0
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.figure_save(
                    actor=request.user,
                    enterprise=enterprise,
                    period=month,
                    data=services.FigureData(**{k: form.cleaned_data[k] for k in FIGURE_FIELDS}),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except StaleVersion as exc:
                figure = selectors.figure_get(request.user, enterprise=enterprise, period=month)
                form.show_conflict(exc, {k: getattr(figure, k) for k in FIGURE_FIELDS})
                status = 409
            else:
                messages.success(
                    request,
                    _("The figures of %(name)s for %(period)s were saved.")
                    % {"name": enterprise.name, "period": month},
                )
                values = {k: form.cleaned_data[k] for k in FIGURE_FIELDS}
                for warning in figures.warnings(values, month.days).values():
                    messages.warning(request, warning)
                if selectors.output_unusual(request.user, enterprise=enterprise, period=month):
                    messages.warning(
                        request,
                        _(
                            "Output differs from last month or from the same month last year by "
                            "more than half: please check the figure (e.g. 万元, not 元)."
                        ),
                    )
                return redirect(_next(request, enterprise.get_absolute_url()))
    return render(
        request,
        "monitoring/figure_form.html",
        {
            "enterprise": enterprise,
            "period": month,
            "form": form,
            "figure": figure,
            "reference": selectors.reference_months(
                request.user, enterprise=enterprise, period=month
            ),
            "next": _next(request, ""),
        },
        status=status,
    )


@login_required
@require_POST
def figure_confirm(request, pk: int, period: str):
    enterprise = _firm(request, pk)
    figure = found(selectors.figure_get(request.user, enterprise=enterprise, period=_month(period)))
    if not access.can_confirm(request.user, enterprise):
        raise HttpForbidden
    version = request.POST.get("version", "")
    if figure.status != figure.Status.CONFIRMED:  # confirmed already: a second click
        try:
            services.figure_confirm(
                actor=request.user,
                figure=figure,
                expected_version=int(version) if version.isdigit() else None,
            )
        except StaleVersion as exc:
            messages.error(request, exc.message)
            return redirect(_next(request, enterprise.get_absolute_url()))
    messages.success(request, _("Confirmed."))
    return redirect(_next(request, enterprise.get_absolute_url()))


def _confirmable(request, every):
    """(the firms whose submitted report the user may confirm, the rows "confirm all" takes,
    the rows it leaves for one-by-one review: output ±50 % on last month or last year)."""
    confirmable = {
        r.enterprise.pk
        for r in every
        if r.figure is not None
        and r.figure.status == "submitted"
        and access.can_confirm(request.user, r.enterprise)
    }
    mine = [r for r in every if r.enterprise.pk in confirmable]
    return confirmable, [r for r in mine if not r.unusual], [r for r in mine if r.unusual]


def _confirm_zone_period(request):
    zone = _zone(request)
    if not access.can_confirm_in(request.user, zone):
        raise HttpForbidden
    try:
        period = Period.parse(request.GET.get("period") or request.POST.get("period", ""))
    except ValueError:
        return zone, None
    return zone, period


@login_required
def confirm_all_ask(request):
    """The confirmation step of "confirm all": the reports it will confirm, and the flagged
    ones it leaves for one-by-one review, with the reason; the form posts the firms shown."""
    zone, period = _confirm_zone_period(request)
    if period is None:
        return HttpResponseBadRequest(_("Not a month: write YYYY-MM, e.g. 2020-06."))
    _confirmable_ids, bulk, flagged = _confirmable(
        request, selectors.month_rows(request.user, zone, period)
    )
    scope = selectors.Scope.of_zone(zone)
    return render(
        request,
        "monitoring/confirm_all.html",
        {
            "zone": zone,
            "period": period,
            "bulk": bulk,
            "flagged": flagged,
            "back": reverse("monitoring:month") + "?" + _query(scope, period),
        },
    )


@login_required
@require_POST
def confirm_all(request):
    """Confirm the reports listed on the confirmation step (a post without them asks first)."""
    zone, period = _confirm_zone_period(request)
    if period is None:
        return HttpResponseBadRequest(_("Not a month: write YYYY-MM, e.g. 2020-06."))
    scope = selectors.Scope.of_zone(zone)
    firms = {int(v) for v in request.POST.getlist("firm") if v.isdigit()}
    if not firms:
        return redirect(reverse("monitoring:confirm_all_ask") + "?" + _query(scope, period))
    done = services.figures_confirm(
        actor=request.user, zone=zone, period=period, enterprise_ids=firms
    )
    _ids, _bulk, flagged = _confirmable(request, selectors.month_rows(request.user, zone, period))
    messages.success(request, _("%(count)d firms' figures confirmed.") % {"count": done})
    if flagged:
        messages.warning(
            request,
            ngettext(
                "%(count)d report flagged “Check” was not confirmed: its output differs from last "
                "month or last year by more than half; check it and confirm it on its own.",
                "%(count)d reports flagged “Check” were not confirmed: their output differs from "
                "last month or last year by more than half; check them and confirm them one by "
                "one.",
                len(flagged),
            )
            % {"count": len(flagged)},
        )
    return redirect(reverse("monitoring:month") + "?" + _query(scope, period))

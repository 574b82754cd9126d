"""Pages of production monitoring: the dashboard, the month's firm table, entry and import."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core import xlsx
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import CellError
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import (
    access,
    charts,
    figures,
    imports,
    pagecache,
    recovery,
    selectors,
    services,
)
from zonedesk.monitoring.forms import FigureForm, ImportForm, TargetForm
from zonedesk.monitoring.services import FIGURE_FIELDS
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import area_list, zone_get, zone_list
from zonedesk.reports import sections


def _scope(request) -> selectors.Scope:
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    zone, area = request.GET.get("zone", ""), request.GET.get("area", "")
    picked = request.GET.get("scope", "")  # the scope drop-down: "zone=demo" or "area=511700"
    if picked.startswith(("zone=", "area=")):
        kind, code = picked.split("=", 1)
        zone, area = (code, "") if kind == "zone" else ("", code)
    return found(selectors.scope_for(request.user, zone=zone, area=area))


def _period(request, scope=None) -> Period:
    """The month asked for, else the latest month with figures, else last month."""
    raw = request.GET.get("period") or request.POST.get("period")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError:
            messages.warning(
                request, _("“%(value)s” is not a month: showing the latest.") % {"value": raw[:20]}
            )
    latest = selectors.latest_period(request.user, scope) if scope else None
    return latest or Period.of(timezone.localdate()).previous


def _halted_days(request, period: Period) -> int:
    """The what-if's days lost over the rest of the year (0..the days left after the month);
    anything else is no what-if, said in a message."""
    raw = request.GET.get("halted", "")
    if not raw:
        return 0
    left = recovery.remaining_days(period.year, period.month)
    if re.fullmatch(r"[0-9]{1,3}", raw) and int(raw) <= left:
        return int(raw)
    messages.warning(
        request,
        _(
            "“%(value)s” is not a number of days lost from 0 to %(left)d (the days left in the "
            "year after the month): the what-if is not shown."
        )
        % {"value": raw[:20], "left": left},
    )
    return 0


def _size(request) -> str:
    """The size scope asked for (all / above / below); anything else is all firms."""
    size = request.GET.get("size", "all")
    return size if size in selectors.SIZES else "all"


def _basis(request) -> str:
    basis = request.GET.get("basis", "preliminary")
    return basis if basis in selectors.BASES else "preliminary"


def size_labels():
    return [
        ("all", _("All firms")),
        ("above", _("Above designated size")),
        ("below", _("Below designated size")),
    ]


def basis_labels():
    return [
        ("preliminary", _("Preliminary (all reports)")),
        ("confirmed", _("Confirmed only")),
    ]


def _query(scope, period, **extra) -> str:
    key = "zone" if scope.zone else "area"
    return urlencode({key: scope.code, "period": str(period), **extra})


# Where the cached figures take the target form (rendered per request: it carries a CSRF token).
TARGET_FORM_SLOT = "<!-- target form -->"


@login_required
def dashboard(request):
    scope = _scope(request)
    period = _period(request, scope)
    halted = _halted_days(request, period)
    size = _size(request)
    basis = _basis(request)
    # The forecast's additions (the key projects): not the figures' writes, so in the key.
    additions = selectors.pipeline(request.user, scope, period.year)
    key = pagecache.key(
        request.user,
        [z.pk for z in scope.zones],
        "dashboard",
        scope=scope.code,
        period=str(period),
        halted=halted,
        size=size,
        basis=basis,
        band=str(selectors.band()),
        pipeline=additions,
    )
    page_key = pagecache.page_key(request, key)
    if page_key and (page := cache.get(page_key)) is not None:
        return HttpResponse(page)
    body = pagecache.get_or_render(
        key,
        lambda: _dashboard_figures(
            request.user, scope, period, halted, size, basis, additions=additions
        ),
    )
    zone = scope.zone
    if zone is not None and access.can_set_target(request.user, zone):
        target = selectors.target_for(scope, period.year)
        form = TargetForm(
            initial={
                "year": period.year,
                "output_growth_pct": (target * 100).normalize() if target is not None else None,
                "version": selectors.target_version(scope, period.year),
            }
        )
        slot = render_to_string(
            "monitoring/_target_form.html",
            {"target_form": form, "scope": scope, "period": period},
            request,
        )
        body = body.replace(TARGET_FORM_SLOT, slot, 1)
    context = {
        "scope": scope,
        "period": period,
        "query": _query(scope, period),
        # The Excel file and the early warning of the same scope (size and basis included).
        "scoped_query": _query(scope, period, size=size, basis=basis),
        "scope_query": f"zone={scope.code}" if zone else f"area={scope.code}",
        "scopes": _scope_choices(request.user),
        "sizes": size_labels(),
        "size": size,
        "basis": basis,
        "bases": basis_labels(),
        # Our own template's output, escaped when it was rendered.
        "body": mark_safe(body),  # noqa: S308
    }
    response = render(request, "monitoring/dashboard.html", context)
    if page_key:
        cache.set(page_key, response.content, pagecache.CACHE_SECONDS)
    return response


def _dashboard_figures(
    user,
    scope,
    period: Period,
    halted: int,
    size: str = "all",
    basis: str = "preliminary",
    additions=(),
) -> str:
    """The dashboard's figures as HTML: the same for everyone who sees what `user` sees."""
    st = selectors.status(
        user, scope, period, halted_days=halted, by_zone=True, size=size, basis=basis
    )
    forecast = selectors.forecast(user, st, additions) if size == "all" else None
    context = {
        "st": st,
        "scope": scope,
        "period": period,
        "query": _query(scope, period),
        "size": size,
        "basis": basis,
        "paragraph": sections.status.paragraph(st.facts),
        "cards": charts.key_figures(st),
        "classes": charts.class_rows(st),
        "trend": charts.trend(st),
        "trend_tables": charts.trend_rows(st),
        "incomplete": charts.incomplete_months(st),
        "zone_rows": charts.zone_rows(st),
        "falls": [(st.name(c.firm_id), c) for c in st.summary.top_falls(10)],
        "target_label": sections.words.target_rate(st.recovery.target)
        if st.recovery.target
        else "",
        "band_label": sections.words.target_rate(st.summary.band),
        "halted": halted,
        "forecast": forecast,
        "forecast_sentences": sections.recovery.forecast_sentences(forecast),
        "days_left": recovery.remaining_days(period.year, period.month),
        "new_months": selectors.new_firm_months(),
        "halted_firms": [(st.name(f), days) for f, days in st.halted.by_firm] if st.halted else [],
    }
    return render_to_string("monitoring/_dashboard_body.html", context)


def _scope_choices(user) -> list[tuple[str, str]]:
    """(query, label) for every area and zone the user may look at."""
    areas = (
        [(f"area={a.code}", a.name) for a in area_list(user).order_by("code")[:200]]
        if user.is_superuser or user.area_id is not None
        else []
    )
    zones = [(f"zone={z.code}", f"· {z.name}") for z in zone_list(user).order_by("code")[:500]]
    return areas + zones


@login_required
def dashboard_export(request):
    scope = _scope(request)
    period = _period(request, scope)
    st = selectors.status(
        request.user, scope, period, by_zone=True, size=_size(request), basis=_basis(request)
    )
    return export_response(
        request,
        charts.workbook_sheets(st, selectors.firm_names(st), sections.status.sentences(st.facts)),
        _("status-%(code)s-%(period)s.xlsx") % {"code": scope.code, "period": period},
        what="production status",
    )


def _zone(request):
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    code = request.GET.get("zone") or request.POST.get("zone") or ""
    if code:
        zone = zone_get(request.user, code=code)
    else:  # the user's own zone (or a superuser's first)
        scope = selectors.scope_for(request.user)
        zone = scope.zone if scope else None
    if zone is None:
        raise Http404
    return zone


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
def import_template(request):
    """The month's template listing the zone's firms. The import page's button posts its form
    (the CSRF token in the body, never in a URL that lands in logs and history); a plain link
    with ?zone=&period= gets it too."""
    zone = _zone(request)
    if not access.can_import(request.user, zone):
        raise HttpForbidden
    period = _period(request)
    firms = imports.reporting_firms(request.user, zone, period)
    return xlsx.xlsx_response(
        imports.template_bytes(zone, period, firms),
        _("template-%(zone)s-%(period)s.xlsx") % {"zone": zone.code, "period": period},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_figures(request):
    zones = [z for z in zone_list(request.user) if access.can_import(request.user, z)]
    if not zones:
        raise HttpForbidden
    initial = {"zone": request.GET.get("zone") or zones[0].code, "period": _period(request)}
    form = ImportForm(request.POST or None, request.FILES or None, zones=zones, initial=initial)
    errors, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            zone = next(z for z in zones if z.code == form.cleaned_data["zone"])
            period = form.cleaned_data["period"]
            try:
                job = services.import_start(
                    actor=request.user, zone=zone, period=period, upload=form.cleaned_data["file"]
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                if job.state in job.FINISHED:
                    errors = _job_errors(job)
                else:  # the preview to confirm, or the worker's progress
                    return redirect("monitoring:import_job", pk=job.pk)
    return render(
        request, "monitoring/import.html", {"form": form, "errors": errors}, status=status
    )


def _firm(request, pk: int):
    return found(enterprise_get(request.user, pk=pk))


def _month(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise Http404 from exc


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


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


@login_required
@require_POST
def target_set(request):
    zone = _zone(request)
    if not access.can_set_target(request.user, zone):
        raise HttpForbidden
    form = TargetForm(request.POST)
    scope = selectors.Scope.of_zone(zone)
    back = reverse("monitoring:dashboard") + "?" + _query(scope, _period(request))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(back)
    data = form.cleaned_data
    try:
        services.target_set(
            actor=request.user,
            zone=zone,
            year=data["year"],
            output_growth_pct=data["output_growth_pct"],
            expected_version=data["version"],
        )
    except StaleVersion as exc:
        theirs = selectors.target_for(scope, data["year"])
        messages.error(
            request,
            _("%(why)s Their target: %(theirs)s %%; yours, not saved: %(yours)s %%.")
            % {
                "why": exc,
                "theirs": format((theirs * 100).normalize(), "f") if theirs is not None else "—",
                "yours": format(data["output_growth_pct"].normalize(), "f"),
            },
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The target was saved."))
    return redirect(back)


def _done_message(job) -> str:
    return _(
        "%(period)s: %(created)d rows added, %(updated)d changed, %(unchanged)d unchanged."
    ) % {
        "period": date_format(job.period, "YEAR_MONTH_FORMAT"),
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
    }


def _job_errors(job) -> list[CellError]:
    if job.state == job.State.FAILED:
        return [CellError("", 0, "", "", _("The import failed on our side; nothing was changed."))]
    return [CellError(*e) for e in job.errors]


def _overwrites(job) -> list[dict]:
    """The preview's overwritten months with the figures named as the sheet heads them."""
    headers = {key: col.header for key, col in imports.columns().items()}
    shown = []
    for o in job.preview.get("overwrites", []):
        firm_id, name, code = o["firm"]
        shown.append(
            {
                "id": firm_id,
                "name": name,
                "credit_code": code,
                "period": o["period"],
                "source": o["source"],
                "source_label": services.Source.LABELS.get(o["source"], o["source"]),
                "changes": [
                    (headers.get(k, k), old, new) for k, (old, new) in o["changes"].items()
                ],
            }
        )
    return shown


def _expired_message() -> str:
    hours = int(services.preview_valid().total_seconds() // 3600)
    return ngettext(
        "The preview was not confirmed within %(hours)d hour: nothing was imported and the file "
        "was deleted. Upload the file again to see what it changes now.",
        "The preview was not confirmed within %(hours)d hours: nothing was imported and the file "
        "was deleted. Upload the file again to see what it changes now.",
        hours,
    ) % {"hours": hours}


def _expired(job) -> bool:
    """Cancelled because nobody confirmed its preview in time (import_confirm too late, or
    import_previews_purge), not by the uploader."""
    return bool(
        job.state == job.State.CANCELLED
        and job.finished_at
        and job.confirmed_at is None
        and job.finished_at - job.created_at >= services.preview_valid()
    )


def _preview_warnings(job) -> list[dict]:
    """The preview's firms whose month is accepted but to be checked, worded in the reader's
    language from the kept figures (figures.warnings)."""
    days = Period.of(job.period).days
    shown = []
    for w in job.preview.get("warnings", []):
        _firm_id, name, code = w["firm"]
        values = {"days_halted": w["days_halted"], "output_value_wan": w["output_value_wan"]}
        shown.append(
            {"name": name, "credit_code": code, "messages": figures.warnings(values, days).values()}
        )
    return shown


@login_required
def import_job(request, pk):
    """An upload's progress; the page polls it with htmx while it is read, checked or stored;
    a checked file waits with its preview (the months it would overwrite) for the uploader's
    confirmation; a stored one names the firms created, updated and unchanged."""
    job = found(selectors.import_job_get(request.user, pk=pk))
    previewed = job.state == job.State.PREVIEWED
    context = {
        "job": job,
        "errors": _job_errors(job)
        if job.finished and job.state not in (job.State.DONE, job.State.CANCELLED)
        else None,
        "done": _done_message(job) if job.state == job.State.DONE else "",
        "expired": _expired_message() if _expired(job) else "",
        "overwrites": _overwrites(job) if previewed else [],
        "preview_warnings": _preview_warnings(job) if previewed else [],
        "kept": services.import_jobs.IMPORT_FIRMS_KEPT,
        "result_firms": [
            ("created", _("Firms whose month was added"), job.firms.get("created", [])),
            ("updated", _("Firms whose figures were changed"), job.firms.get("updated", [])),
            ("unchanged", _("Firms whose figures were unchanged"), job.firms.get("unchanged", [])),
        ]
        if job.state == job.State.DONE
        else [],
        "month_url": reverse("monitoring:month")
        + "?"
        + urlencode({"zone": job.zone.code, "period": str(Period.of(job.period))}),
    }
    template = (
        "monitoring/partials/import_job.html" if request.htmx else "monitoring/import_job.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk):
    """Confirm (or, with action=cancel, drop) a previewed upload; back to its job."""
    job = found(selectors.import_job_get(request.user, pk=pk))
    try:
        if request.POST.get("action") == "cancel":
            services.import_cancel(actor=request.user, job=job)
            messages.info(request, _("The upload was cancelled: nothing was imported."))
            return redirect(
                reverse("monitoring:import")
                + "?"
                + urlencode({"zone": job.zone.code, "period": str(Period.of(job.period))})
            )
        job = services.import_confirm(actor=request.user, job=job)
        if job.state == job.State.CANCELLED:
            messages.error(request, _expired_message())
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:import_job", pk=job.pk)

"""The figures' import: the template, the upload, the job's preview and its confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core import xlsx
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import found
from zonedesk.core.xlsx import CellError
from zonedesk.monitoring import access, figures, imports, selectors, services
from zonedesk.monitoring.forms import ImportForm
from zonedesk.monitoring.views.common import _period, _zone
from zonedesk.org.selectors import zone_list


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

"""Pages of key projects' monthly investment: a month entered on the project's page, and a
sheet of the zone's projects imported (the template, a preview, then the confirmed import:
every row or none, as the monitoring imports)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core import xlsx
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import found
from zonedesk.core.xlsx import ImportRejected
from zonedesk.projects import access, invest_imports, selectors, services
from zonedesk.projects.forms import InvestmentForm, InvestmentImportForm
from zonedesk.projects.views.common import _detail


@login_required
@require_http_methods(["GET", "POST"])
def investment_set(request, pk: int):
    """Enter a month's planned and completed investment of the project (a stored month on the
    version the page showed: a save made on an older one is refused, naming who changed it)."""
    project = found(selectors.project_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    if not access.can_enter_project_investment(request.user, project):
        raise PermissionDenied()
    form = InvestmentForm(request.POST, total_wan=project.total_investment_wan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.investment_set(
                actor=request.user,
                project=project,
                month=data["month"],
                planned_wan=data["planned_wan"],
                done_wan=data["done_wan"],
                expected_version=data["version"],
                read_at=data["read_at"],
            )
        except StaleVersion as exc:
            messages.error(request, exc.message)
            return _detail(request, project, status=409, invest_form=form)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The investment of %(month)s was saved.")
                % {"month": data["month"].strftime("%Y-%m")},
            )
            return redirect(reverse("projects:detail", args=[project.pk]) + "#investment")
    messages.error(request, _("The investment was not saved: see the form."))
    return _detail(request, project, status=400, invest_form=form)


def _zones(user) -> list:
    zones = selectors.investment_zones(user)
    if not zones:
        raise HttpForbidden
    return zones


# The preview's rows travel to the confirmation signed (nothing stored in between, no file
# uploaded twice), bound to the user and zone, for an hour.
PREVIEW_SALT = "zonedesk.projects.invest_views.preview"
PREVIEW_SECONDS = 3600


def _text(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount)


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if text else None  # blank: the stored figure stays


def _token(user, zone, preview) -> str:
    parsed = preview.parsed
    payload = {
        "u": user.pk,
        "z": zone.pk,
        "s": preview.stored,
        "n": parsed.sheet,
        "h": parsed.headers,
        "r": [
            [x.row, x.code, str(x.month), _text(x.planned_wan), _text(x.done_wan)]
            for x in parsed.lines
        ],
    }
    return signing.dumps(payload, salt=PREVIEW_SALT, compress=True)


def _confirmed(request, zone):
    """The parsed rows and stored fingerprint of the user's preview; None when the token is
    not one (altered, another user's or zone's, older than an hour)."""
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=PREVIEW_SALT, max_age=PREVIEW_SECONDS
        )
    except signing.BadSignature:
        return None
    if (payload.get("u"), payload.get("z")) != (request.user.pk, zone.pk):
        return None
    lines = [
        invest_imports.Line(row, code, Period.parse(month), _amount(planned), _amount(done))
        for row, code, month, planned, done in payload["r"]
    ]
    return invest_imports.Parsed(payload["n"], payload["h"], lines), payload["s"]


@login_required
@require_http_methods(["GET", "POST"])
def investment_import(request):
    """Upload the zone's monthly investment: first a preview of what it changes per project and
    month (or every problem of a refused file), then, confirmed, the result."""
    zones = _zones(request.user)
    initial = {"zone": request.GET.get("zone") or zones[0].code}
    confirming = request.POST.get("step") == "confirm"
    form = InvestmentImportForm(
        request.POST or None,
        None if confirming else (request.FILES or None),
        zones=zones,
        initial=initial,
    )
    if confirming:
        del form.fields["file"]
    errors, result, preview, token, status, zone = None, None, None, "", 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            zone = next(z for z in zones if z.code == form.cleaned_data["zone"])
            try:
                if confirming:
                    confirmed = _confirmed(request, zone)
                    if confirmed is None:
                        raise ValidationFailed(
                            {
                                "__all__": [
                                    _(
                                        "The preview has expired or is not yours: nothing was "
                                        "imported. Upload the file again."
                                    )
                                ]
                            }
                        )
                    parsed, stored = confirmed
                    result = services.investment_import(
                        actor=request.user, zone=zone, parsed=parsed, expected_stored=stored
                    )
                else:
                    preview = services.investment_import_preview(
                        actor=request.user, zone=zone, fileobj=form.cleaned_data["file"].read()
                    )
                    token = _token(request.user, zone, preview)
            except ImportRejected as exc:
                errors = exc.errors
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                status = 200
    refused = []
    if confirming:
        refused = [str(e) for errs in form.errors.values() for e in errs]
        form = InvestmentImportForm(
            zones=zones, initial={"zone": request.POST.get("zone") or initial["zone"]}
        )
    counts = None
    if preview is not None:
        counts = {c: preview.count(c) for c in ("new", "updated", "unchanged")}
    return render(
        request,
        "projects/investment_import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "preview": preview,
            "counts": counts,
            "token": token,
            "refused": refused,
            "zone": zone,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def investment_template(request):
    """The import's sheet for a zone: a row per project of the zone for the current month, the
    amounts left to fill in. The page's button posts its form; a plain link gets it too."""
    zones = _zones(request.user)
    code = request.POST.get("zone") or request.GET.get("zone")
    zone = next((z for z in zones if z.code == code), zones[0])
    content = invest_imports.template_bytes(
        selectors.investment_template_projects(request.user, zone),
        Period.of(timezone.localdate()),
    )
    return xlsx.xlsx_response(content, f"{invest_imports.sheet_name()}.xlsx")

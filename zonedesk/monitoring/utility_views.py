"""Pages of utility data: the companies' readings uploaded, the template, a firm's accounts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core import xlsx
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.views import found
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises import access as enterprise_access
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import access, selectors, services, utility_imports
from zonedesk.monitoring.forms import UtilityAccountsForm, UtilityImportForm
from zonedesk.monitoring.models import UtilityKind
from zonedesk.org.selectors import zone_list


def _importable_zones(user) -> list:
    zones = [z for z in zone_list(user).order_by("code") if access.can_import(user, z)]
    if not zones:
        raise HttpForbidden
    return zones


@login_required
@require_http_methods(["GET", "POST"])
def utility_import(request):
    """Upload a company's sheet: the result (counts and the accounts no firm holds) or every
    problem of a refused file."""
    zones = _importable_zones(request.user)
    kind = request.GET.get("kind")
    initial = {
        "zone": request.GET.get("zone") or zones[0].code,
        "kind": kind if kind in UtilityKind.values else UtilityKind.POWER,
    }
    form = UtilityImportForm(
        request.POST or None, request.FILES or None, zones=zones, initial=initial
    )
    errors, result, status = None, None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            zone = next(z for z in zones if z.code == form.cleaned_data["zone"])
            try:
                result = services.utility_import(
                    actor=request.user,
                    zone=zone,
                    kind=form.cleaned_data["kind"],
                    fileobj=form.cleaned_data["file"].read(),
                )
            except ImportRejected as exc:
                errors = exc.errors
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                status = 200
    return render(
        request,
        "monitoring/utility_import.html",
        {"form": form, "errors": errors, "result": result},
        status=status,
    )


@login_required
def utility_template(request):
    _importable_zones(request.user)
    kind = request.GET.get("kind")
    kind = kind if kind in UtilityKind.values else UtilityKind.POWER
    return xlsx.xlsx_response(
        utility_imports.template_bytes(kind), _("%(kind)s-readings.xlsx") % {"kind": kind}
    )


@login_required
@require_http_methods(["GET", "POST"])
def utility_accounts(request, pk: int):
    """Edit a firm's power and water account numbers (on the firm's version)."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not enterprise_access.can_edit(request.user, enterprise):
        raise HttpForbidden
    stored = selectors.utility_accounts(request.user, enterprise=enterprise)
    initial = {"power_accounts": stored["power"], "water_accounts": stored["water"]}
    form = UtilityAccountsForm(request.POST or None, initial=initial, version=enterprise.version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.utility_accounts_set(
                    actor=request.user,
                    enterprise=enterprise,
                    power=form.cleaned_data["power_accounts"],
                    water=form.cleaned_data["water_accounts"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except StaleVersion as exc:
                now = selectors.utility_accounts(request.user, enterprise=enterprise)
                form.show_conflict(
                    exc, {"power_accounts": now["power"], "water_accounts": now["water"]}
                )
                status = 409
            else:
                messages.success(
                    request,
                    _("The utility accounts of %(name)s were saved.") % {"name": enterprise.name},
                )
                return redirect(enterprise.get_absolute_url())
    return render(
        request,
        "monitoring/utility_accounts.html",
        {"enterprise": enterprise, "form": form},
        status=status,
    )

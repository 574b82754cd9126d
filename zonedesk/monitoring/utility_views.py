"""Pages of utility data: the companies' readings uploaded, the template, a firm's accounts."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core import xlsx
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
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


# The preview's readings travel to the confirmation signed (nothing stored in between, no file
# uploaded twice); the signature binds them to the user, zone and kind, for an hour.
PREVIEW_SALT = "zonedesk.monitoring.utility_views.preview"
PREVIEW_SECONDS = 3600
PREVIEW_SHOWN = 500  # rows of each table on the page; the counts cover them all


def _preview_token(user, zone, preview) -> str:
    rows = [
        [r.row, str(r.period), r.account_number, r.account_name, str(r.quantity)]
        for r in preview.readings
    ]
    payload = {"u": user.pk, "z": zone.pk, "k": preview.kind, "s": preview.stored, "r": rows}
    return signing.dumps(payload, salt=PREVIEW_SALT, compress=True)


def _confirmed_readings(request, zone, kind):
    """The readings and the stored fingerprint of the user's preview; None when the token is
    not one (altered, for another user, zone or kind, or older than an hour)."""
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=PREVIEW_SALT, max_age=PREVIEW_SECONDS
        )
    except signing.BadSignature:
        return None
    if (payload.get("u"), payload.get("z"), payload.get("k")) != (request.user.pk, zone.pk, kind):
        return None
    readings = [
        utility_imports.Reading(row, Period.parse(month), number, name, Decimal(quantity))
        for row, month, number, name, quantity in payload["r"]
    ]
    return readings, payload["s"]


@login_required
@require_http_methods(["GET", "POST"])
def utility_import(request):
    """Upload a company's sheet: first a preview of what it changes per account (or every
    problem of a refused file), then, confirmed, the result (counts and the accounts no firm
    holds)."""
    zones = _importable_zones(request.user)
    kind = request.GET.get("kind")
    initial = {
        "zone": request.GET.get("zone") or zones[0].code,
        "kind": kind if kind in UtilityKind.values else UtilityKind.POWER,
    }
    confirming = request.POST.get("step") == "confirm"
    form = UtilityImportForm(
        request.POST or None,
        None if confirming else (request.FILES or None),
        zones=zones,
        initial=initial,
    )
    if confirming:  # the preview's readings come signed, not as a file
        del form.fields["file"]
    errors, result, preview, token, status = None, None, None, "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            zone = next(z for z in zones if z.code == form.cleaned_data["zone"])
            kind = form.cleaned_data["kind"]
            try:
                if confirming:
                    confirmed = _confirmed_readings(request, zone, kind)
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
                    readings, stored = confirmed
                    result = services.utility_import(
                        actor=request.user,
                        zone=zone,
                        kind=kind,
                        readings=readings,
                        replace_month=request.POST.get("replace_month") == "1",
                        expected_stored=stored,
                    )
                else:
                    preview = services.utility_import_preview(
                        actor=request.user,
                        zone=zone,
                        kind=kind,
                        fileobj=form.cleaned_data["file"].read(),
                    )
                    token = _preview_token(request.user, zone, preview)
            except ImportRejected as exc:
                errors = exc.errors
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                status = 200
    refused = []
    if confirming:
        # Back to an upload form (with the file field) for the next file, or this one again.
        refused = [str(e) for e in form.non_field_errors()]
        refused += [str(e) for name, errs in form.errors.items() if name != "__all__" for e in errs]
        form = UtilityImportForm(
            zones=zones,
            initial={"zone": request.POST.get("zone") or initial["zone"], "kind": kind},
        )
    shown, counts = None, None
    if preview is not None:
        changed = [r for r in preview.rows if r.change != "unchanged"]
        shown = {"changed": changed[:PREVIEW_SHOWN], "others": preview.others[:PREVIEW_SHOWN]}
        counts = {c: preview.count(c) for c in ("new", "updated", "unchanged")}
    return render(
        request,
        "monitoring/utility_import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "preview": preview,
            "shown": shown,
            "counts": counts,
            "shown_limit": PREVIEW_SHOWN,
            "token": token,
            "refused": refused,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def utility_template(request):
    """The template of a utility's readings. The page's button posts its form (the CSRF token in
    the body, never in a URL that lands in logs and history); a plain link gets it too."""
    _importable_zones(request.user)
    kind = request.POST.get("kind") or request.GET.get("kind")
    kind = kind if kind in UtilityKind.values else UtilityKind.POWER
    return xlsx.xlsx_response(
        utility_imports.template_bytes(kind), f"{utility_imports.sheet_name(kind)}.xlsx"
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

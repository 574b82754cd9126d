"""One's own account: the second factor (set-up, verification, recovery codes) and API tokens.

Every page here is about the signed-in user only; org.mfa_middleware decides which of them an
unverified session may reach.
"""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.views import found
from zonedesk.org import access, mfa, selectors, services
from zonedesk.org.forms import CodeForm, TokenForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _passed(request, device) -> None:
    """The session passed the second factor: a new session key, the device remembered."""
    django_otp.login(request, device)
    request.session.cycle_key()


@login_required
def second_factor(request):
    """The user's second factor: whether it is set up, the recovery codes left."""
    user = request.user
    return render(
        request,
        "org/second_factor.html",
        {
            "device": mfa.totp_device(user),
            "codes_left": mfa.recovery_codes_left(user),
            "required": access.second_factor_required(user),
        },
    )


def _secret_groups(device) -> str:
    return " ".join(b32encode(device.bin_key).decode()[i : i + 4] for i in range(0, 32, 4))


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Scan the QR code (or type the secret), then confirm with a first code."""
    user = request.user
    if mfa.totp_device(user) is not None:
        messages.info(request, _("Your authenticator is set up already."))
        return redirect("account:second_factor")
    device = mfa.otp_enrol_start(actor=user, user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.otp_enrol_confirm(actor=user, user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            _passed(request, mfa.totp_device(user))
            return render(
                request, "org/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "org/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#1d273b", title=_("Authenticator QR code")),
            "secret": _secret_groups(device),
            "required": access.second_factor_required(user),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the log-in: a code from the authenticator, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not mfa.has_authenticator(user):  # removed meanwhile: the middleware decides again
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.otp_verify(user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            _passed(request, device)
            if device.persistent_id != mfa.totp_device(user).persistent_id:
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d left. Make new ones if few are left.")
                    % {"left": left},
                )
            return redirect(_next(request))
    return render(request, "org/verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_POST
def recovery_codes(request):
    """Ten new recovery codes, shown once; the old ones stop working."""
    try:
        codes = mfa.otp_recovery_codes_renew(actor=request.user, user=request.user)
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for msgs in exc.errors.values() for m in msgs))
        return redirect("account:second_factor")
    return render(request, "org/recovery_codes.html", {"codes": codes, "renewed": True})


@login_required
@require_POST
def second_factor_remove(request):
    try:
        mfa.otp_remove(actor=request.user, user=request.user)
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for msgs in exc.errors.values() for m in msgs))
    else:
        messages.success(request, _("Two-step verification is turned off."))
    return redirect("account:second_factor")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's API tokens: create one (shown once), list them, revoke one."""
    most = settings.ZONEDESK["API_TOKEN_DAYS"]
    form = TokenForm(request.POST or None, most_days=most)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = services.api_token_create(
                actor=request.user, user=request.user, **form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm(most_days=most)
    return render(
        request,
        "org/tokens.html",
        {"form": form, "new_token": new_token, "tokens": selectors.api_token_list(request.user)},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = found(selectors.api_token_list(request.user).filter(pk=pk).first())
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": str(token)})
    return redirect("account:tokens")

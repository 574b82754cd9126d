"""The second factor (django-otp): a TOTP authenticator app and ten one-time recovery codes.

Writes here follow the services' rules (an actor, atomic, audited in the same transaction); a
wrong code is the exception: its audit entry and django-otp's failure count (which makes the
next try wait 1, 2, 4 … seconds) are committed before the refusal is raised, so a refusal is
never rolled back. Who must have a second factor is `access.second_factor_required`;
org.mfa_middleware holds a session to it.

Recovery codes are stored as keyed digests (HMAC-SHA-256 with a key derived from SECRET_KEY,
cut to the 16 characters of otp_static's column), so a copy of the database shows no usable
code and cannot be guessed offline without the server's secret key, which is not in the
database (ASVS 6.5.2 asks for a salted slow hash of a lookup secret under 112 bits; a code has
59 random bits: the key does that work, and guessing online is throttled, 1, 2, 4 … seconds
per wrong code). Codes made before a change of SECRET_KEY still work while the old key is in
SECRET_KEY_FALLBACKS.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope
from zonedesk.org import access
from zonedesk.org.models import User

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def recovery_digest(code: str, secret: str | None = None) -> str:
    """What is stored of a recovery code (typed with or without dashes, in either case): its
    HMAC under a key derived from `secret` (default SECRET_KEY)."""
    plain = "".join(code.split()).replace("-", "").lower()
    mac = salted_hmac("zonedesk.org.mfa.recovery", plain, secret=secret, algorithm="sha256")
    return mac.hexdigest()[:16]


def _recovery_digests(code: str) -> list[str]:
    """The digests of `code` under SECRET_KEY and each of SECRET_KEY_FALLBACKS."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [recovery_digest(code, key) for key in keys]


def _recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))  # 12 x 4.95 bits
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _check_self(actor: Actor, user: User) -> None:
    """A second factor is the user's own: set up, used and changed by them only."""
    if is_system(actor) or actor.pk != user.pk or not access.is_active(user):
        raise PermissionDenied()


def _audit(actor: Actor, user: User, change: list) -> None:
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        changes={"second_factor": change},
        **audit_scope(user),
    )


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_digest(c)) for c in codes]
    )
    return codes


@transaction.atomic
def otp_enrol_start(*, actor: Actor, user: User) -> TOTPDevice:
    """The authenticator being set up (made with a new random secret on the first call): its
    secret is shown as a QR code until a first code confirms it."""
    _check_self(actor, user)
    if totp_device(user) is not None:
        raise ValidationFailed({"code": [_("Your authenticator is set up already.")]})
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return pending or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def otp_enrol_confirm(*, actor: Actor, user: User, code: str) -> list[str]:
    """Confirm the authenticator with its first code; returns the new recovery codes (shown
    once). A wrong code is refused (and counted by django-otp's throttle)."""
    _check_self(actor, user)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise ValidationFailed({"code": [_("Start the set-up again: scan the new code.")]})
        accepted = device.verify_token(_digits(code))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            _audit(actor, user, [None, "totp"])
    if not accepted:
        raise ValidationFailed({"code": [_wrong_code(device)]})
    return codes


def _digits(code: str) -> str:
    return "".join(code.split())


def _wrong_code(device: Device | None) -> str:
    """The refusal, with the wait django-otp's throttle now imposes on this device."""
    if device is not None:
        device.refresh_from_db()
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
            return _(
                "The code is wrong. After %(count)s wrong codes, wait %(seconds)s seconds "
                "before the next try."
            ) % {"count": info.get("failure_count", 1), "seconds": seconds}
    return _("The code is wrong or was used already. Check the time on your phone and try again.")


def _verify(user: User, code: str) -> tuple[Device | None, str]:
    """The device that accepts `code` (an authenticator's six digits, or a recovery code) and
    which factor it was; the device is locked while it checks, so a code counts once."""
    if _digits(code).isdigit():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        ok = device is not None and device.verify_token(_digits(code))
        return (device if ok else None), "totp"
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return None, "recovery_code"
    # One verify (one count of django-otp's throttle), with the digest under whichever key made
    # the stored one.
    digests = _recovery_digests(code)
    stored = set(device.token_set.filter(token__in=digests).values_list("token", flat=True))
    ok = device.verify_token(next((d for d in digests if d in stored), digests[0]))
    return (device if ok else None), "recovery_code"


def otp_verify(*, user: User, code: str) -> Device:
    """The second step of a log-in: the device that accepts the code; a wrong code is audited
    (login_failed, factor totp or recovery_code) and refused. A recovery code works once."""
    if not access.is_active(user):
        raise PermissionDenied()
    with transaction.atomic():
        device, factor = _verify(user, code)
        detail = {"factor": factor}
        if device is not None and factor == "recovery_code":
            detail["recovery_codes_left"] = recovery_codes_left(user)
        audit.security_event("login" if device else "login_failed", user=user, detail=detail)
    if device is None:
        model = TOTPDevice if factor == "totp" else StaticDevice
        throttled = model.objects.filter(user=user, confirmed=True).first()
        raise ValidationFailed({"code": [_wrong_code(throttled)]})
    return device


@transaction.atomic
def otp_recovery_codes_renew(*, actor: Actor, user: User) -> list[str]:
    """Ten new recovery codes (shown once); the old ones stop working."""
    _check_self(actor, user)
    if totp_device(user) is None:
        raise ValidationFailed({"code": [_("Set up your authenticator first.")]})
    codes = _new_recovery_codes(user)
    _audit(actor, user, ["recovery codes", "new recovery codes"])
    return codes


@transaction.atomic
def otp_remove(*, actor: Actor, user: User) -> None:
    """Remove the user's second factor: by themselves when it is optional for them; by the
    security administrator (or the operator's command) for a user who lost their phone, who
    then sets it up again at the next log-in."""
    if actor.pk == user.pk and not is_system(actor):
        if access.second_factor_required(user):
            raise ValidationFailed(
                {"code": [_("Your role needs a second factor: it cannot be turned off.")]}
            )
    elif not access.can_manage_user_security(actor, user):
        raise PermissionDenied()
    if not TOTPDevice.objects.filter(user=user).exists():
        raise ValidationFailed({"code": [_("Two-step verification is not set up.")]})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(actor, user, ["totp", None])

"""Writes to the org tree. Every one is atomic, checks permission and writes the audit row."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.masking import mask_phone
from zonedesk.core.models import AuditEntry
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.org import access
from zonedesk.org.models import (
    ApiToken,
    Area,
    Department,
    LoginThrottle,
    PasswordHistory,
    Role,
    RoleGrant,
    User,
    Zone,
)

ZONE_FIELDS = ("code", "name", "area")
# How fresh a token's "last used" is kept: stamping every request would make every API call,
# a read, also a write (and on PostgreSQL a commit), for a date shown to the minute.
TOKEN_STAMP_EVERY = dt.timedelta(minutes=1)
USER_FIELDS = ("username", "full_name", "phone", "zone", "area", "department", "bank", "is_active")


@transaction.atomic
def area_create(
    *, actor: Actor, code: str, name: str, level: str, parent: Area | None = None
) -> Area:
    if not actor.is_superuser:
        raise PermissionDenied()
    area = Area(code=code, name=name, level=level, parent=parent)
    clean(area)
    area.save()
    audit.record(
        actor=actor,
        action="create",
        instance=area,
        changes={"code": [None, code]},
        **audit_scope(area),
    )
    return area


@transaction.atomic
def zone_create(*, actor: Actor, code: str, name: str, area: Area) -> Zone:
    if not access.can_create_zone(actor, area):
        raise PermissionDenied()
    zone = Zone(code=code, name=name, area=area)
    clean(zone)
    zone.save()
    audit.record(
        actor=actor,
        action="create",
        instance=zone,
        changes=audit.diff({}, audit.snapshot(zone, ZONE_FIELDS)),
        **audit_scope(zone),
    )
    return zone


@transaction.atomic
def zone_update(*, actor: Actor, zone: Zone, expected_version: int | None = None, **fields) -> Zone:
    """Change the given fields of a zone (its name; the code and area stay); StaleVersion if
    it changed since `expected_version`."""
    if not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    unknown = set(fields) - {"name"}
    if unknown:
        raise ValidationFailed({f: [str(PermissionDenied.default_message)] for f in unknown})
    audited_update(
        actor=actor,
        instance=zone,
        data=fields,
        fields=ZONE_FIELDS,
        expected_version=expected_version,
    )
    return zone


@transaction.atomic
def department_create(*, actor: Actor, zone: Zone, name: str) -> Department:
    if not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    department = Department(zone=zone, name=name)
    clean(department)
    department.save()
    audit.record(
        actor=actor,
        action="create",
        instance=department,
        changes={"name": [None, name]},
        **audit_scope(department),
    )
    return department


def _user_audit(user: User) -> dict:
    """The user's audited fields, phone masked (auditors read the log)."""
    values = audit.snapshot(user, USER_FIELDS)
    values["phone"] = mask_phone(values["phone"])
    return values


def _check_user_fields(
    *, roles: list[str], zone: Zone | None, department: Department | None, bank
) -> None:
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        errors["roles"] = [_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}]
    elif not roles:
        errors["roles"] = [_("Give the user at least one role.")]
    elif len(access.DUTY_ROLES.intersection(roles)) > 1:
        errors["roles"] = [
            _(
                "An account holds at most one of the roles system administrator, security "
                "administrator and auditor (separation of duties)."
            )
        ]
    if department is not None and (zone is None or department.zone_id != zone.pk):
        errors["department"] = [_("The department must belong to the user's zone.")]
    if Role.DEPARTMENT in roles and department is None:
        errors["department"] = [_("Department staff need a department.")]
    if (Role.BANK in roles) != (bank is not None):
        errors["bank"] = [_("A bank user needs a bank, and only bank users have one.")]
    if errors:
        raise ValidationFailed(errors)


def _check_grant(actor: Actor, user: User, roles: list[str]) -> None:
    """The roles given or withdrawn must be the actor's to grant; nobody changes their own."""
    held = user.roles if user.pk is not None else frozenset()  # (not cached before the save)
    changed = set(roles).symmetric_difference(held)
    if not changed:
        return
    if user.pk is not None and actor.pk == user.pk:
        raise ValidationFailed(
            {
                "roles": [
                    _("Your own roles are granted and withdrawn by the security administrator.")
                ]
            }
        )
    refused = sorted(changed - access.grantable_roles(actor))
    if refused:
        labels = ", ".join(str(Role(r).label) for r in refused if r in Role.values)
        raise ValidationFailed(
            {
                "roles": [
                    _("Only the security administrator grants or withdraws: %(roles)s.")
                    % {"roles": labels or ", ".join(refused)}
                ]
            }
        )


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    zone: Zone | None = None,
    area: Area | None = None,
    department: Department | None = None,
    bank=None,
    phone: str = "",
) -> User:
    """Create a user in one unit (a zone, or an area) with its roles: the system administrator
    opens accounts with the daily-work roles; the duties (system or security administrator,
    auditor) are granted by the security administrator afterwards."""
    roles = sorted(set(roles))
    zone = zone or (department.zone if department else None)
    user = User(
        username=username,
        full_name=full_name,
        zone=zone,
        area=area,
        department=department,
        bank=bank,
        phone=phone,
    )
    if not access.can_manage_user(actor, user):
        raise PermissionDenied()
    if zone is None and area is None:
        raise ValidationFailed({"unit": [_("Choose the zone or area the user belongs to.")]})
    _check_user_fields(roles=roles, zone=zone, department=department, bank=bank)
    _check_grant(actor, user, roles)
    _check_password(password, user)
    _store_password(actor=actor, user=user, password=password)
    clean(user, exclude=["password"])
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    audit.record(
        actor=actor,
        action="create",
        instance=user,
        changes={
            **audit.diff({}, _user_audit(user)),
            "roles": [None, sorted(roles)],
        },
        **audit_scope(user),
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    roles: list[str],
    full_name: str,
    phone: str = "",
    department: Department | None = None,
    bank=None,
    is_active: bool = True,
    expected_version: int | None = None,
) -> User:
    """Change a user's name, phone, department, bank and whether they may log in (the system
    administrator), and their roles (the security administrator; the system administrator the
    daily-work roles only, never its own); StaleVersion if the user was changed since
    `expected_version` (the one the editor read)."""
    roles = sorted(set(roles))
    may_edit = access.can_manage_user(actor, user)
    if not (may_edit or access.can_grant_roles(actor, user)):
        raise PermissionDenied()
    version_check(user, expected_version)
    account = (user.full_name, user.phone, user.department, user.bank, user.is_active)
    if not may_edit and account != (full_name, phone, department, bank, is_active):
        raise PermissionDenied()
    if actor.pk == user.pk and not is_active:
        raise ValidationFailed(
            {"is_active": [_("You cannot lock yourself out: keep your own account active.")]}
        )
    if (Role.ENTERPRISE in roles) != (Role.ENTERPRISE in user.roles):
        raise ValidationFailed(
            {"roles": [_("A firm account stays a firm account: open a new account instead.")]}
        )
    _check_user_fields(roles=roles, zone=user.zone, department=department, bank=bank)
    _check_grant(actor, user, roles)
    before = {**_user_audit(user), "roles": sorted(user.roles)}
    user.full_name, user.phone, user.department, user.bank, user.is_active = (
        full_name,
        phone,
        department,
        bank,
        is_active,
    )
    clean(user, exclude=["password"])
    user.save()
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=r) for r in set(roles) - set(before["roles"])]
    )
    user.__dict__.pop("roles", None)  # the cached role set is stale now
    user.__dict__.pop("role_labels", None)
    changes = audit.diff(before, {**_user_audit(user), "roles": sorted(roles)})
    if changes:
        version_bump(user)
        audit.record(
            actor=actor, action="update", instance=user, changes=changes, **audit_scope(user)
        )
    return user


def _store_password(*, actor: Actor, user: User, password: str) -> None:
    """Set the (checked) password, keeping the former one in the history. A password that an
    administrator set for somebody else must be changed at that user's next log-in; the
    system's (commands, the demo) and the user's own count from now."""
    if user.pk is not None and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        kept = max(settings.ZONEDESK["PASSWORD_HISTORY"] - 1, 0)
        old = user.password_history.values_list("pk", flat=True)[kept:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()
    user.set_password(password)
    by_other = user_or_none(actor) is not None and actor.pk != user.pk
    user.password_changed_at = None if by_other else timezone.now()


def on_password_changed(*, actor: Actor, user: User) -> None:
    """What follows every change of a user's password, inside the change's transaction: the
    user's API tokens are revoked (a token must not outlive the password). The user's other
    sessions end by themselves (Django's session hash follows the password); the page that
    changed it keeps its own (update_session_auth_hash)."""
    api_tokens_revoke_all(actor=actor, user=user)


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password (administrators for their users; everybody for themselves). The one
    path for every password change: the pages, the site administration and `changepassword`."""
    if actor.pk != user.pk and not access.can_manage_user(actor, user):
        raise PermissionDenied()
    _check_password(password, user)
    _store_password(actor=actor, user=user, password=password)
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        changes={"password": ["***", "***"]},
        **audit_scope(user),
    )
    on_password_changed(actor=actor, user=user)


@transaction.atomic
def user_change_own_password(*, actor: User, old_password: str, password: str) -> None:
    """A user changes their own password, giving the current one first."""
    if not actor.check_password(old_password):
        raise ValidationFailed(
            {"old_password": [_("Your current password was entered incorrectly.")]}
        )
    user_set_password(actor=actor, user=actor, password=password)


def _token_expiry(days: int | None) -> dt.datetime:
    """When a new token expires: `days` from now, at most the configured lifetime."""
    most = settings.ZONEDESK["API_TOKEN_DAYS"]
    days = most if days is None else days
    if not 1 <= days <= most:
        raise ValidationFailed(
            {"days": [_("A token lasts from 1 to %(most)d days.") % {"most": most}]}
        )
    return timezone.now() + dt.timedelta(days=days)


@transaction.atomic
def api_token_create(
    *, actor: Actor, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (at most, and by default, the configured
    ZONEDESK["API_TOKEN_DAYS"]); returns the row and the token text, which is not stored."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied()
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed({"name": [_("Name the token (at most 100 characters).")]})
    expires_at = _token_expiry(days)
    token = ApiToken.generate()
    row = ApiToken.objects.create(
        user=user, name=name, prefix=token[3:11], digest=ApiToken.hash(token), expires_at=expires_at
    )
    audit.record(
        actor=actor,
        action="create",
        instance=row,
        changes={"name": [None, name], "expires_at": [None, str(expires_at)]},
        **audit_scope(user),
    )
    return row, token


def _revoke(actor: Actor, tokens) -> int:
    """Revoke the still-valid `tokens` (audited one by one); how many there were."""
    now = timezone.now()
    rows = list(tokens.filter(revoked_at__isnull=True, expires_at__gt=now).select_related("user"))
    for row in rows:
        row.revoked_at = now
        row.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="update",
            instance=row,
            changes={"revoked_at": [None, str(now)]},
            **audit_scope(row.user),
        )
    return len(rows)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    """Revoke a token: requests bearing it are refused (401) from now on."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied()
    _revoke(actor, ApiToken.objects.filter(pk=token.pk))
    token.refresh_from_db()


@transaction.atomic
def api_tokens_revoke_all(*, actor: Actor, user: User) -> int:
    """Revoke every valid token of `user` (their password changed, or their account is being
    closed); returns how many. Safe to call twice."""
    if actor.pk != user.pk and not access.can_manage_user(actor, user):
        raise PermissionDenied()
    return _revoke(actor, user.api_tokens.all())


class TokenRefused(DomainError):
    """A bearer token that does not (or no longer) let anyone in: answered 401."""


def api_token_authenticate(token: str) -> User | None:
    """The active user a token belongs to, stamping its last use (to the minute) and writing
    its use to the audit log at most once an hour (ZONEDESK["TOKEN_AUDIT_EVERY_SECONDS"]);
    None when no token has this text. An expired or revoked token, or one of a deactivated
    user, raises TokenRefused (with the reason) and is audited as a failed log-in.

    Not every use is audited: an entry is a write under the audit chain's lock, so auditing each
    API read would serialise every token-authenticated request; an hourly entry still shows which
    token was used, by whom, from which address and in which hours."""
    row = (
        ApiToken.objects.select_related("user", "user__area", "user__zone")
        .filter(digest=ApiToken.hash(token))
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if not row.is_valid(now) or not row.user.is_active:
        reason = "revoked" if row.revoked_at else "expired" if now >= row.expires_at else "inactive"
        audit.security_event(
            "login_failed", user=row.user, detail={"factor": "token", "reason": reason}
        )
        raise TokenRefused(TOKEN_REFUSALS[reason])
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_STAMP_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    every = dt.timedelta(seconds=settings.ZONEDESK["TOKEN_AUDIT_EVERY_SECONDS"])
    if row.last_audited_at is None or now - row.last_audited_at >= every:
        _token_used(row, now, every)
    return row.user


TOKEN_REFUSALS = {
    "revoked": gettext_lazy("This API token was revoked: create a new one on your tokens page."),
    "expired": gettext_lazy("This API token has expired: create a new one on your tokens page."),
    "inactive": gettext_lazy("The account this API token belongs to may not log in."),
}


@transaction.atomic
def _token_used(row: ApiToken, now, every: dt.timedelta) -> None:
    """Audit a token's use once per period: the conditional update lets one request of many
    arriving together write the entry."""
    due = Q(last_audited_at__isnull=True) | Q(last_audited_at__lte=now - every)
    if ApiToken.objects.filter(due, pk=row.pk).update(last_audited_at=now):
        audit.security_event(
            AuditEntry.Action.TOKEN_USED,
            user=row.user,
            detail={"token": row.prefix, "name": row.name},
        )


# --- log-in protection: a lock per typed user name and per client address -----------------------


STALE_BATCH = 100  # rows of old failures deleted at each failed log-in


def _cooldown() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ZONEDESK["LOGIN_COOLDOWN_MINUTES"])


def _count_failure(kind: str, key: str, *, user: User | None, now) -> LoginThrottle:
    """Add one failure to the row of `key`, forgetting failures older than the cool-down, and
    lock it at the limit. Returns the row, `newly_locked` set when this failure locked it."""
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        kind=kind, key=key, defaults={"last_failure_at": now}
    )
    locked = row.locked_until is not None and row.locked_until > now
    if not locked and (row.locked_until is not None or row.last_failure_at < now - _cooldown()):
        row.failures, row.locked_until = 0, None  # a past lock or old failures: count afresh
    row.failures += 1
    row.last_failure_at = now
    if kind == LoginThrottle.Kind.USERNAME and user is not None:
        row.user = user
    row.newly_locked = not locked and row.failures >= settings.ZONEDESK["LOGIN_MAX_FAILURES"]
    if row.newly_locked:
        row.locked_until = now + _cooldown()
    row.save()
    return row


def _forget_stale(now) -> None:
    """Delete rows whose failures are older than the cool-down and that lock nothing, so the
    table holds only the last minutes' guesses. Rows another log-in is counting are skipped,
    not waited for (no deadlock between two failed log-ins)."""
    stale = (
        LoginThrottle.objects.select_for_update(skip_locked=True)
        .filter(last_failure_at__lt=now - _cooldown())
        .exclude(locked_until__gt=now)
        .values_list("pk", flat=True)[:STALE_BATCH]
    )
    LoginThrottle.objects.filter(pk__in=list(stale)).delete()


@transaction.atomic
def login_failed(*, username: str, address: str | None) -> dt.datetime | None:
    """A failed log-in with `username` from `address`: counted against both, audited
    (login_failed, and locked_out when it locks either). Returns the end of the lock now in
    force on either, else None."""
    now = timezone.now()
    _forget_stale(now)
    user = User.objects.filter(username=username).first() if username else None
    keys = [
        (LoginThrottle.Kind.USERNAME, LoginThrottle.username_key(username)),
        (LoginThrottle.Kind.ADDRESS, address),
    ]
    rows = [_count_failure(kind, key, user=user, now=now) for kind, key in keys if key]
    audit.security_event(
        "login_failed",
        user=user,
        username=username,
        detail={row.kind: row.failures for row in rows},
    )
    for row in rows:
        if row.newly_locked:
            audit.security_event(
                "locked_out",
                user=user if row.kind == LoginThrottle.Kind.USERNAME else None,
                username=username,
                detail={"by": row.kind, "key": row.key, "until": row.locked_until.isoformat()},
            )
    ends = [row.locked_until for row in rows if row.locked_until and row.locked_until > now]
    return max(ends, default=None)


@transaction.atomic
def login_refused(*, username: str, address: str | None, until: dt.datetime) -> None:
    """A log-in tried while its user name or address is locked: not checked, not counted (the
    lock does not grow), audited as a failed log-in."""
    user = User.objects.filter(username=username).first() if username else None
    audit.security_event(
        "login_failed", user=user, username=username, detail={"locked_until": until.isoformat()}
    )


def login_succeeded(*, username: str) -> None:
    """Forget the user name's failures (not the address's: one good account does not clear
    an address that is guessing others)."""
    LoginThrottle.objects.filter(
        kind=LoginThrottle.Kind.USERNAME, key=LoginThrottle.username_key(username)
    ).delete()


@transaction.atomic
def login_lock_lift(*, actor: Actor, lock: LoginThrottle) -> None:
    """The security administrator lifts a lock (and forgets its failures)."""
    if not access.can_manage_security(actor):
        raise PermissionDenied()
    audit.record(
        actor=actor,
        action="delete",
        instance=lock,
        changes={
            "failures": [lock.failures, 0],
            "locked_until": [audit.plain(lock.locked_until), None],
        },
        **(audit_scope(lock.user) if lock.user_id else {}),
    )
    lock.delete()

"""Log-in protection: a lock per typed user name and per client address."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.services import audit_scope
from zonedesk.org import access
from zonedesk.org.models import LoginThrottle, User

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
    limit = settings.ZONEDESK[
        "LOGIN_MAX_FAILURES"
        if kind == LoginThrottle.Kind.USERNAME
        else "LOGIN_MAX_FAILURES_PER_ADDRESS"
    ]
    row.newly_locked = not locked and row.failures >= limit
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
        # in the unit of the locked account, or of the administrator who lifted an address's
        **audit_scope(lock.user if lock.user_id else actor),
    )
    lock.delete()

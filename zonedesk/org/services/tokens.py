"""API tokens: created, revoked, expired and checked on every request."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.services import audit_scope
from zonedesk.org import access
from zonedesk.org.models import ApiToken, User

# How fresh a token's "last used" is kept: stamping every request would make every API call,
# a read, also a write (and on PostgreSQL a commit), for a date shown to the minute.
TOKEN_STAMP_EVERY = dt.timedelta(minutes=1)


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

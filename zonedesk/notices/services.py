"""Writes of notices: send a notification, mark read, a user's channels, the daily digest.

Sending is audited like any business write (who made the system write to whom, about what);
marking one's own notifications read is not: it changes no business data, only the reader's own
list, and an entry per click would bury the log.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.services import clean
from zonedesk.notices import selectors
from zonedesk.notices.channels import Digest, channels
from zonedesk.notices.models import DigestSent, Notification, Preference
from zonedesk.notices.registry import Kind

log = logging.getLogger(__name__)


class AlreadySent(DomainError):
    """A reminder about an item that was already sent today."""

    default_message = _("A reminder about this was already sent today.")


def _scope(user) -> dict:
    area = user.area if getattr(user, "area_id", None) else None
    return {"zone_id": user.zone_id, "area_code": area.code if area is not None else ""}


def notify(
    *,
    actor: Actor,
    recipient,
    kind: str,
    title: str,
    link: str = "",
    body: str = "",
    about: str = "",
    once_per_day: bool = False,
    today: dt.date | None = None,
) -> Notification:
    """Send `recipient` a notification through the channels they chose for `kind` (the centre
    and e-mail unless they turned them off). `once_per_day`: refused with AlreadySent when one
    about `about` was already sent on `today`. Audited."""
    if kind not in Kind.values:
        raise ValidationFailed({"kind": [_("Unknown kind of notification: %s") % kind]})
    if recipient is None or not recipient.is_active:
        raise ValidationFailed({"recipient": [_("The recipient is not an active user.")]})
    if once_per_day and not about:
        raise ValueError("once_per_day needs `about`")
    day = today or timezone.localdate()
    on = selectors.preferences(recipient)[kind]
    chosen = [c for c in channels() if c.key in on]
    notification = Notification(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        link=link,
        sender=None if is_system(actor) else actor,
        about=about,
        once_key=selectors.once_key(about, day) if once_per_day else None,
        in_app="inapp" in on,
        channels=[],
    )
    clean(notification, exclude=["once_key"])
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError as exc:
        raise AlreadySent(
            _("A reminder about this was already sent to %(user)s today (%(day)s).")
            % {"user": recipient, "day": day.isoformat()}
        ) from exc
    sent = [c.key for c in chosen if c.available(recipient) and c.send(notification)]
    notification.channels = sent
    notification.save(update_fields=["channels"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=notification,
        changes={
            "recipient": [None, str(recipient)],
            "kind": [None, kind],
            "title": [None, notification.title],
            "about": [None, about],
            "channels": [None, sent],
        },
        **_scope(recipient),
    )
    return notification


@transaction.atomic
def notification_read(*, actor: Actor, pk: int) -> Notification:
    """Mark one of the actor's own notifications read (again: no change)."""
    notification = selectors.notification_get(actor, pk=pk)
    if notification is None:
        raise NotFound(_("No such notification of yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, actor: Actor) -> int:
    """Mark all of the actor's notifications read; how many were unread."""
    return selectors.notifications(actor, unread_only=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, actor: Actor, user, chosen: dict[str, set[str]]) -> dict[str, set[str]]:
    """Set which channels bring each kind to `user` (only the user themselves may). Audited."""
    if is_system(actor) or actor.pk != user.pk:
        raise PermissionDenied
    keys = [c.key for c in channels()]
    unknown = {c for on in chosen.values() for c in on} - set(keys)
    if unknown or set(chosen) - set(Kind.values):
        raise ValidationFailed(
            {"__all__": [_("Unknown kind or channel: %s") % ", ".join(sorted(unknown))]}
        )
    before = selectors.preferences(user)
    for kind in Kind.values:
        on = chosen.get(kind, set())
        for key in keys:
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=key, defaults={"enabled": key in on}
            )
    after = selectors.preferences(user)
    changes = {
        kind: [sorted(before[kind]), sorted(after[kind])]
        for kind in Kind.values
        if before[kind] != after[kind]
    }
    if changes:
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=user,
            changes={"notice_channels": changes},
            **_scope(user),
        )
    return after


def digest_send(*, actor: Actor, day: dt.date) -> list[tuple[str, int]]:
    """The daily digest of `day` to every active user with something due or unread, through
    the digest channels each chose per kind: at most one per user and day (a second run sends
    nobody anything). The users sent one, with their number of items."""
    if not is_system(actor):
        raise PermissionDenied
    carriers = [c for c in channels() if c.digests]
    out = []
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    done = set(DigestSent.objects.filter(day=day).values_list("user_id", flat=True))
    for user in users:
        if user.pk in done:
            continue
        on = selectors.preferences(user)
        ways = [c for c in carriers if c.available(user)]
        kinds = {k for k, keys in on.items() if any(c.key in keys for c in ways)}
        if not kinds:
            continue
        try:  # in the platform's language, like the e-mail around it (notices.channels)
            with translation.override(settings.LANGUAGE_CODE):
                due = selectors.due_for(user, today=day, kinds=kinds)
        except Exception:  # one user's broken data must not stop everyone's digest
            log.exception("notices: the due items of %s failed", user)
            continue
        unread = list(
            selectors.notifications(user, unread_only=True).filter(
                kind__in=kinds, created__date__lte=day
            )[:50]
        )
        digest = Digest(day=day, due=due, unread=unread)
        if not len(digest):
            continue
        out.append((user.username, len(digest), _send_digest(actor, user, day, digest, ways, on)))
    return [(name, n) for name, n, sent in out if sent]


def _send_digest(actor, user, day, digest: Digest, ways, on) -> bool:
    try:
        with transaction.atomic():
            row = DigestSent.objects.create(user=user, day=day, items=len(digest))
    except IntegrityError:  # a run at the same time got there first
        return False
    sent = []
    for channel in ways:
        mine = Digest(
            day=day,
            due=[i for i in digest.due if channel.key in on.get(i.kind, ())],
            unread=[n for n in digest.unread if channel.key in on.get(n.kind, ())],
        )
        if len(mine) and channel.send_digest(user, mine):
            sent.append(channel.key)
    if not sent:  # nothing went out: the next run tries again
        row.delete()
        return False
    row.channels = sent
    row.save(update_fields=["channels"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=row,
        changes={
            "user": [None, user.username],
            "day": [None, day.isoformat()],
            "items": [None, len(digest)],
            "channels": [None, sent],
        },
        **_scope(user),
    )
    return True

"""Writes of notices: send a notification, mark read, a user's channels, the daily digest.

Sending is audited like any business write (who made the system write to whom, about what);
marking one's own notifications read is not: it changes no business data, only the reader's own
list, and an entry per click would bury the log.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.core import audit, auditchain
from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.services import clean
from zonedesk.notices import selectors
from zonedesk.notices.channels import Digest, channels
from zonedesk.notices.models import Delivery, DigestSent, Notification, Preference
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
    chosen = [c for c in channels() if c.key in on and c.available(recipient)]
    later = [c.key for c in chosen if not c.immediate]
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
    # The centre (a row, already written) is reached at once; e-mail and the other channels
    # are queued for the worker: the request never waits for a mail server.
    sent = [c.key for c in chosen if c.immediate and c.send(notification)]
    if sent:
        notification.channels = sent
        notification.save(update_fields=["channels"])
    Delivery.objects.bulk_create(
        [Delivery(notification=notification, channel=key) for key in later]
    )
    if later:
        transaction.on_commit(_wake_worker)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=notification,
        changes={
            "recipient": [None, str(recipient)],
            "kind": [None, kind],
            "title": [None, notification.title],
            "about": [None, about],
            # the centre at once, the others (e-mail…) queued for the worker
            "channels": [None, [*sent, *later]],
        },
        **_scope(recipient),
    )
    return notification


@dataclass(frozen=True)
class Notice:
    """One notification of a batch (notify_many)."""

    recipient: object
    title: str
    link: str = ""
    body: str = ""
    about: str = ""


@transaction.atomic
def notify_many(*, actor: Actor, kind: str, notices: Sequence[Notice]) -> list[Notification]:
    """notify() for many notifications of one kind at once (a daily run's thousands): the same
    rows, channels, deliveries and audit entries, written in a few queries whatever their number
    (one per table, batched) instead of several per notification. Every recipient must be an
    active user; nothing is written when one is not."""
    if kind not in Kind.values:
        raise ValidationFailed({"kind": [_("Unknown kind of notification: %s") % kind]})
    if not notices:
        return []
    if any(n.recipient is None or not n.recipient.is_active for n in notices):
        raise ValidationFailed({"recipient": [_("The recipient is not an active user.")]})
    people = {n.recipient.pk: n.recipient for n in notices}
    chosen_by = selectors.preferences_of(people.values())
    scope = _scopes(people)
    sender = None if is_system(actor) else actor
    ways = {}  # recipient id -> (channels on, the immediate ones, the queued ones)
    for pk, user in people.items():
        on = chosen_by[pk][kind]
        chosen = [c for c in channels() if c.key in on and c.available(user)]
        ways[pk] = (
            on,
            [c for c in chosen if c.immediate],
            [c.key for c in chosen if not c.immediate],
        )
    rows = []
    for n in notices:
        on = ways[n.recipient.pk][0]
        row = Notification(
            recipient=n.recipient,
            kind=kind,
            title=n.title[:200],
            body=n.body,
            link=n.link,
            sender=sender,
            about=n.about,
            in_app="inapp" in on,
            channels=[],
        )
        rows.append(row)
    _check(rows)
    # The centre is reached by the row itself (InApp.send needs nothing more): the channels
    # reached at once are stamped before the rows are written, not updated after.
    for row in rows:
        row.channels = [c.key for c in ways[row.recipient.pk][1] if c.send(row)]
    rows = Notification.objects.bulk_create(rows, batch_size=BATCH)
    deliveries = [
        Delivery(notification=row, channel=key) for row in rows for key in ways[row.recipient_id][2]
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
    if deliveries:
        transaction.on_commit(_wake_worker)
    # Plain rows sealed and inserted in SQL (COPY on PostgreSQL): a model instance per entry
    # was most of the batch's time (bench/project_remind.py).
    auditchain.insert(
        [
            audit.row(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                target_type=Notification._meta.label_lower,
                target_id=str(row.pk),
                target_repr=str(row),
                changes={
                    "recipient": [None, str(row.recipient)],
                    "kind": [None, kind],
                    "title": [None, row.title],
                    "about": [None, row.about],
                    "channels": [None, [*row.channels, *ways[row.recipient_id][2]]],
                },
                **scope[row.recipient_id],
            )
            for row in rows
        ]
    )
    return rows


# Rows per INSERT of a batch (SQLite takes at most 32,766 parameters a statement).
BATCH = 1000


def _scopes(people: dict) -> dict[int, dict]:
    """_scope() of each user, their areas read in one query."""
    users = get_user_model().objects.filter(pk__in=list(people)).select_related("area")
    return {u.pk: _scope(u) for u in users}


def _check(rows: list[Notification]) -> None:
    """clean() of the first row of each recipient, and of every row whose title or text holds a
    character that is not printable (a control character: what the fields' validators refuse);
    titles are cut to their field's length already. A full_clean per row was a tenth of a daily
    run's time, re-checking texts built from names their forms had checked."""
    seen: set[int] = set()
    for row in rows:
        if row.recipient_id in seen and row.title.isprintable() and row.body.isprintable():
            continue
        seen.add(row.recipient_id)
        clean(row, exclude=["once_key", "recipient", "sender"])


def _wake_worker(run_after: dt.datetime | None = None) -> None:
    """Have the background worker send the waiting deliveries (at `run_after`, when the tasks
    backend can wait; else at its next run, or the next `notices send`/digest)."""
    from zonedesk.notices.tasks import deliver

    task = deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue()
    except Exception:  # the rows wait: the next run (worker, `notices send`, digest) sends them
        log.exception("notices: the worker could not be asked to send the waiting deliveries")


def _retry_after(attempts: int) -> dt.timedelta:
    minutes = settings.ZONEDESK["NOTICE_RETRY_MINUTES"] * 2 ** max(attempts - 1, 0)
    return dt.timedelta(minutes=minutes)


# A sender holds a delivery this long while it tries it (its claim); past it, another may.
CLAIM = dt.timedelta(minutes=10)


def deliveries_send(*, actor: Actor, now: dt.datetime | None = None, batch: int = 200) -> dict:
    """Send the deliveries due (the worker's task, `zonedesk notices send`, the digest): each
    through its channel, one at a time, each claimed first so that two senders never send one
    twice. A failed try records its error and is due again after NOTICE_RETRY_MINUTES, doubling;
    after NOTICE_SEND_ATTEMPTS tries it is recorded as failed and audited. The counts of sent,
    retried and failed."""
    if not is_system(actor):
        raise PermissionDenied
    now = now or timezone.now()
    by_key = {c.key: c for c in channels()}
    most = settings.ZONEDESK["NOTICE_SEND_ATTEMPTS"]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    while due := list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_try_at__lte=now).values_list(
            "pk", "next_try_at"
        )[:batch]
    ):
        for pk, at in due:
            # a claim: its next try moved past `now`, so neither this loop nor another sender
            # takes it again while it is being tried
            claimed = Delivery.objects.filter(
                pk=pk, state=Delivery.State.PENDING, next_try_at=at
            ).update(next_try_at=now + CLAIM)
            if not claimed:  # another sender has it
                continue
            delivery = Delivery.objects.select_related("notification__recipient").get(pk=pk)
            counts[_try(actor, delivery, by_key.get(delivery.channel), now, most)] += 1
    waiting = (
        Delivery.objects.filter(state=Delivery.State.PENDING)
        .order_by("next_try_at")
        .values_list("next_try_at", flat=True)
        .first()
    )
    if counts["retry"] and waiting is not None:
        _wake_worker(run_after=max(waiting, now + dt.timedelta(seconds=1)))
    return counts


def _try(actor: Actor, delivery: Delivery, channel, now: dt.datetime, most: int) -> str:
    notification = delivery.notification
    recipient = notification.recipient
    delivery.attempts += 1
    error = ""
    if channel is None:
        error, most = _("This channel is no longer configured."), 0
    elif not recipient.is_active or not channel.available(recipient):
        error, most = _("The recipient can no longer be reached this way."), 0
    else:
        try:
            if not channel.send(notification):
                error = _("The channel did not accept the message.")
        except Exception as exc:  # the server down, refusing, or too slow: tried again later
            error = f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__
            log.warning("notices: %s to %s failed: %s", delivery.channel, recipient, error)
    if not error:
        delivery.state, delivery.sent_at, delivery.error = Delivery.State.SENT, now, ""
        delivery.save(update_fields=["state", "sent_at", "error", "attempts"])
        with transaction.atomic():
            row = Notification.objects.select_for_update().get(pk=notification.pk)
            row.channels = [*row.channels, delivery.channel]
            row.save(update_fields=["channels"])
        return "sent"
    delivery.error = error
    if delivery.attempts < most:
        delivery.next_try_at = now + _retry_after(delivery.attempts)
        delivery.save(update_fields=["error", "attempts", "next_try_at"])
        return "retry"
    delivery.state = Delivery.State.FAILED
    delivery.save(update_fields=["state", "error", "attempts"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=delivery,
        changes={
            "state": [Delivery.State.PENDING, Delivery.State.FAILED],
            "recipient": [None, str(recipient)],
            "channel": [None, delivery.channel],
            "attempts": [None, delivery.attempts],
            "error": [None, error],
        },
        **_scope(recipient),
    )
    return "failed"


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
def notifications_settle(*, actor: Actor, kind: str, about: str) -> int:
    """Mark read every unread notification of `kind` about `about`, for every recipient: the
    thing they asked to act on is done (a re-plan decided by another leader), so it no longer
    waits in anyone's centre. How many were unread; audited on each one."""
    unread = list(Notification.objects.filter(kind=kind, about=about, read_at__isnull=True))
    now = timezone.now()
    for notification in unread:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=notification,
            changes={"read_at": [None, audit.plain(now)]},
            **_scope(notification.recipient),
        )
    return len(unread)


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

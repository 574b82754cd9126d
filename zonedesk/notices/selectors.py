"""Reads of notifications: always the acting user's own."""

import datetime as dt
import logging

from django.db.models import QuerySet

from zonedesk.notices.channels import channel_keys
from zonedesk.notices.models import Notification, Preference
from zonedesk.notices.registry import RECEIVED_BY, DueItem, Kind, providers

log = logging.getLogger(__name__)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "pk", None))


def notifications(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications shown in the centre, newest first."""
    if not _signed_in(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user, in_app=True).select_related("sender")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    return notifications(user, unread_only=True).count()


def notification_get(user, *, pk: int) -> Notification | None:
    return notifications(user).filter(pk=pk).first()


def preferences(user) -> dict[str, set[str]]:
    """kind -> the channels on for the user (every channel unless they turned it off)."""
    keys = channel_keys()
    chosen = {kind: set(keys) for kind in Kind.values}
    if not _signed_in(user):
        return chosen
    for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        if kind in chosen and channel in keys:
            (chosen[kind].add if enabled else chosen[kind].discard)(channel)
    return chosen


def preferences_of(users) -> dict[int, dict[str, set[str]]]:
    """preferences() of several users at once (one query), by user id."""
    keys = channel_keys()
    out = {u.pk: {kind: set(keys) for kind in Kind.values} for u in users if _signed_in(u)}
    rows = Preference.objects.filter(user_id__in=list(out)).values_list(
        "user_id", "kind", "channel", "enabled"
    )
    for user_id, kind, channel, enabled in rows:
        chosen = out[user_id]
        if kind in chosen and channel in keys:
            (chosen[kind].add if enabled else chosen[kind].discard)(channel)
    return out


def kinds_for(user) -> list[str]:
    """The kinds of notification the user's roles can ever bring them, in the order of `Kind`
    (a superuser: every kind)."""
    if not _signed_in(user):
        return []
    if user.is_superuser:
        return list(Kind.values)
    return [kind for kind in Kind.values if RECEIVED_BY[kind] & user.roles]


def due_for(user, *, today: dt.date, kinds: set[str] | None = None) -> list[DueItem]:
    """What is due for the user, as every installed app's providers see it (of `kinds`, default
    all): overdue first, then by date."""
    if not _signed_in(user) or not user.is_active:
        return []
    items: list[DueItem] = []
    for provider in providers():
        if kinds is not None and provider.kind not in kinds:
            continue
        items += provider.load()(user, today=today)
    return sorted(items, key=lambda i: (not i.overdue, i.due_on or dt.date.max, i.title))


def sent_today(*, about: str, day: dt.date) -> Notification | None:
    """The notification about `about` sent at most once on `day`, if one was."""
    return Notification.objects.filter(once_key=once_key(about, day)).first()


def once_key(about: str, day: dt.date) -> str:
    return f"{about}|{day.isoformat()}"


def reminded(*, abouts: list[str], day: dt.date) -> set[str]:
    """Of `abouts`, those a once-a-day notification was sent about on `day`."""
    # The day's keys, then matched here: a page may ask about thousands of items, more than
    # one SQL IN list should hold.
    keys = {once_key(a, day): a for a in abouts}
    found = Notification.objects.filter(once_key__endswith=f"|{day.isoformat()}").values_list(
        "once_key", flat=True
    )
    return {keys[k] for k in found if k in keys}


def unread_badge(request) -> int:
    """The unread count of the request's user, counted once per request (the page cache's key
    and the badge in the page both ask)."""
    found = getattr(request, "_notices_unread", None)
    if found is None:
        found = request._notices_unread = unread_count(request.user)
    return found

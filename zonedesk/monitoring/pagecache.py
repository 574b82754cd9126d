"""The dashboard's figures rendered once for every change of what they show, not per request.

A month's status (selectors.status) reads two years of a zone's figures and the page built on it
costs a worker a hundred times what a plain request does; but it changes only when a write
changes the figures, the target or the firms behind it. Every such write counts the zone's
version up (`changed`, in the write's own transaction: services and the firms_changed event
for bulk writes, the Enterprise signals for single ones); the rendered part of the page is
cached under a key made of the zones' versions, the month and options, the language and who
is looking, so the next request after a write computes it afresh and the ones after that
reuse it. Nothing is ever deleted: keys that are no longer asked for expire (CACHE_SECONDS,
which also bounds how long a change outside those writes, an officer's renamed account say,
may go unseen).

Two levels. The figures (`key`) are shared by everyone who sees the same scope, so they hold
no CSRF token and nothing of the user: the forms are rendered per request around them. The whole
page (`page_key`) is kept for one user's repeated views (a dashboard left open and reloaded, the
way back from a firm's page): it holds their name, roles and CSRF token, so its key has their
identity and CSRF secret, and a request without a valid CSRF cookie (whose page sets a new
one) or with messages waiting to be shown is always rendered.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import translation

from zonedesk.monitoring.models import ZoneVersion
from zonedesk.org.access import UNIT_WIDE_ROLES

CACHE_SECONDS = 600


def changed(zone_ids: Iterable[int], *, first: bool = True) -> None:
    """What the zones' pages show has changed (called inside the writing transaction).
    `first=False` only counts up zones counted before (a zone being deleted cannot be given a
    first version: a page of it cached at version 0 then waits for CACHE_SECONDS)."""
    ids = sorted({z for z in zone_ids if z is not None})
    if not ids:
        return
    with transaction.atomic():
        if first:
            ZoneVersion.objects.bulk_create(
                [ZoneVersion(zone_id=z) for z in ids], ignore_conflicts=True
            )
        ZoneVersion.objects.filter(zone__in=ids).update(version=F("version") + 1)


def on_firms_changed(*, actor, firms) -> None:
    """Handler of core.events.firms_changed (settings.ZONEDESK["ON_FIRMS_CHANGED"])."""
    changed(firms.order_by().values_list("zone_id", flat=True).distinct())


def on_enterprise_saved(sender, instance, **kwargs) -> None:
    """post_save of an Enterprise (its name, officer or status are on the page)."""
    changed([instance.zone_id])


def on_enterprise_deleted(sender, instance, **kwargs) -> None:
    """post_delete of an Enterprise (perhaps as its zone is deleted)."""
    changed([instance.zone_id], first=False)


def _audience(user) -> str:
    """Whose view it is: everyone who sees whole zones sees the same page of a scope."""
    if user.is_superuser or user.has_role(*UNIT_WIDE_ROLES):
        return "unit"
    return f"user:{user.pk}"


def key(user, zone_ids: Iterable[int], name: str, **params) -> str:
    """The cache key of page part `name` of these zones, as `user` sees it, with `params`."""
    zone_ids = sorted(zone_ids)
    versions = dict(ZoneVersion.objects.filter(zone__in=zone_ids).values_list("zone_id", "version"))
    raw = repr(
        (
            name,
            [(z, versions.get(z, 0)) for z in zone_ids],
            _audience(user),
            translation.get_language(),
            sorted(params.items()),
        )
    )
    return f"zonedesk:monitoring:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


def page_key(request, figures_key: str) -> str | None:
    """The key of the whole page for this user and CSRF secret, or None: render it."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return None  # no valid CSRF cookie came in: the page sets a new one
    if len(messages.get_messages(request)):
        return None  # shown once, never cached
    user = request.user
    raw = repr(
        (figures_key, user.pk, str(user), sorted(user.roles), user.zone_id, user.area_id, secret)
    )
    return f"zonedesk:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def get_or_render(cache_key: str, render: Callable[[], str]) -> str:
    """The part cached under the key, rendered (and kept) when missing."""
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, CACHE_SECONDS)
    return html

"""The dashboard's figures rendered once for every change of what they show, not per request.

A month's status (selectors.status) reads two years of a zone's figures and the page built on it
costs a worker a hundred times what a plain request does; but it changes only when a write
changes the figures, the target or the firms behind it. Every such write gives the zone a new
version (`changed`: the monitoring services, the firms_changed event, the Enterprise signals for
single saves, `rollups.rebuild` after bulk loads); the rendered part of the page is cached
under a key made of the zones' versions, the month and options, the language and who is
looking, so the next request after a write computes it afresh and the ones after that reuse
it. A version is a random number, not a count, so a database emptied and loaded again (the
demo) cannot meet its old pages. The new version is written when the write has committed, in
a transaction of its own: a business transaction never holds a version row locked (two writes
to one zone would queue on it, and could deadlock with the policies' match-state rows); the
price is that a page computed in the instant between a commit and its version may be served
once more. Nothing is ever deleted: keys that are no longer asked for expire (CACHE_SECONDS,
which also bounds how long a change outside those writes, an officer's renamed account say,
may go unseen).

Two levels. The figures (`key`) are shared by everyone who sees the same scope, so they hold
no CSRF token and nothing of the user: the forms are rendered per request around them. The whole
page (`page_key`) is kept for one user's repeated views (a dashboard left open and reloaded, the
way back from a firm's page): it holds their name, roles and CSRF token, so its key has their
identity, CSRF secret and unread notifications (the badge), and a request without a valid CSRF cookie (whose page sets a new
one) or with messages waiting to be shown is always rendered.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from functools import partial

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from zonedesk.core.actors import Actor
from zonedesk.monitoring.models import ZoneVersion
from zonedesk.notices import selectors as notices
from zonedesk.org.access import UNIT_WIDE_ROLES

CACHE_SECONDS = 600


def changed(zone_ids: Iterable[int]) -> None:
    """What the zones' pages show has changed: they get new versions once the writing
    transaction commits (at once outside one; never at all if it rolls back)."""
    ids = sorted({z for z in zone_ids if z is not None})
    if ids:
        # robust: the write has committed; a failed bump leaves pages stale for CACHE_SECONDS
        # at worst, and must not turn the write's answer into an error.
        transaction.on_commit(partial(_new_versions, ids), robust=True)


@transaction.atomic
def _new_versions(zone_ids: list[int]) -> None:
    version = secrets.randbits(62)
    ZoneVersion.objects.bulk_create(
        [ZoneVersion(zone_id=z, version=version) for z in zone_ids], ignore_conflicts=True
    )
    ZoneVersion.objects.filter(zone__in=zone_ids).update(version=version)


def on_firms_changed(*, actor: Actor, firms) -> None:
    """Handler of core.events.firms_changed (settings.ZONEDESK["ON_FIRMS_CHANGED"])."""
    changed(firms.order_by().values_list("zone_id", flat=True).distinct())


def on_enterprise_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save and post_delete of an Enterprise (its name, officer or status are on the
    page); not for fixtures being loaded (`raw`)."""
    if not raw:
        changed([instance.zone_id])


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
        (
            figures_key,
            request.get_full_path(),  # the language form's `next`
            user.pk,
            user.is_superuser,
            str(user),
            sorted(user.roles),
            user.zone_id,
            user.area_id,
            secret,
            notices.unread_badge(request),  # the badge in the top bar
        )
    )
    return f"zonedesk:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def get_or_render(cache_key: str, render: Callable[[], str]) -> str:
    """The part cached under the key, rendered (and kept) when missing."""
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, CACHE_SECONDS)
    return html

"""Domain events: a service announces that business data changed, so that apps further down the
dependency line act on it in their own services (policies re-match the firms whose facts
changed) without the announcing app importing them.

Who acts on an event is configuration, not registration at import time: the dotted paths in
`settings.ZONEDESK["ON_FIRMS_CHANGED"]`, called in order, inside the announcing service's
transaction (a failure undoes the write). No Django signals: the house style keeps those for
cache invalidation.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from zonedesk.core.actors import Actor


@cache
def _handlers(paths: tuple[str, ...]):
    return [import_string(path) for path in paths]


def firms_changed(*, actor: Actor, firms) -> None:
    """The figures or registry entries of `firms` (a queryset) changed."""
    for handler in _handlers(tuple(settings.ZONEDESK.get("ON_FIRMS_CHANGED", ()))):
        handler(actor=actor, firms=firms)


def registry_changed(*, actor: Actor, firms, fields: frozenset[str]) -> None:
    """Registry `fields` (names of Enterprise columns) of `firms` (a queryset) changed: for
    derived data that depends on a column rather than on the figures (monitoring's zone-month
    summaries depend on the production start date). Announced beside `firms_changed`."""
    for handler in _handlers(tuple(settings.ZONEDESK.get("ON_REGISTRY_CHANGED", ()))):
        handler(actor=actor, firms=firms, fields=fields)

"""The monitoring scope a command names (--zone or --area); the rest is in core.commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zonedesk.monitoring import selectors


def scope(user, *, zone: str | None, area: str | None) -> selectors.Scope:
    found = selectors.scope_for(user, zone=zone or "", area=area or "")
    if found is None:
        raise CommandError(
            _("No zone or area “%(code)s” that %(user)s may see.")
            % {"code": zone or area, "user": user}
        )
    return found

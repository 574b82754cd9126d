"""Shared options of the monitoring commands: the acting user, the zone and the month."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.period import Period
from zonedesk.monitoring import selectors
from zonedesk.org.access import SYSTEM
from zonedesk.org.selectors import user_for_command


def add_scope_arguments(parser, *, period_flag: str = "--period") -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--zone", help="zone code, e.g. demo")
    where.add_argument("--area", help="administrative division code (county, city, province)")
    parser.add_argument(period_flag, required=True, help="the month, YYYY-MM")
    parser.add_argument("--user", help="act as this user (their scope); default: the system")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def actor(username: str | None):
    current_context.set(RequestContext(via="command"))
    if not username:
        return SYSTEM
    user = user_for_command(username)
    if user is None:
        raise CommandError(_("No user named %(name)s.") % {"name": username})
    return user


def period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a month: write YYYY-MM, e.g. 2020-06.") % {"value": value}
        ) from exc


def scope(user, *, zone: str | None, area: str | None) -> selectors.Scope:
    found = selectors.scope_for(user, zone=zone or "", area=area or "")
    if found is None:
        raise CommandError(
            _("No zone or area “%(code)s” that %(user)s may see.")
            % {"code": zone or area, "user": user}
        )
    return found


LANGUAGES = {"zh": "zh-hans", "en": "en"}

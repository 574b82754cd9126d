"""What every management command shares: the acting user, the month, the language.

A command acts as the system (`core.actors.SYSTEM`, audited with the channel "command") unless
`--user` names a user, whose scope and permissions then apply.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zonedesk.core.actors import SYSTEM, Actor
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.period import Period

LANGUAGES = {"zh": "zh-hans", "en": "en"}


def add_scope_arguments(parser, *, period_flag: str = "--period") -> None:
    """--zone or --area, the month, --user and --lang."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--zone", help="zone code, e.g. demo")
    where.add_argument("--area", help="administrative division code (county, city, province)")
    parser.add_argument(period_flag, required=True, help="the month, YYYY-MM")
    parser.add_argument("--user", help="act as this user (their scope); default: the system")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def actor(username: str | None) -> Actor:
    """The named user, or the system; every write of the command is audited as made by it."""
    current_context.set(RequestContext(via="command"))
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username).first()
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

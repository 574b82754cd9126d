"""What every management command shares: the acting user, the month, the language, the file it
imports.

A command acts as the system (`core.actors.SYSTEM`, audited with the channel "command") unless
`--user` names a user, whose scope and permissions then apply.
"""

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core.actors import SYSTEM, Actor, is_system
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.errors import DomainError
from zonedesk.core.period import Period
from zonedesk.core.xlsx import ImportRejected

LANGUAGES = {"zh": "zh-hans", "en": "en"}


def add_scope_arguments(parser, *, period_flag: str = "--period") -> None:
    """--zone or --area, the month, --user and --lang."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--zone", help="zone code, e.g. demo")
    where.add_argument("--area", help="administrative division code (county, city, province)")
    parser.add_argument(period_flag, required=True, help="the month, YYYY-MM")
    add_actor_arguments(parser, user_help="act as this user (their scope); default: the system")


def add_actor_arguments(parser, *, user_help: str = "act as this user; default: the system"):
    """--user (who acts, read by `actor`) and --lang."""
    parser.add_argument("--user", help=user_help)
    add_language_argument(parser)


def add_language_argument(parser) -> None:
    """--lang: the language of the command's messages (the keys of LANGUAGES)."""
    parser.add_argument("--lang", choices=list(LANGUAGES), default="zh")


def actor(username: str | None) -> Actor:
    """The named user, or the system; every write of the command is audited as made by it."""
    current_context.set(RequestContext(via="command"))
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user named %(name)s.") % {"name": username})
    return user


def day(value: str | None) -> dt.date:
    """A command's --date: YYYY-MM-DD, today when not given."""
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": value}
        ) from exc


def period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a month: write YYYY-MM, e.g. 2020-06.") % {"value": value}
        ) from exc


def import_file(path: Path) -> Path:
    """The spreadsheet a command imports: it exists and is within the import limit."""
    if not path.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    if path.stat().st_size > settings.ZONEDESK["IMPORT_MAX_BYTES"]:
        raise CommandError(_("The file is larger than the import limit."))
    return path


@contextmanager
def import_refusals(stderr):
    """An import service's refusal as the command's failure (exit status 1): every problem of
    a rejected file on `stderr`, then their number; any other domain error as its message."""
    try:
        yield
    except ImportRejected as exc:
        for error in exc.errors:
            stderr.write(str(error))
        raise CommandError(
            _("%(count)d problems: nothing was imported.") % {"count": len(exc.errors)}
        ) from exc
    except DomainError as exc:
        raise CommandError(str(exc)) from exc


def no_zone(code: str, user: Actor) -> str:
    """The message for a zone or area code the user may not see (or that does not exist); the
    system, which sees every zone, is not named."""
    if is_system(user):
        return _("No zone or area “%(code)s”.") % {"code": code}
    return _("No zone or area “%(code)s” that %(user)s may see.") % {"code": code, "user": user}


def visible(found, *, code: str, user: Actor):
    """`found` (a selector's answer for the zone or area `code`), or the command stops with a
    message naming the code and the user."""
    if found is None:
        raise CommandError(no_zone(code, user))
    return found

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.casework import holidays, services
from zonedesk.core import commands
from zonedesk.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Casework. `casework escalate [--today YYYY-MM-DD]` escalates the problems that became "
        "overdue to the zone's leaders (run it daily); `casework holidays --load [FILE]` sets "
        "the public holidays and make-up working days of a CSV file (date,kind,name; default: "
        "the shipped file)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        escalate = sub.add_parser("escalate")
        escalate.add_argument("--today", help="the day to judge by, YYYY-MM-DD (default: today)")
        commands.add_language_argument(escalate)
        days = sub.add_parser("holidays")
        days.add_argument("--load", nargs="?", const=str(holidays.DATA), required=True)
        commands.add_actor_arguments(
            days, user_help="act as this administrator; default: the system"
        )

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            if options["action"] == "escalate":
                self.escalate(options.get("today"))
            else:
                self.load(options.get("user"), Path(options["load"]))

    def escalate(self, today: str | None):
        actor = commands.actor(None)
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(_("“%(value)s” is not a date.") % {"value": today}) from exc
        escalated = services.problems_escalate(today=day or timezone.localdate(), actor=actor)
        self.stdout.write(_("%(n)d problems escalated.") % {"n": len(escalated)})

    def load(self, username: str | None, path: Path):
        actor = commands.actor(username)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            changed = services.holidays_load(actor=actor, rows=holidays.read(path))
        except (ValueError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("%(n)d calendar days added or changed.") % {"n": changed})

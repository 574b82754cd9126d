from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.monitoring import selectors, services


class Command(BaseCommand):
    help = (
        "Import one month's figures of a zone from a spreadsheet (the template's layout): "
        "`import-monthly FILE --zone CODE --period YYYY-MM`. All rows or none; every problem "
        "is listed and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        commands.add_actor_arguments(parser, user_help="import as this user; default: the system")

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            user = commands.actor(options["user"])
            period = commands.period(options["period"])
            scope = commands.visible(
                selectors.scope_for(user, zone=options["zone"]), code=options["zone"], user=user
            )
            path = commands.import_file(Path(options["file"]))
            with commands.import_refusals(self.stderr), path.open("rb") as fh:
                result = services.monthly_import(
                    actor=user, zone=scope.zone, period=period, fileobj=fh
                )
            self.stdout.write(
                _(
                    "%(period)s: %(created)d rows added, %(updated)d changed, %(unchanged)d unchanged."
                )
                % {
                    "period": period,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.core.errors import DomainError
from zonedesk.core.xlsx import ImportRejected
from zonedesk.monitoring import services
from zonedesk.monitoring.management.commands import _common


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
        parser.add_argument("--user", help="import as this user; default: the system")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            user = commands.actor(options["user"])
            period = commands.period(options["period"])
            scope = _common.scope(user, zone=options["zone"], area=None)
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            if path.stat().st_size > settings.ZONEDESK["IMPORT_MAX_BYTES"]:
                raise CommandError(_("The file is larger than the import limit."))
            try:
                with path.open("rb") as fh:
                    result = services.monthly_import(
                        actor=user,
                        zone=scope.zone,
                        period=period,
                        fileobj=fh,
                    )
            except ImportRejected as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    _("%(count)d problems: nothing was imported.") % {"count": len(exc.errors)}
                ) from exc
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
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

"""`zonedesk restore PATH [--force]`: replace the database (and MEDIA_ROOT's files, when the
backup has them) by a backup made with `zonedesk backup`. Refuses a file that is not a zonedesk
backup of this kind of database, and a database that has tables unless --force. Stop the web
server and the worker first; run `zonedesk migrate` after. Audited (in the restored database).

The runbook is docs/backup.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import audit, backup, commands
from zonedesk.core.models import AuditEntry


class Command(BaseCommand):
    help = "Restore the database from a file written by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--force", action="store_true", help="replace a database that has data")
        commands.add_language_argument(parser)

    def handle(self, *args, path, force, lang, **options):
        with translation.override(commands.LANGUAGES[lang]):
            try:
                restored = backup.restore(path, force=force)
            except backup.BackupRefused as exc:
                raise CommandError(str(exc)) from exc
            try:
                audit.record_event(
                    actor=commands.actor(None),
                    action=AuditEntry.Action.RESTORE,
                    target_type="system.backup",
                    target_repr=path.name,
                    changes={"files": [str(p) for p in restored], "replaced": force},
                )
            except DatabaseError:
                self.stderr.write(
                    _("The restore could not be audited yet: run `zonedesk migrate`, then check.")
                )
            self.stdout.write(_("Restored from %(path)s.") % {"path": path})

"""`zonedesk backup [--output PATH]`: the whole database to one file (pg_dump's custom format on
PostgreSQL, an SQLite database file on SQLite), and MEDIA_ROOT's files beside it when there are
any. Default: VAR_DIR/backups/zonedesk-<time>.<dump|sqlite3>. Audited as the system's act.

The runbook is docs/backup.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import audit, backup, commands
from zonedesk.core.models import AuditEntry


class Command(BaseCommand):
    help = "Back up the database (and MEDIA_ROOT's files) to a file; restore it with `restore`."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the backup file (must not exist)")
        commands.add_language_argument(parser)

    def handle(self, *args, output, lang, **options):
        with translation.override(commands.LANGUAGES[lang]):
            actor = commands.actor(None)
            path = output or backup.default_path()
            try:
                made = backup.backup(path)
            except backup.BackupRefused as exc:
                raise CommandError(str(exc)) from exc
            audit.record_event(
                actor=actor,
                action=AuditEntry.Action.BACKUP,
                target_type="system.backup",
                target_repr=path.name,
                changes={
                    "files": [str(p) for p in made],
                    "bytes": sum(p.stat().st_size for p in made),
                },
            )
            for p in made:
                self.stdout.write(_("Written: %(path)s") % {"path": p})

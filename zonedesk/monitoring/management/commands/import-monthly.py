import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.monitoring import imports, selectors, services


def _names(firms) -> str:
    return "、".join(f.name for f in firms)


class Command(BaseCommand):
    help = (
        "Import one month's figures of a zone from a spreadsheet (the template's layout): "
        "`import-monthly FILE --zone CODE --period YYYY-MM`. All rows or none; every problem "
        "is listed and the exit status is 1. Before writing, the firms whose stored figures "
        "would be overwritten are listed (each figure stored → in the file, and whether the "
        "month was confirmed, the firm's own report or the office's) and the command asks "
        "(--yes: do not ask; without a terminal it refuses unless --yes); --dry-run only lists."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what it would change; write nothing",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="overwrite stored figures without asking",
        )
        commands.add_actor_arguments(parser, user_help="import as this user; default: the system")

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            user = commands.actor(options["user"])
            period = commands.period(options["period"])
            scope = commands.visible(
                selectors.scope_for(user, zone=options["zone"]), code=options["zone"], user=user
            )
            path = commands.import_file(Path(options["file"]))
            content = path.read_bytes()
            with commands.import_refusals(self.stderr):
                preview = services.monthly_import_preview(
                    actor=user, zone=scope.zone, period=period, fileobj=content
                )
            self._show(preview)
            if options["dry_run"]:
                self.stdout.write(_("Dry run: nothing was imported."))
                return
            if preview.overwrites and not options["yes"]:
                self._ask(len(preview.overwrites))
            with commands.import_refusals(self.stderr):
                result = services.monthly_import(
                    actor=user,
                    zone=scope.zone,
                    period=period,
                    fileobj=content,
                    expected_stored=preview.stored,
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
            for label, firms in (
                (_("Firms whose month was added"), result.created_firms),
                (_("Firms whose figures were changed"), result.updated_firms),
                (_("Firms whose figures were unchanged"), result.unchanged_firms),
            ):
                if firms:
                    self.stdout.write(f"{label} ({len(firms)}): {_names(firms)}")

    def _show(self, preview) -> None:
        """What the file would change: the counts, then each overwritten month."""
        self.stdout.write(
            _(
                "%(period)s: %(created)d firms get the month for the first time, %(updated)d "
                "firms' stored figures would be overwritten, %(unchanged)d are unchanged."
            )
            % {
                "period": preview.period,
                "created": len(preview.created),
                "updated": len(preview.overwrites),
                "unchanged": len(preview.unchanged),
            }
        )
        headers = {key: col.header for key, col in imports.columns().items()}
        for o in preview.overwrites:
            figures = "; ".join(
                f"{headers.get(k, k)} {'—' if old is None else old} → {'—' if new is None else new}"
                for k, (old, new) in o.changes.items()
            )
            self.stdout.write(
                f"  {o.firm.name} {o.firm.credit_code} {o.period} "
                f"[{services.Source.LABELS[o.source]}]: {figures}"
            )

    def _ask(self, count: int) -> None:
        refused = _(
            "%(count)d firms' stored figures would be overwritten: nothing was imported. "
            "Run again with --yes to import."
        ) % {"count": count}
        if not sys.stdin.isatty():
            raise CommandError(refused)
        answer = input(
            _("Overwrite the stored figures of these %(count)d firms? [y/N] ") % {"count": count}
        )
        if answer.strip().lower() not in ("y", "yes", "是"):
            raise CommandError(refused)

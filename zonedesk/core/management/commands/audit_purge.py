"""zonedesk audit_purge --before DATE: remove audit entries older than DATE.

Refuses a date inside the retention period (ZONEDESK_AUDIT_RETENTION_DAYS, never below 180 days:
MLPS level 3 keeps audit records six months) and a chain that does not verify. The chain stays
verifiable: the last removed entry's hash becomes its anchor. The purge is itself audited.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import auditchain
from zonedesk.core.commands import LANGUAGES, actor, add_language_argument, day
from zonedesk.core.errors import DomainError, ValidationFailed


class Command(BaseCommand):
    help = "Remove audit entries written before --before (YYYY-MM-DD), at least 180 days ago."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")
        add_language_argument(parser)

    def handle(self, *args, **options):
        with translation.override(LANGUAGES[options["lang"]]):
            before = day(options["before"])
            try:
                removed = auditchain.purge(actor=actor(None), before=before)
            except ValidationFailed as exc:
                raise CommandError(" ".join(m for ms in exc.errors.values() for m in ms)) from exc
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("Removed %(n)d audit entries.") % {"n": removed})

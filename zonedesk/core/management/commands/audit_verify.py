"""zonedesk audit_verify: recompute the audit log's hash chain and name the first broken entry.

Exit code 0 when the whole chain holds, 1 (CommandError) at the first entry that was changed,
removed around or inserted; run it from cron, alert on a non-zero exit, and keep the printed
last hash elsewhere (someone able to rewrite the whole database could otherwise cut the end of
the chain and rewrite the head to match).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import auditchain
from zonedesk.core.commands import LANGUAGES, add_language_argument


class Command(BaseCommand):
    help = "Check the audit log's hash chain; name the first broken entry (exit code 1)."

    def add_arguments(self, parser):
        add_language_argument(parser)

    def handle(self, *args, **options):
        with translation.override(LANGUAGES[options["lang"]]):
            checked, broken = auditchain.verify()
            if broken is not None:
                raise CommandError(
                    _(
                        "Audit chain broken at entry id %(id)s (number %(seq)s): %(reason)s. "
                        "%(checked)d entries before it hold."
                    )
                    % {
                        "id": broken.entry_id if broken.entry_id is not None else "-",
                        "seq": broken.seq,
                        "reason": broken.reason,
                        "checked": checked,
                    }
                )
            self.stdout.write(_("Audit chain holds: %(n)d entries.") % {"n": checked})
            # Kept outside the database (a log server, a ticket), the last hash shows later
            # whether entries were cut from the end and the head rewritten to match.
            head = auditchain.head()
            self.stdout.write(
                _("Last entry: number %(seq)s, hash %(hash)s.") % {"seq": head[0], "hash": head[1]}
            )

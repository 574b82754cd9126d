from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.notices import services


class Command(BaseCommand):
    help = (
        "Notifications. `notices digest [--day YYYY-MM-DD]` e-mails each user what is due for "
        "them and their unread notifications, once per user and day (a second run sends "
        "nothing); run it daily (deploy/systemd/zonedesk-digest.timer). It first sends the "
        "notifications' e-mails still waiting, as `notices send` does (the background worker "
        "sends them as they come)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        digest = sub.add_parser("digest")
        digest.add_argument("--day", help="the day of the digest, YYYY-MM-DD (default: today)")
        commands.add_language_argument(digest)
        send = sub.add_parser("send")
        commands.add_language_argument(send)

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            actor = commands.actor(None)
            if options["action"] == "send":
                self._send(actor)
                return
            value = options.get("day")
            day = commands.day(value)
            self._send(actor)
            sent = services.digest_send(actor=actor, day=day)
            self.stdout.write(
                _("%(n)d digests sent for %(day)s.") % {"n": len(sent), "day": day.isoformat()}
            )

    def _send(self, actor) -> None:
        counts = services.deliveries_send(actor=actor)
        self.stdout.write(
            _(
                "Notifications waiting to be sent: %(sent)d sent, %(retry)d to be tried again, "
                "%(failed)d could not be sent."
            )
            % counts
        )

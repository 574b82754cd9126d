"""`zonedesk projects remind [--date YYYY-MM-DD]`: the daily reminder of key project nodes that
turned yellow or red (deploy/systemd/zonedesk-project-remind.timer)."""

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.notices import services as notices
from zonedesk.projects import services


class Command(BaseCommand):
    help = (
        "Key projects. `projects remind [--date YYYY-MM-DD]` tells the person in charge of each "
        "node that turned yellow or red since it was last told of, and the project's service "
        "officer, in their notification centre and by e-mail as each chose: once per light "
        "change (a second run on one day tells nobody anything). Run it daily "
        "(deploy/systemd/zonedesk-project-remind.timer); the e-mails leave with the run."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind")
        remind.add_argument("--date", help="the day of the lights, YYYY-MM-DD (default: today)")
        commands.add_language_argument(remind)

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            actor = commands.actor(None)
            value = options.get("date")
            day = commands.day(value)
            result = services.lights_remind(actor=actor, today=day)
            self.stdout.write(
                _(
                    "%(day)s: %(nodes)d nodes turned yellow or red since they were last told "
                    "of; %(sent)d notifications sent."
                )
                % {"day": day.isoformat(), "nodes": result.told, "sent": result.notifications}
            )
            for node in result.unreached:
                self.stdout.write(
                    _("Nobody to tell of “%(node)s” of %(project)s: name its person in charge.")
                    % {"node": node.name, "project": node.project.name}
                )
            counts = notices.deliveries_send(actor=actor)
            self.stdout.write(
                _(
                    "Notifications waiting to be sent: %(sent)d sent, %(retry)d to be tried "
                    "again, %(failed)d could not be sent."
                )
                % counts
            )

"""`zonedesk finance remind [--date YYYY-MM-DD]`: the daily reminder of bridge loans out past
their due date, to the zone's leaders and the firm's liaison officer."""

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.finance.services import bridge as services
from zonedesk.notices import services as notices


class Command(BaseCommand):
    help = (
        "Financing. `finance remind [--date YYYY-MM-DD]` tells the zone's leaders and the firm's "
        "liaison officer of each bridge loan out past its due date, once a day while it stays "
        "overdue (a second run on one day tells nobody anything). Run it daily."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind")
        remind.add_argument("--date", help="the day of the figures, YYYY-MM-DD (default: today)")
        commands.add_language_argument(remind)

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            actor = commands.actor(None)
            value = options.get("date")
            day = commands.day(value)
            result = services.bridge_overdue_remind(actor=actor, today=day)
            self.stdout.write(
                _("%(day)s: %(loans)d bridge loans overdue; %(sent)d notifications sent.")
                % {"day": day.isoformat(), "loans": result.overdue, "sent": result.notifications}
            )
            counts = notices.deliveries_send(actor=actor)
            self.stdout.write(
                _(
                    "Notifications waiting to be sent: %(sent)d sent, %(retry)d to be tried "
                    "again, %(failed)d could not be sent."
                )
                % counts
            )

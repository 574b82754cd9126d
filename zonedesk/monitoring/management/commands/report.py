import json

from django.core.management.base import BaseCommand
from django.utils import translation

from zonedesk.monitoring import report as wording
from zonedesk.monitoring import selectors
from zonedesk.monitoring.management.commands import _common
from zonedesk.monitoring.serialise import status_dict


class Command(BaseCommand):
    help = (
        "Reports written from the data. `report status --zone CODE --period YYYY-MM "
        "[--lang zh|en] [--json]` prints the month's production status paragraph."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        status = sub.add_parser("status", help="the production status paragraph of a month")
        _common.add_scope_arguments(status)
        status.add_argument("--json", action="store_true", help="the figures as JSON instead")

    def handle(self, *args, **options):
        user = _common.actor(options["user"])
        with translation.override(_common.LANGUAGES[options["lang"]]):
            period = _common.period(options["period"])
            scope = _common.scope(user, zone=options["zone"], area=options["area"])
            st = selectors.status(user, scope, period)
            if options["json"]:
                self.stdout.write(json.dumps(status_dict(st), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(wording.status_paragraph(st))

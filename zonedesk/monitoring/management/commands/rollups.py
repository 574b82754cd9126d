from django.core.management.base import BaseCommand, CommandError

from zonedesk.monitoring import rollups
from zonedesk.org.models import Zone


class Command(BaseCommand):
    help = (
        "Recompute the zone-month summaries that area and province pages add up (after figures "
        "were loaded outside zonedesk's services). `rollups [--zone CODE ...]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--zone", action="append", default=[], help="a zone code (repeatable)")

    def handle(self, *args, **options):
        zone_ids = None
        if options["zone"]:
            found = dict(Zone.objects.filter(code__in=options["zone"]).values_list("code", "pk"))
            unknown = sorted(set(options["zone"]) - set(found))
            if unknown:
                raise CommandError(f"no zone {', '.join(unknown)}")
            zone_ids = list(found.values())
        stored = rollups.rebuild(zone_ids)
        self.stdout.write(f"{stored} zone-month summaries stored.")

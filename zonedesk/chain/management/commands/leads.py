"""`zonedesk leads land [--date YYYY-MM-DD] [--zone CODE]`: the daily landing (落地) of signed
investment leads whose key project went into production (deploy/systemd/zonedesk-leads-land.timer)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.chain import leads_services as services
from zonedesk.core import commands
from zonedesk.core.errors import DomainError
from zonedesk.org.selectors import zone_get


class Command(BaseCommand):
    help = (
        "Investment leads. `leads land [--date YYYY-MM-DD] [--zone CODE]` moves every signed lead "
        "whose key project is now in production (投产) to 落地, dated --date (default: today), "
        "with its event row and audit entry; a second run lands nothing more. Run it daily "
        "(deploy/systemd/zonedesk-leads-land.timer)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        land = sub.add_parser("land")
        land.add_argument("--date", help="the day of the landing, YYYY-MM-DD (default: today)")
        land.add_argument("--zone", help="one zone's leads, by code (default: every zone)")
        commands.add_actor_arguments(land)

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            actor = commands.actor(options.get("user"))
            value = options.get("date")
            day = commands.day(value)
            if day > timezone.localdate():
                raise CommandError(_("The date cannot be in the future."))
            zone = None
            if code := options.get("zone"):
                zone = commands.visible(zone_get(actor, code=code), code=code, user=actor)
            try:
                landed = services.leads_land_producing(actor=actor, zone=zone, on=day)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _("%(day)s: %(n)d signed leads landed (their key projects are in production).")
                % {"day": day.isoformat(), "n": len(landed)}
            )
            for lead in landed:
                self.stdout.write(f"  {lead.zone.code} · {lead.name}")

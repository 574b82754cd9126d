from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.core.errors import DomainError
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import selectors, services
from zonedesk.org.selectors import zone_get


class Command(BaseCommand):
    help = (
        "Above-size status (规模以上). `sizes derive --zone CODE --year YYYY [--user U]` derives "
        "every firm's status of the year from its main business revenue of the year before; "
        "`sizes override --zone CODE --firm USCC --above|--below|--clear --reason TEXT [--year "
        "YYYY] [--user U]` sets one firm's status by hand (or clears it), for its latest year "
        "with a status unless --year says otherwise."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        derive = sub.add_parser("derive")
        override = sub.add_parser("override")
        derive.add_argument("--year", required=True, help="the statistical year, YYYY")
        override.add_argument(
            "--year", help="the statistical year, YYYY (default: the firm's latest status year)"
        )
        for p in (derive, override):
            p.add_argument("--zone", required=True, help="zone code, e.g. demo")
            commands.add_actor_arguments(
                p, user_help="act as this zone manager; default: the system"
            )
        override.add_argument("--firm", required=True, help="the firm's unified social credit code")
        how = override.add_mutually_exclusive_group(required=True)
        how.add_argument("--above", dest="status", action="store_const", const="above")
        how.add_argument("--below", dest="status", action="store_const", const="below")
        how.add_argument("--clear", dest="status", action="store_const", const="clear")
        override.add_argument("--reason", default="", help="why (required with --above/--below)")

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            actor = commands.actor(options.get("user"))
            zone = commands.visible(
                zone_get(actor, code=options["zone"]), code=options["zone"], user=actor
            )
            year = self._year(options["year"]) if options["year"] else None
            try:
                if options["action"] == "derive":
                    result = services.sizes_derive(actor=actor, zone=zone, year=year)
                    self.stdout.write(result.summary())
                else:
                    self.override(actor, zone, year, options)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc

    def _year(self, raw: str) -> int:
        if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
            raise CommandError(
                _("“%(value)s” is not a year from 2000 to 2100.") % {"value": raw[:20]}
            )
        return int(raw)

    def override(self, actor, zone, year: int | None, options):
        code = options["firm"].strip().upper()
        firm = enterprise_scope(actor).filter(zone=zone, credit_code=code).first()
        if firm is None:
            raise CommandError(
                _("No firm with the credit code %(code)s in %(zone)s that %(user)s may see.")
                % {"code": code, "zone": zone.name, "user": actor}
            )
        if year is None:
            year = selectors.latest_size_year(firm) or timezone.localdate().year
        above = {"above": True, "below": False, "clear": None}[options["status"]]
        row = services.size_override(
            actor=actor, enterprise=firm, year=year, above=above, reason=options["reason"]
        )
        self.stdout.write(
            _("%(name)s, %(year)d: %(status)s.")
            % {
                "name": firm.name,
                "year": year,
                "status": _("above designated size") if row.above else _("below designated size"),
            }
        )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring.selectors import latest_period_of
from zonedesk.org.selectors import zone_get
from zonedesk.policies import imports, selectors, services
from zonedesk.policies.models import PolicyDocument


class Command(BaseCommand):
    help = (
        "Support policies. `policies match [--zone CODE] [--period YYYY-MM]` re-matches every firm "
        "against every measure in force and prints the eligible pairs per issuing level; "
        "`policies coverage --zone CODE` prints 一条不漏 / 应享尽享 coverage; "
        "`policies import FILE` creates or updates documents and measures from a spreadsheet "
        "(all rows or none; every problem is listed and the exit status is 1); "
        "`policies export --out FILE [--zone CODE]` writes the library in the same layout."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        match = sub.add_parser("match")
        match.add_argument("--zone", help="only this zone's firms (default: every firm)")
        match.add_argument(
            "--period", help="facts of this month (default: the latest with figures)"
        )
        commands.add_actor_arguments(match)
        coverage = sub.add_parser("coverage")
        coverage.add_argument("--zone", required=True)
        commands.add_actor_arguments(coverage)
        load = sub.add_parser("import")
        load.add_argument("file")
        commands.add_actor_arguments(load, user_help="import as this user; default: the system")
        dump = sub.add_parser("export")
        dump.add_argument("--out", required=True, help="the .xlsx file to write")
        dump.add_argument("--zone", help="only the measures covering this zone")
        commands.add_actor_arguments(
            dump, user_help="the library as this user sees it; default: all"
        )

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            user = commands.actor(options["user"])
            zone = None
            if options.get("zone"):
                zone = zone_get(user, code=options["zone"])
                if zone is None:
                    raise CommandError(commands.no_zone(options["zone"], user))
            if options["action"] == "match":
                self.match(user, zone, options.get("period"))
            elif options["action"] == "import":
                self.load(user, Path(options["file"]))
            elif options["action"] == "export":
                self.dump(user, zone, Path(options["out"]))
            else:
                self.coverage(user, zone)

    def load(self, user, path: Path):
        path = commands.import_file(path)
        with commands.import_refusals(self.stderr):
            summary = services.measures_import(
                actor=user, content=path.read_bytes(), filename=path.name
            )
        self.stdout.write(
            _(
                "Documents: %(dc)d added, %(du)d changed, %(dn)d unchanged. "
                "Measures: %(mc)d added, %(mu)d changed, %(mn)d unchanged. "
                "Rule versions added: %(rv)d."
            )
            % {
                "dc": summary.documents_created,
                "du": summary.documents_updated,
                "dn": summary.documents_unchanged,
                "mc": summary.measures_created,
                "mu": summary.measures_updated,
                "mn": summary.measures_unchanged,
                "rv": summary.rule_versions_added,
            }
        )

    def dump(self, user, zone, path: Path):
        content = imports.export_bytes(user, zone=zone)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        count = imports.export_measures(user, zone=zone).count()
        self.stdout.write(
            _("%(count)d measures written to %(path)s.") % {"count": count, "path": path}
        )

    def match(self, user, zone, raw_period):
        firms = enterprise_scope(user)
        if zone is not None:
            firms = firms.filter(zone=zone)
        if raw_period:
            period = commands.period(raw_period)
        else:
            period = latest_period_of(firms)
            if period is None:
                raise CommandError(_("No monthly figures yet."))
        # Forced: every firm decided, so that the counts printed are of all of them.
        result = services.match(actor=user, firms=firms, period=period, force=True)
        self.stdout.write(
            _("%(firms)d firms × %(measures)d measures in force, facts of %(period)s:")
            % {"firms": result.firms, "measures": result.measures, "period": period}
        )
        for level, label in PolicyDocument.Level.choices:
            if result.eligible[level] or result.undetermined[level]:
                self.stdout.write(
                    _("  %(level)s: %(eligible)d eligible pairs, %(undetermined)d undetermined")
                    % {
                        "level": label,
                        "eligible": result.eligible[level],
                        "undetermined": result.undetermined[level],
                    }
                )

    def coverage(self, user, zone):
        by_level, by_measure = selectors.coverage(user, zone=zone)

        def rate(value):
            return "—" if value is None else f"{value * 100:.1f}%"

        labels = [_("Level"), _("Measures"), _("Eligible"), _("Notified"), _("Done")]
        header = (
            f"{labels[0]:<10}{labels[1]:>8}{labels[2]:>10}{labels[3]:>10}{labels[4]:>10}"
            f"{'一条不漏':>10}{'应享尽享':>10}"
        )
        self.stdout.write(header)
        for row in by_level:
            self.stdout.write(
                f"{row.label:<10}{row.measures:>8}{row.eligible:>10}{row.notified:>10}"
                f"{row.done:>10}{rate(row.notified_rate):>12}{rate(row.done_rate):>12}"
            )
        self.stdout.write("")
        for row in by_measure:
            self.stdout.write(
                f"{row.label[:24]:<26}{row.eligible:>6}{row.notified:>6}{row.done:>6}"
                f"{rate(row.notified_rate):>9}{rate(row.done_rate):>9}"
            )

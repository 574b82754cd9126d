from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring.management.commands import _common
from zonedesk.monitoring.selectors import latest_period_of
from zonedesk.org.selectors import zone_get
from zonedesk.policies import selectors, services
from zonedesk.policies.models import PolicyDocument


class Command(BaseCommand):
    help = (
        "Support policies. `policies match [--zone CODE] [--period YYYY-MM]` re-matches every firm "
        "against every measure in force and prints the eligible pairs per issuing level; "
        "`policies coverage --zone CODE` prints 一条不漏 / 应享尽享 coverage."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        match = sub.add_parser("match")
        match.add_argument("--zone", help="only this zone's firms (default: every firm)")
        match.add_argument(
            "--period", help="facts of this month (default: the latest with figures)"
        )
        match.add_argument("--user", help="act as this user; default: the system")
        match.add_argument("--lang", choices=["zh", "en"], default="zh")
        coverage = sub.add_parser("coverage")
        coverage.add_argument("--zone", required=True)
        coverage.add_argument("--user")
        coverage.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args, **options):
        with translation.override(_common.LANGUAGES[options["lang"]]):
            user = _common.actor(options["user"])
            zone = None
            if options.get("zone"):
                zone = zone_get(user, code=options["zone"])
                if zone is None:
                    raise CommandError(
                        _("No zone or area “%(code)s” that %(user)s may see.")
                        % {"code": options["zone"], "user": user}
                    )
            if options["action"] == "match":
                self.match(user, zone, options.get("period"))
            else:
                self.coverage(user, zone)

    def match(self, user, zone, raw_period):
        firms = enterprise_scope(user)
        if zone is not None:
            firms = firms.filter(zone=zone)
        if raw_period:
            period = _common.period(raw_period)
        else:
            period = latest_period_of(firms)
            if period is None:
                raise CommandError(_("No monthly figures yet."))
        result = services.match(actor=user, firms=firms, period=period)
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

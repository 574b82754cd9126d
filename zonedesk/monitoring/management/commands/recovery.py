from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core import commands
from zonedesk.monitoring import indicators, selectors
from zonedesk.monitoring.recovery import remaining_days
from zonedesk.reports import sections


class Command(BaseCommand):
    help = (
        "追赶测算: the uniform YoY growth of monthly output needed for the rest of the year to "
        "catch up with last year and to reach the annual target. "
        "`recovery --zone CODE --through YYYY-MM [--target PCT] [--halted-days N]`."
    )

    def add_arguments(self, parser):
        commands.add_scope_arguments(parser, period_flag="--through")
        parser.add_argument(
            "--target", help="annual growth target in percent (default: the zone's, e.g. 8)"
        )
        parser.add_argument(
            "--halted-days",
            type=int,
            default=0,
            help="what-if: this many days in all are lost to halts over the rest of the year",
        )

    def handle(self, *args, **options):
        with translation.override(commands.LANGUAGES[options["lang"]]):
            user = commands.actor(options["user"])
            period = commands.period(options["through"])
            scope = commands.visible(
                selectors.scope_for(user, zone=options["zone"] or "", area=options["area"] or ""),
                code=options["zone"] or options["area"],
                user=user,
            )
            target = None
            if options["target"] is not None:
                try:
                    target = Decimal(options["target"].strip().rstrip("%")) / 100
                except InvalidOperation as exc:
                    raise CommandError(_("--target must be a percentage, e.g. 8 or 7.5.")) from exc
                if not target.is_finite() or not -1 < target <= 5:
                    raise CommandError(_("--target must be a percentage, e.g. 8 or 7.5."))
            left = remaining_days(period.year, period.month)
            if not 0 <= options["halted_days"] <= left:
                raise CommandError(
                    _(
                        "--halted-days must be between 0 and %(left)d (the days left in the year "
                        "after %(month)s)."
                    )
                    % {"left": left, "month": period}
                )
            st = selectors.status(
                user, scope, period, target=target, halted_days=options["halted_days"]
            )
            self.stdout.write(recovery_table(st))
            for sentence in sections.recovery.forecast_sentences(selectors.forecast(user, st)):
                self.stdout.write(sentence)


def _amount(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _rate(value) -> str:
    shown = indicators.percent(value)
    return "—" if shown is None else f"{shown:+}%"


def recovery_table(st) -> str:
    rec, year = st.recovery, st.period.year
    lines = [
        _("%(scope)s: output value (10k yuan) by month") % {"scope": st.scope.label},
        f"{_('Month'):<8}{year - 1:>16}{year:>16}{_('YoY'):>10}",
    ]
    for month, base, actual in st.year_output:
        lines.append(
            f"{month.month:<8}{_amount(base):>16}{_amount(actual):>16}"
            f"{_rate(indicators.change(actual, base)):>10}"
        )
    lines.append(
        f"{_('1-%(month)d') % {'month': rec.through_month}:<8}"
        f"{_amount(rec.last_year_to_date):>16}{_amount(rec.actual_to_date):>16}"
        f"{_rate(rec.ytd_change):>10}"
    )
    lines.append(f"{_('Year'):<8}{_amount(rec.last_year_total):>16}")
    lines.append("")
    lines += sections.recovery.sentences(st.recovery) or [
        _("No month of the year remains: nothing to catch up.")
    ]
    return "\n".join(lines)

"""`zonedesk report`: the sections of the work summary, written from the data. Lives in the
reports app, which may read every domain app (dependencies point one way)."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.casework import selectors as casework
from zonedesk.core import commands
from zonedesk.core import report_periods as periods
from zonedesk.core.errors import NotFound
from zonedesk.core.period import Period
from zonedesk.monitoring import selectors
from zonedesk.monitoring.schemas import status_dict
from zonedesk.org.selectors import zone_get
from zonedesk.reports import sections, services, summary
from zonedesk.reports.export import FORMATS, RendererMissing, render_as


def months(value: str) -> tuple[Period, Period, str]:
    try:
        return periods.months(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a month or a quarter: write 2020-06 or 2020-Q2.")
            % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = (
        "Reports written from the data. `report status --zone CODE --period YYYY-MM "
        "[--lang zh|en] [--json]` prints the month's production status paragraph; "
        "`report difficulties --zone CODE --period YYYY-MM|YYYY-Qn [--lang zh|en]` the "
        "difficulties firms raised, numbered as officials write them; `report summary --zone "
        "CODE|--area CODE --period 2020-06|2020-Q2|2020-H1|2020 --format md|docx|pdf [--lang "
        "zh|en] [--out FILE] [--user U]` the work summary as a document; `report SECTION --zone "
        "CODE|--area CODE --period ...` one section of it (projects, liaison, support, ...); "
        "`report schedule "
        "[--date YYYY-MM-DD] [--lang zh|en]` the previous month's summary (.docx and PDF) of every zone, on "
        "the month's first working day (a second run does nothing; "
        "deploy/systemd/zonedesk-report.timer runs it daily)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        status = sub.add_parser("status", help="the production status paragraph of a month")
        commands.add_scope_arguments(status)
        status.add_argument("--json", action="store_true", help="the figures as JSON instead")
        status.add_argument(
            "--size",
            choices=["all", "above", "below"],
            default="all",
            help="all firms, the above-size (规模以上) ones or the others",
        )
        status.add_argument(
            "--basis",
            choices=["preliminary", "confirmed"],
            default="preliminary",
            help="快报: every submitted report (default); 审定: confirmed reports only",
        )
        hard = sub.add_parser("difficulties", help="the difficulties firms raised")
        hard.add_argument("--zone", required=True, help="zone code, e.g. demo")
        hard.add_argument("--period", required=True, help="a month YYYY-MM or a quarter YYYY-Qn")
        hard.add_argument("--user", help="act as this user (their scope); default: the system")
        hard.add_argument("--lang", choices=["zh", "en"], default="zh")
        whole = sub.add_parser("summary", help="the work summary as a document")
        where = whole.add_mutually_exclusive_group(required=True)
        where.add_argument("--zone", help="zone code, e.g. demo")
        where.add_argument("--area", help="area code (county, city, province), e.g. 511700")
        whole.add_argument("--period", required=True, help="2020-06, 2020-Q2, 2020-H1 or 2020")
        whole.add_argument("--format", choices=FORMATS, default="md")
        whole.add_argument("--out", help="write to this file (docx and pdf need one)")
        whole.add_argument("--user", help="act as this user (their scope); default: the system")
        whole.add_argument("--lang", choices=["zh", "en"], default="zh")
        # Every other section of the summary by its key (`report projects`, ...): a module that
        # adds a section (reports/sections) gets its command here without touching this file.
        taken = {"status", "difficulties", "summary", "schedule"}
        for part in summary.parts():
            if part.key in taken:
                continue
            one = sub.add_parser(part.key, help=f"the summary's section “{part.title}”")
            where = one.add_mutually_exclusive_group(required=True)
            where.add_argument("--zone", help="zone code, e.g. demo")
            where.add_argument("--area", help="area code (county, city, province), e.g. 511700")
            one.add_argument("--period", required=True, help="2020-06, 2020-Q2, 2020-H1 or 2020")
            one.add_argument("--user", help="act as this user (their scope); default: the system")
            one.add_argument("--lang", choices=["zh", "en"], default="zh")
        schedule = sub.add_parser(
            "schedule", help="the previous month's summary of every zone, on the first working day"
        )
        schedule.add_argument("--date", help="the day of the run, YYYY-MM-DD (default: today)")
        commands.add_language_argument(schedule)

    def handle(self, *args, **options):
        if options["report"] == "schedule":
            self.schedule(options)
            return
        user = commands.actor(options["user"])
        with translation.override(commands.LANGUAGES[options["lang"]]):
            if options["report"] == "difficulties":
                self.difficulties(user, options)
                return
            if options["report"] == "summary":
                self.summary(user, options)
                return
            if options["report"] != "status":
                self.section(user, options)
                return
            period = commands.period(options["period"])
            scope = commands.visible(
                selectors.scope_for(user, zone=options["zone"] or "", area=options["area"] or ""),
                code=options["zone"] or options["area"],
                user=user,
            )
            st = selectors.status(user, scope, period, size=options["size"], basis=options["basis"])
            if options["json"]:
                self.stdout.write(json.dumps(status_dict(st), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(sections.status.paragraph(st.facts))

    def difficulties(self, user, options):
        first, last, label = months(options["period"])
        zone = zone_get(user, code=options["zone"])
        found = zone and casework.difficulties(user, zone=zone, first=first, last=last, label=label)
        if not found:
            raise CommandError(commands.no_zone(options["zone"], user))
        self.stdout.write(sections.difficulties.paragraph(found))

    def summary(self, user, options):
        try:
            doc = summary.build(
                user,
                zone=options["zone"],
                area=options["area"],
                period=options["period"],
                lang=options["lang"],
            )
        except ValueError as exc:
            raise CommandError(
                _("“%(value)s” is not a period: write 2020-06, 2020-Q2, 2020-H1 or 2020.")
                % {"value": options["period"]}
            ) from exc
        except NotFound as exc:
            raise CommandError(commands.no_zone(options["zone"] or options["area"], user)) from exc
        fmt = options["format"]
        if fmt != "md" and not options["out"]:
            raise CommandError(
                _("A %(format)s document is written to a file: add --out FILE.") % {"format": fmt}
            )
        try:
            content = render_as(doc, fmt)
        except RendererMissing as exc:
            raise CommandError(str(exc)) from exc
        if options["out"]:
            Path(options["out"]).write_bytes(content)
            self.stdout.write(
                _("Written to %(file)s (%(size)d bytes).")
                % {"file": options["out"], "size": len(content)}
            )
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

    def section(self, user, options):
        """One section of the summary (`report projects ...`) as Markdown, or why it is empty."""
        try:
            doc = summary.section(
                user,
                options["report"],
                zone=options["zone"],
                area=options["area"],
                period=options["period"],
                lang=options["lang"],
            )
        except ValueError as exc:
            raise CommandError(
                _("“%(value)s” is not a period: write 2020-06, 2020-Q2, 2020-H1 or 2020.")
                % {"value": options["period"]}
            ) from exc
        except NotFound as exc:
            raise CommandError(commands.no_zone(options["zone"] or options["area"], user)) from exc
        if not doc.blocks:
            raise CommandError("; ".join(f"{o.title}: {o.reason}" for o in doc.omitted))
        self.stdout.write(render_as(doc, "md").decode("utf-8"), ending="")

    def schedule(self, options):
        actor = commands.actor(None)  # the system: the timer's run, audited as such
        raw = options.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                bilingual(
                    lambda: (
                        _("“%(value)s” is not a date: write it YYYY-MM-DD, e.g. 2020-07-01.")
                        % {"value": raw}
                    )
                )
            ) from exc
        try:
            run = services.monthly_summaries_schedule(actor=actor, day=day)
        except services.CalendarYearMissing as exc:
            year = exc.year
            raise CommandError(bilingual(lambda: str(services.CalendarYearMissing(year)))) from exc
        with translation.override(commands.LANGUAGES[options["lang"]]):
            if not run.due:
                self.stdout.write(
                    _(
                        "%(day)s is before the month's first working day (%(first)s): nothing "
                        "generated."
                    )
                    % {"day": day.isoformat(), "first": run.first_working_day.isoformat()}
                )
                return
            for made in run.generated:
                self.stdout.write(
                    _("%(zone)s: the summary of %(period)s written to %(docx)s and %(pdf)s.")
                    % {
                        "zone": made.zone.name,
                        "period": made.period,
                        "docx": made.docx.name,
                        "pdf": made.pdf.name,
                    }
                )
            self.stdout.write(
                _(
                    "The summaries of %(period)s: %(new)d generated, %(old)d already there "
                    "(first working day %(first)s)."
                )
                % {
                    "period": str(run.period),
                    "new": len(run.generated),
                    "old": run.existing,
                    "first": run.first_working_day.isoformat(),
                }
            )


def bilingual(message) -> str:
    """A message in Chinese, then in English: the timer's log is read by whoever runs the
    server, in either language. `message` makes it in the active language."""
    out = []
    for language in (commands.LANGUAGES["zh"], commands.LANGUAGES["en"]):
        with translation.override(language):
            out.append(str(message()))
    return "\n".join(dict.fromkeys(out))

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.audit import RequestContext, current_context
from zonedesk.demo import builder, data, scale


class Command(BaseCommand):
    help = "Load the deterministic demo zone (safe to re-run), or --scale N synthetic firms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off (the demo creates users with a published password)",
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="generate N synthetic firms over many zones and areas instead",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=24,
            metavar="M",
            help="with --scale: monthly figures of every firm for the M months up to last month",
        )
        parser.add_argument(
            "--measures",
            type=int,
            default=0,
            metavar="K",
            help="with --scale: K synthetic support measures over the synthetic firms",
        )

    def handle(
        self,
        *args,
        scale: int | None = None,
        months: int = 24,
        measures: int = 0,
        force: bool = False,
        **options,
    ):
        if not (settings.DEBUG or force):
            raise CommandError(
                "The demo creates users with a published password, so it runs only with DEBUG=1 "
                "(as `make demo` sets) or with --force. Never load it into a production database."
            )
        current_context.set(RequestContext(via="command"))
        if scale is not None:
            return self._scale(scale, months, measures)
        if builder.is_loaded():
            self.stdout.write("The demo zone is loaded already; nothing changed.")
        else:
            started = time.perf_counter()
            builder.load()
            self._done(f"Loaded the demo zone: {builder.firm_count()} firms", started)
        self.stdout.write(f"\nDemo log-ins (password for all: {data.PASSWORD}):")
        for username, roles, who in builder.summary():
            self.stdout.write(f"  {username:<13} {roles:<11} {who}")
        names = ", ".join(builder.totp_usernames())
        self.stdout.write(
            f"\n{names}: also a code from an authenticator app (two-step verification); "
            f"add the demo secret {data.TOTP_SECRET} to the app."
        )

    def _scale(self, n: int, months: int, measures: int = 0) -> None:
        if n < 1:
            raise CommandError("--scale needs a positive number of firms.")
        if not 0 <= months <= 240:
            raise CommandError("--months must be between 0 and 240.")
        present = scale.exists()
        if present:
            raise CommandError(
                f"{present} synthetic firms are loaded already; use a fresh database "
                "(e.g. DATABASE_URL=sqlite:///var/bench.sqlite3) to generate another set."
            )
        started = time.perf_counter()
        made = scale.generate(n)
        self._done(
            "Generated {firms} firms in {zones} zones, {counties} counties, {cities} cities".format(
                **made
            ),
            started,
        )
        if months:
            started = time.perf_counter()
            rows = scale.generate_figures(months)
            self._done(f"Wrote {rows:,} monthly figures ({months} months)", started)
        if measures:
            started = time.perf_counter()
            made = scale.generate_measures(measures)
            self._done(
                f"Wrote {made['measures']} measures in {made['documents']} documents", started
            )

    def _done(self, what: str, started: float) -> None:
        """A step's outcome, with the seconds it took since `started` (time.perf_counter)."""
        self.stdout.write(self.style.SUCCESS(f"{what} in {time.perf_counter() - started:.1f} s."))

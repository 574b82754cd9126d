"""`zonedesk bench`: the benchmark suite of issue 5 (scripts under bench/, results in
docs/benchmarks.md). Each database and each script runs in a process of its own, so the
figures do not share caches and each peak RSS is the script's own."""

import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zonedesk.core.actors import SYSTEM
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.demo import scale
from zonedesk.monitoring import services as monitoring_services
from zonedesk.monitoring.models import ZoneMonth

ROOT = Path(__file__).resolve().parents[4]
BENCH = ROOT / "bench"
VAR = ROOT / "var"


def scripts() -> dict[str, Path]:
    """Every benchmark script, by name."""
    return {p.stem: p for p in sorted(BENCH.glob("*.py")) if p.stem not in ("common", "__init__")}


def load(name: str):
    """A benchmark script as a module (bench/ is not a package: its helpers are on the path)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", scripts()[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(firms: int, months: int, measures: int, log) -> None:
    """The synthetic data on the current database, generated once per database."""
    call_command("migrate", verbosity=0)
    current_context.set(RequestContext(via="command"))
    present = scale.exists()
    if present == firms:
        log(f"  reusing {present:,} synthetic firms already loaded")
    elif present:
        raise CommandError(f"the bench database holds {present} firms, not {firms}; drop it")
    else:
        scale.generate(firms)
        scale.generate_figures(months)
        scale.generate_measures(measures)
        log(f"  generated {firms:,} firms, {months} months, {measures} measures")
    zones = scale.synthetic_zones()
    kept = ZoneMonth.objects.filter(zone__in=zones)
    if (
        kept.count() < len(zones) * min(months, 24)
        or kept.filter(unconfirmed__isnull=True).exists()
    ):
        # A database generated before the zone-month summaries (or their kept counts of
        # monitoring's migration 0019), or left half summarised.
        stored = monitoring_services.zone_months_rebuild(actor=SYSTEM, zone_ids=zones)
        log(f"  summarised {stored:,} zone-months")
    if not scale.big_zone_exists():
        # Added to a database prepared before the import and export benchmarks, too.
        scale.big_zone(firms)
        log(f"  generated the big zone: {firms:,} firms, {scale.BIG_MONTHS} months")
    # Planner statistics and (PostgreSQL) the visibility map, as a database in service has them
    # from autovacuum: without it every index-only scan reads the freshly written heap.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        return "SQLite " + sqlite3.sqlite_version


def _machine() -> dict:
    memory = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": importlib.import_module("numpy").__version__,
    }


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _ratio(x: float) -> str:
    return f"{x:.0f}x" if x >= 10 else f"{x:.2g}x"


class Command(BaseCommand):
    help = (
        "Run the benchmark suite (bench/*.py) on generated data at the given scale, on SQLite, "
        "PostgreSQL or both, and rewrite docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=100_000, help="synthetic firms")
        parser.add_argument("--months", type=int, default=60, help="months of figures")
        parser.add_argument("--measures", type=int, default=200, help="synthetic measures")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each figure")
        parser.add_argument(
            "--sample", type=int, default=300, help="firms for the per-firm references"
        )
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument(
            "--only", help="run only these benchmarks (script names in bench/, comma-separated)"
        )
        parser.add_argument(
            "--out",
            default="docs/benchmarks.md",
            help="the report to rewrite; a run of some benchmarks (--only) or of one database "
            "replaces only their sections and rows in it, the others are kept",
        )
        # Internal: run one step in this process (the parent starts one process per step).
        parser.add_argument("--step", help=argparse_hidden())
        parser.add_argument("--result", help=argparse_hidden())

    def log(self, text: str) -> None:
        self.stderr.write(text)

    def handle(self, *args, **o):
        if o["step"]:
            return self.step(o)
        names = list(scripts())
        if o["only"]:
            asked = [n.strip() for n in o["only"].split(",") if n.strip()]
            unknown = [n for n in asked if n not in names]
            if unknown or not asked:
                raise CommandError(
                    f"no benchmark {', '.join(map(repr, unknown)) or repr(o['only'])}; "
                    f"there are: {', '.join(names)}"
                )
            names = asked
        databases = ["sqlite", "postgres"] if o["database"] == "both" else [o["database"]]
        results = []
        for database in databases:
            url = self.url(database, o)
            self.log(f"== {database}: {url}")
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "zonedesk.settings"}
            self.child(env, "prepare", o)
            for name in names:
                self.log(f"-- {name}")
                try:
                    results.append({"database": database, **self.child(env, name, o)})
                except CommandError as exc:
                    # One script's failure is reported; the others still run and are written.
                    self.log(f"   {exc}")
                    results.append(
                        {
                            "database": database,
                            "name": name,
                            "title": load(name).TITLE,
                            "rows": [],
                            "failed": str(exc),
                            "rss_mib": 0.0,
                            "version": "",
                        }
                    )
        report = self.report(results, o)
        out = Path(o["out"])
        if not out.is_absolute():
            out = ROOT / out
        if (o["only"] or o["database"] != "both") and out.exists():
            report = merge(out.read_text(encoding="utf-8"), report, self.command_line(o))
        out.write_text(report, encoding="utf-8")
        self.stdout.write(report)

    def command_line(self, o) -> str:
        """The partial run as it was asked for, for the note of the sections it replaces."""
        words = ["zonedesk bench"]
        if o["only"]:
            words.append(f"--only {o['only']}")
        if o["database"] != "both":
            words.append(f"--database {o['database']}")
        return " ".join(words)

    def url(self, database: str, o) -> str:
        tag = f"{o['scale']}_{o['months']}_{o['measures']}"
        if database == "sqlite":
            VAR.mkdir(exist_ok=True)
            return f"sqlite:///{VAR / f'bench_{tag}.sqlite3'}"
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            base = "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urlsplit(base)
        name = f"zd_bench_{tag}"
        import psycopg

        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as pg:
            if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                pg.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(parts._replace(path=f"/{name}"))

    def child(self, env: dict, step: str, o) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json") as result:
            command = [
                str(Path(sys.executable).parent / "zonedesk"),
                "bench",
                "--step",
                step,
                "--result",
                result.name,
                *("--scale", str(o["scale"]), "--months", str(o["months"])),
                *("--measures", str(o["measures"]), "--runs", str(o["runs"])),
                *("--sample", str(o["sample"])),
            ]
            done = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603 - our own command
            if done.returncode:
                raise CommandError(f"benchmark step {step} failed ({done.returncode})")
            return json.loads(Path(result.name).read_text() or "{}")

    def step(self, o) -> None:
        current_context.set(RequestContext(via="command"))
        if o["step"] == "prepare":
            prepare(o["scale"], o["months"], o["measures"], self.log)
            out = {}
        else:
            module = load(o["step"])
            rows = module.run(runs=o["runs"], sample=o["sample"], log=self.log)
            out = {
                "name": o["step"],
                "title": module.TITLE,
                "rows": rows,
                "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "version": database_version(),
            }
        Path(o["result"]).write_text(json.dumps(out))

    def report(self, results: list[dict], o) -> str:
        machine = _machine()
        versions = sorted({r["version"] for r in results if r["version"]})
        lines = [
            "# Benchmarks",
            "",
            f"Written by `zonedesk bench` on {dt.date.today():%Y-%m-%d} (`make bench`); "  # noqa: DTZ011 - a label
            "do not edit by hand. Times are medians of several runs on a shared machine; "
            "the references are measured in the same run, on the same data.",
            "",
            "## Machine",
            "",
            f"- {machine['cores']} cores, {machine['memory']} memory; {machine['platform']}",
            f"- Python {machine['python']}, NumPy {machine['numpy']}; {', '.join(versions)}",
            "",
            "## Scale",
            "",
            f"- {o['scale']:,} synthetic firms, {o['months']} months of figures, "
            f"{o['measures']} synthetic measures (`zonedesk/demo/scale.py`)",
            f"- {o['runs']} timed runs per figure; per-firm references on a sample of "
            f"{o['sample']} firms",
            "",
        ]
        for name in dict.fromkeys(r["name"] for r in results):
            ran = [r for r in results if r["name"] == name]
            lines += [
                f"## {ran[0]['title']}",
                "",
                "| figure | database | median | spread (min–max) | runs | limit | x limit "
                "| instead | x faster than instead | target |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for r in ran:
                if r.get("failed"):
                    lines.append(
                        f"| **failed** ({r['failed']}; its log is above the report) "
                        f"| {r['database']} | — | — | — | — | — | — | — | — |"
                    )
                for x in r["rows"]:
                    med = statistics.median(x["times"])
                    target = "—"
                    if x["target"]:
                        text, met = x["target"]
                        target = f"{'met' if met else '**missed**'}: {text}"
                    vs_limit = _ratio(med / x["limit"]) if x["limit"] else "—"
                    vs_instead = _ratio(x["instead"] / med) if x["instead"] else "—"
                    lines.append(
                        f"| {x['figure']} | {r['database']} | {_fmt(med)} "
                        f"| {_fmt(min(x['times']))}–{_fmt(max(x['times']))} | {len(x['times'])} "
                        f"| {_fmt(x['limit'])} | {vs_limit} | {_fmt(x['instead'])} "
                        f"| {vs_instead} | {target} |"
                    )
            lines += [
                "",
                "Peak RSS of the benchmark's process: "
                + ", ".join(
                    f"{r['database']} {r['rss_mib']:.0f} MiB" for r in ran if not r.get("failed")
                )
                + ".",
                "",
                "Notes:",
                "",
            ]
            for r in ran:
                for x in r["rows"]:
                    if x["note"]:
                        lines.append(f"- {r['database']}, {x['figure']}: {x['note']}")
            lines.append("")
            # What the profile of a missed figure showed, written by hand beside the script.
            analysis = BENCH / f"{name}.md"
            if analysis.exists():
                lines += [analysis.read_text(encoding="utf-8").strip(), ""]
        return "\n".join(lines)


# --- a partial run merged into the report it updates -----------------------------------------

LATER = "This section is from a later run than the others"
KEPT = "Kept from the run before: "


def _split(report: str) -> tuple[list[str], dict[str, list[str]]]:
    """The lines before the first benchmark section, and each section's lines by its heading
    (## Machine and ## Scale belong to the head)."""
    head, sections, current = [], {}, None
    for line in report.splitlines():
        if line.startswith("## ") and line not in ("## Machine", "## Scale"):
            current = sections.setdefault(line, [])
        (head if current is None else current).append(line)
    return head, sections


def _database_of(line: str) -> str | None:
    """The database of a table row (its second cell) or of a note ("- sqlite, ...")."""
    if line.startswith("| "):
        cells = [c.strip() for c in line.strip("|").split("|")]
        return cells[1] if len(cells) > 1 else None
    if line.startswith("- ") and ", " in line:
        return line[2:].split(", ", 1)[0]
    return None


def _table(lines: list[str]) -> list[str]:
    """The rows of a section's generated table (not of a table in its write-up)."""
    start = next((i for i, x in enumerate(lines) if x.startswith("| figure | database |")), None)
    if start is None:
        return []
    out = []
    for x in lines[start + 2 :]:
        if not x.startswith("| "):
            break
        out.append(x)
    return out


def _notes(lines: list[str]) -> list[str]:
    """The lines of a section's generated "Notes:" list (not the bullets of its write-up)."""
    if "Notes:" not in lines:
        return []
    out = []
    for x in lines[lines.index("Notes:") + 1 :]:
        if x.startswith("- "):
            out.append(x)
        elif out:
            break
    return out


def _merged_section(old: list[str], new: list[str], note: str) -> list[str]:
    """The new section, with the old one's rows, notes and peak RSS of the databases this run
    did not measure (marked as kept) and the note that says which run is which."""
    ran = {_database_of(x) for x in _table(new)}
    kept_rows = [x for x in _table(old) if _database_of(x) not in ran]
    kept_notes = [x for x in _notes(old) if _database_of(x) in {_database_of(r) for r in kept_rows}]
    old_rss = next((x for x in old if x.startswith("Peak RSS")), "")
    kept_rss = [
        part
        for part in old_rss.removeprefix("Peak RSS of the benchmark's process: ")
        .rstrip(".")
        .split(", ")
        if part and part.split(" ", 1)[0] in {_database_of(r) for r in kept_rows}
    ]
    # The old section's own note on its run: a paragraph between its heading and its table.
    before_table = old[1 : next((i for i, x in enumerate(old) if x.startswith("| ")), 1)]
    old_note = next((x for x in before_table if x.strip() and not x.startswith(KEPT)), "")
    out = [new[0], "", note]
    if kept_rows:
        kept = sorted({_database_of(r) for r in kept_rows})
        out[-1] += f"; the {', '.join(kept)} rows are kept from the run before."
        if old_note:
            out += ["", KEPT + old_note]
    else:
        out[-1] += "."
    body = new[1:]
    while body and not body[0].strip():
        body = body[1:]
    body = ["", *body]
    rows = _table(body)
    at = (
        body.index(rows[-1]) + 1
        if rows
        else next(i + 2 for i, x in enumerate(body) if x.startswith("| figure |"))
    )
    body[at:at] = kept_rows
    for i, x in enumerate(body):
        if x.startswith("Peak RSS") and kept_rss:
            body[i] = x.rstrip(".") + ", " + ", ".join(kept_rss) + " (kept)."
    notes = _notes(body)
    if kept_notes:
        at = body.index(notes[-1]) + 1 if notes else body.index("Notes:") + 2
        body[at:at] = kept_notes
    return out + body


def merge(existing: str, partial: str, command: str) -> str:
    """The report `existing` with the sections of a partial run (`partial`, a report of some
    benchmarks or one database) put in: a section of the run replaces its namesake (keeping the
    rows of the databases the run did not measure) or is added at the end; the other sections
    and the head stay as they were."""
    head, sections = _split(existing)
    _new_head, new_sections = _split(partial)
    note = f"{LATER}, `{command}` on {dt.date.today():%Y-%m-%d}"  # noqa: DTZ011 - a label
    for heading, lines in new_sections.items():
        sections[heading] = _merged_section(sections.get(heading, []), lines, note)
    body = []
    for lines in sections.values():
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        body += [*lines, ""]
    while head and not head[-1].strip():
        head = head[:-1]
    return "\n".join([*head, "", *body])


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS

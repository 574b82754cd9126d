"""Every benchmark script runs at a tiny scale on the test database, so none can rot; the
full suite is `make bench`, never part of the tests."""

import pytest

from zonedesk.demo import scale
from zonedesk.demo.management.commands import bench

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    scale.generate(60)
    scale.generate_figures(13)
    scale.generate_measures(8)
    scale.big_zone(60)


# Scripts whose data another process reads (gunicorn): committed, not inside the test's transaction.
SERVED = {"http_load"}
# One timed run where a run is seconds of LibreOffice or of ApacheBench: the smoke run checks that
# the script runs and reports its rows, not how fast (every row still has its time).
SMOKE_RUNS = {"work_summary": 1, "http_load": 1}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.django_db(transaction=True))
        if name in SERVED
        else name
        for name in bench.scripts()
    ],
)
def test_benchmark_runs_and_reports_its_rows(tiny, name):
    rows = bench.load(name).run(runs=SMOKE_RUNS.get(name, 2), sample=5, log=lambda text: None)
    assert rows and all(len(r["times"]) >= 1 for r in rows)
    assert all(t >= 0 for r in rows for t in r["times"])


def test_the_report_names_machine_scale_and_targets(tiny):
    rows = bench.load("policy_rematch").run(runs=1, sample=3, log=lambda text: None)
    result = {"database": "sqlite", "name": "policy_rematch", "title": "T", "rows": rows}
    options = {"scale": 60, "months": 13, "measures": 8, "runs": 1, "sample": 3}
    report = bench.Command().report([{**result, "rss_mib": 80.0, "version": "SQLite 3"}], options)
    assert "cores" in report and "60 synthetic firms" in report
    assert "single-firm re-match" in report and ("met:" in report or "missed" in report)


def test_scripts_leave_the_province_as_generated(tiny):
    """The province overview checks the zone-month summaries against the rows: a script that
    changes figures behind the services' back (the re-match's) must put them back."""
    from zonedesk.monitoring.models import MonthlyFigure

    def figures():
        return sorted(MonthlyFigure.objects.values_list("pk", "output_value_wan", "employees"))

    before = figures()
    bench.load("policy_rematch").run(runs=2, sample=5, log=lambda text: None)
    assert figures() == before
    bench.load("province_overview").run(runs=1, sample=5, log=lambda text: None)


def test_a_failed_script_is_reported_not_fatal():
    failed = {
        "database": "postgres",
        "name": "reports",
        "title": "Reports",
        "rows": [],
        "failed": "benchmark step reports failed (1)",
        "rss_mib": 0.0,
        "version": "",
    }
    options = {"scale": 60, "months": 13, "measures": 8, "runs": 1, "sample": 3}
    report = bench.Command().report([failed], options)
    assert "**failed** (benchmark step reports failed (1)" in report and "## Reports" in report


def test_only_names_benchmarks_that_exist():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"'nosuch'.*there are: .*http_load"):
        call_command("bench", only="zone_dashboard,nosuch", database="sqlite")


OLD_REPORT = """# Benchmarks

Written by `zonedesk bench` on 2026-11-29.

## Machine

- 2 cores

## Scale

- 100,000 synthetic firms

## Alpha

| figure | database | median |
|---|---|---|
| a | sqlite | 1.00 s |
| a | postgres | 2.00 s |

Peak RSS of the benchmark's process: sqlite 90 MiB, postgres 100 MiB.

Notes:

- sqlite, a: old sqlite note
- postgres, a: old postgres note

### Alpha's write-up

- sqlite, a bullet of the write-up, not a note

| step | share |
|---|---|
| old write-up's table | 10 % |

## Beta

| figure | database | median |
|---|---|---|
| b | postgres | 3.00 s |
"""

NEW_PARTIAL = """# Benchmarks

Written by `zonedesk bench` on 2026-12-05.

## Machine

- 2 cores

## Scale

- 100,000 synthetic firms

## Alpha

| figure | database | median |
|---|---|---|
| a | postgres | 1.50 s |

Peak RSS of the benchmark's process: postgres 110 MiB.

Notes:

- postgres, a: new postgres note

### Alpha's write-up, now

- a bullet of the new write-up

| step | share |
|---|---|
| new write-up's table | 20 % |

## Gamma

| figure | database | median |
|---|---|---|
| g | postgres | 4.00 s |
"""


def test_a_partial_run_replaces_its_sections_and_keeps_the_rest():
    merged = bench.merge(OLD_REPORT, NEW_PARTIAL, "zonedesk bench --only alpha,gamma")
    head, sections = bench._split(merged)
    assert "Written by `zonedesk bench` on 2026-11-29." in head
    assert list(sections) == ["## Alpha", "## Beta", "## Gamma"]
    alpha = "\n".join(sections["## Alpha"])
    # The run's postgres row replaces the old one; the sqlite row the run did not measure stays.
    assert "| a | postgres | 1.50 s |" in alpha and "2.00 s" not in alpha
    assert "| a | postgres | 1.50 s |\n| a | sqlite | 1.00 s |\n" in alpha
    assert "old write-up's table" not in alpha and "| new write-up's table | 20 % |\n" in alpha
    assert "- postgres, a: new postgres note" in alpha and "old postgres note" not in alpha
    assert "- postgres, a: new postgres note\n- sqlite, a: old sqlite note\n" in alpha
    assert "a bullet of the write-up, not a note" not in alpha
    assert alpha.index("old sqlite note") < alpha.index("a bullet of the new write-up")
    assert "postgres 110 MiB, sqlite 90 MiB (kept)." in alpha
    assert "Alpha's write-up, now" in alpha and "### Alpha's write-up\n" not in alpha + "\n"
    assert "`zonedesk bench --only alpha,gamma`" in alpha and "sqlite rows are kept" in alpha
    # A section the run did not touch is as it was; a new one is added at the end.
    assert "\n".join(sections["## Beta"]).strip() == (
        "## Beta\n\n| figure | database | median |\n|---|---|---|\n| b | postgres | 3.00 s |"
    )
    assert "| g | postgres | 4.00 s |" in "\n".join(sections["## Gamma"])

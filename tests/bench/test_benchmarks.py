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
    rows = bench.load(name).run(runs=2, sample=5, log=lambda text: None)
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

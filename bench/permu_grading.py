"""Per-mu (亩均效益) grading of the province (issue 15): every synthetic firm's yearly tax, output,
energy, employees and revenue per mu, each zone graded A/B/C/D by the default scheme.

zonedesk: `monitoring.selectors.evaluate_firms` over the province's firms (one GROUP BY over the
year's figures joined to the registry and the yearly record, `monitoring.columnar.permu_inputs`,
then `monitoring.permu.evaluate` per zone in Python over ~one row per firm). The limit: the SQL
alone, the rows fetched and nothing graded. The synthetic generator has no land or tax: they are
filled in once, set-based and deterministic, where missing."""

from common import median, row, timed
from django.db import connection

from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import columnar, selectors
from zonedesk.monitoring.models import MonthlyFigure

TITLE = "Per-mu grading: every firm of the province, one year, graded per zone"
TARGET = 5.0


def _fill() -> None:
    """Land 5-150 mu per firm; tax about 3.5 % of revenue; energy from electricity (tce)."""
    firms, figures = Enterprise._meta.db_table, MonthlyFigure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {firms} SET land_area_mu = 5 + (id * 37) % 146 "  # noqa: S608 - our own names
            "WHERE land_area_mu IS NULL"
        )
        cursor.execute(
            f"UPDATE {figures} SET tax_wan = ROUND(COALESCE(revenue_wan, 0) "  # noqa: S608
            "* (2 + enterprise_id % 5) / 100, 2), "
            "energy_tce = ROUND(COALESCE(electricity_kwh, 0) * 0.00016, 2) "
            "WHERE tax_wan IS NULL"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {firms}")
            cursor.execute(f"ANALYZE {figures}")


def run(*, runs: int, sample: int, log) -> list[dict]:
    _fill()
    # The latest year, January to its latest month (the most months in a 13-month smoke run).
    last = MonthlyFigure.objects.order_by("-period").values_list("period", flat=True).first()
    year = last.year
    firms = Enterprise.objects.filter(zone__area__code__startswith=scale.PROVINCE[:2])
    n = firms.count()
    limit_times, rows = timed(lambda: columnar.permu_inputs(firms, year), runs)
    scheme = selectors.scheme_for(year)
    grading_times, _graded = timed(lambda: selectors.grade_inputs(rows, scheme), runs)
    times, graded = timed(lambda: selectors.evaluate_firms(firms, year), runs)
    with_grade = sum(1 for e in graded.values() if e.grade)
    log(f"  {n:,} firms, {len(rows):,} input rows, {with_grade:,} graded for {year}")
    return [
        row(
            f"yearly per-mu grading of the province ({n:,} firms, {year} to month {last.month})",
            times,
            note=f"{with_grade:,} firms graded; the rest not graded with the reason",
            limit=median(limit_times),
            target=(f"< {TARGET:.0f} s", median(times) < TARGET),
        ),
        row(
            "limit: the inputs' SQL alone (one GROUP BY, rows fetched)",
            limit_times,
            note=f"{len(rows):,} rows, one per firm",
        ),
        row(
            "the grading alone (selectors.grade_inputs over the rows already read)",
            grading_times,
            note="FirmYear per row, permu.evaluate per zone (200 zones of 500 firms)",
        ),
    ]

"""Synthetic firms at city or province scale, for benchmarks: N firms over many zones and areas,
and M months of figures for each (`zonedesk demo --scale N --months M`).

Everything lives under a synthetic province (code 990000, not a real GB/T 2260 code), so it
never mixes with the demo zone. Rows are written with bulk_create in large batches.
"""

import datetime as dt
import itertools
import random

from django.db import connection, transaction

from zonedesk.core import audit
from zonedesk.core.industry import by_level
from zonedesk.core.period import Period
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Zone

PROVINCE = "990000"
FIRMS_PER_ZONE = 500
ZONES_PER_COUNTY = 5
COUNTIES_PER_CITY = 10
BATCH = 5000


def exists() -> int:
    """How many synthetic firms are loaded already."""
    return Enterprise.objects.filter(zone__area__code__startswith=PROVINCE[:2]).count()


@transaction.atomic
def generate(n_firms: int, *, seed: int = 20200725) -> dict[str, int]:
    rng = random.Random(seed)
    n_zones = max(1, -(-n_firms // FIRMS_PER_ZONE))
    n_counties = -(-n_zones // ZONES_PER_COUNTY)
    n_cities = -(-n_counties // COUNTIES_PER_CITY)
    province, _ = Area.objects.get_or_create(
        code=PROVINCE, defaults={"name": "合成省（基准测试）", "level": Area.Level.PROVINCE}
    )
    cities = Area.objects.bulk_create(
        [
            Area(
                code=f"99{c + 1:02d}00",
                name=f"合成市{c + 1:02d}",
                level=Area.Level.CITY,
                parent=province,
            )
            for c in range(n_cities)
        ]
    )
    counties = Area.objects.bulk_create(
        [
            Area(
                code=f"99{k // COUNTIES_PER_CITY + 1:02d}{k % COUNTIES_PER_CITY + 1:02d}",
                name=f"合成县{k + 1:03d}",
                level=Area.Level.COUNTY,
                parent=cities[k // COUNTIES_PER_CITY],
            )
            for k in range(n_counties)
        ]
    )
    zones = Zone.objects.bulk_create(
        [
            Zone(
                code=f"s{z + 1:05d}",
                name=f"合成园区{z + 1:05d}",
                area=counties[z // ZONES_PER_COUNTY],
            )
            for z in range(n_zones)
        ]
    )
    classes = [i.code for i in by_level("class") if "13" <= i.code[:2] <= "43"]  # manufacturing
    statuses = ["producing"] * 90 + ["halted"] * 5 + ["construction"] * 3 + ["closed"] * 2
    rows = []
    for i in range(n_firms):
        zone = zones[i // FIRMS_PER_ZONE]
        start = dt.date(2005 + rng.randrange(20), 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append(
            Enterprise(
                name=f"合成企业{i + 1:06d}有限公司",
                credit_code=credit_code(zone.area.code, i),
                zone=zone,
                industry_code=rng.choice(classes),
                above_designated_size=rng.random() < 0.4,
                status=rng.choice(statuses),
                production_start=start,
            )
        )
        if len(rows) == BATCH:
            Enterprise.objects.bulk_create(rows)
            rows = []
    Enterprise.objects.bulk_create(rows)
    audit.record(
        actor=None,
        action="create",
        instance=province,
        changes={"synthetic_firms": [None, n_firms], "zones": [None, n_zones]},
        area_code=PROVINCE,
    )
    return {"firms": n_firms, "zones": n_zones, "counties": n_counties, "cities": n_cities}


FIGURE_COLUMNS = (
    "enterprise_id",
    "period",
    "output_value_wan",
    "revenue_wan",
    "electricity_kwh",
    "water_t",
    "employees",
    "days_halted",
    "export_value_wan",
    "orders_wan",
    "capacity_utilisation_pct",
    "status",
    "submitted_at",
)
SEASON = (0.92, 0.78, 0.97, 1.0, 1.02, 1.04, 1.0, 1.01, 1.05, 1.06, 1.08, 1.12)


def figure_rows(firms, months: list[Period], *, seed: int = 20200725):
    """Synthetic monthly rows for (id, status, production_start) firms: a size per firm, a
    season, a slow trend and noise; halted firms report zeros, firms report from their start."""
    rng = random.Random(seed)
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    last = len(months) - 1
    for firm_id, status, start in firms:
        if status in ("construction", "closed"):
            continue
        size = rng.lognormvariate(5.5, 0.9)  # 万元 a month: median ≈ 245
        staff = max(3, int(size / 4 * rng.uniform(0.6, 1.4)))
        trend = rng.uniform(-0.004, 0.012)  # per month
        intensity = rng.uniform(500, 2500)
        water = rng.uniform(1, 12)
        exporter = rng.random() < 0.25
        first = Period.of(start) if start else months[0]
        for i, p in enumerate(months):
            if p < first:
                continue
            if status == "halted" and i > last - 6:
                out, halted = 0.0, p.days
            else:
                out = size * SEASON[p.month - 1] * (1 + trend) ** i * rng.uniform(0.9, 1.1)
                halted = 0
            wan = round(out, 2)
            yield (
                firm_id,
                p.first_day,
                wan,
                round(wan * 0.93, 2),
                int(out * intensity),
                int(out * water),
                staff,
                halted,
                round(wan * 0.2, 2) if exporter else None,
                round(wan * 2.1, 2),
                None,
                "confirmed",
                stamp,
            )


def generate_figures(months: int, *, through: Period | None = None) -> int:
    """Monthly figures of every synthetic firm for `months` months ending `through` (default:
    last month), written in bulk: COPY on PostgreSQL, executemany batches on SQLite."""
    through = through or Period.of(dt.date.today()).previous  # noqa: DTZ011 - a calendar month
    periods = [through.shift(i - months + 1) for i in range(months)]
    # Fetched whole first: on PostgreSQL the connection cannot read a cursor during COPY.
    firms = list(
        Enterprise.objects.filter(zone__area__code__startswith=PROVINCE[:2])
        .order_by("pk")
        .values_list("pk", "status", "production_start")
    )
    rows = figure_rows(firms, periods)
    table = MonthlyFigure._meta.db_table
    columns = ", ".join(FIGURE_COLUMNS)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            # The driver's own executemany: Django's wrapper would rewrite the SQL and adapt
            # every value one call at a time. Dates and times go in as the text Django stores.
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * len(FIGURE_COLUMNS))})"  # noqa: S608 - our own names
            )
            stamp = None
            raw = cursor.cursor
            while batch := list(itertools.islice(rows, BATCH * 10)):
                stamp = stamp or batch[0][-1].isoformat(sep=" ")
                raw.executemany(sql, [(*r[:1], r[1].isoformat(), *r[2:-1], stamp) for r in batch])
                written += len(batch)
    return written

"""Synthetic firms at city or province scale, for benchmarks: N firms over many zones and areas.

Everything lives under a synthetic province (code 990000, not a real GB/T 2260 code), so it
never mixes with the demo zone. Rows are written with bulk_create in large batches.
"""

import datetime as dt
import random

from django.db import transaction

from zonedesk.core import audit
from zonedesk.core.industry import by_level
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
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

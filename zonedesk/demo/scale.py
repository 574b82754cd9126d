"""Synthetic firms at city or province scale, for benchmarks: N firms over many zones and areas,
and M months of figures for each (`zonedesk demo --scale N --months M`).

Everything lives under a synthetic province (code 990000, not a real GB/T 2260 code), so it
never mixes with the demo zone; its areas are written with bulk_create, past the code check of
org.Area, on purpose. The firms' credit codes are valid all the same: their positions 3-8 carry a
real registration authority's code (REGISTRATION, BIG_REGISTRATION: codes no demo or test area
uses, so the synthetic codes never collide with theirs). Rows are written with bulk_create in
large batches.
"""

import datetime as dt
import itertools
import random
import secrets

from django.db import connection, transaction

from zonedesk.core import audit
from zonedesk.core.actors import SYSTEM
from zonedesk.core.industry import by_level
from zonedesk.core.period import Period
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import services as monitoring_services
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Zone

PROVINCE = "990000"
REGISTRATION = "320500"  # 苏州市 (GB/T 2260), positions 3-8 of the synthetic firms' credit codes
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
    _write_firms(n_firms, rng, lambda i: zones[i // FIRMS_PER_ZONE], "合成企业", REGISTRATION)
    audit.record(
        actor=SYSTEM,
        action="create",
        instance=province,
        changes={"synthetic_firms": [None, n_firms], "zones": [None, n_zones]},
        area_code=PROVINCE,
    )
    return {"firms": n_firms, "zones": n_zones, "counties": n_counties, "cities": n_cities}


def _write_firms(n_firms: int, rng: random.Random, zone_of, prefix: str, registration: str) -> None:
    """n synthetic manufacturing firms, the i-th in zone_of(i), written in batches; their credit
    codes carry the division code `registration` (a real one: the synthetic areas' are not)."""
    classes = [i.code for i in by_level("class") if "13" <= i.code[:2] <= "43"]
    statuses = ["producing"] * 90 + ["halted"] * 5 + ["construction"] * 3 + ["closed"] * 2
    rows = []
    for i in range(n_firms):
        zone = zone_of(i)
        start = dt.date(2005 + rng.randrange(20), 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append(
            Enterprise(
                name=f"{prefix}{i + 1:06d}有限公司",
                credit_code=credit_code(registration, i),
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
    firms = _firms(Enterprise.objects.filter(zone__area__code__startswith=PROVINCE[:2]))
    written = write_figures(figure_rows(firms, periods))
    monitoring_services.zone_months_rebuild(actor=SYSTEM, zone_ids=synthetic_zones())
    return written


def _firms(qs) -> list[tuple]:
    # Fetched whole first: on PostgreSQL the connection cannot read a cursor during COPY.
    return list(qs.order_by("pk").values_list("pk", "status", "production_start"))


def write_figures(rows) -> int:
    """figure_rows' rows written in bulk, in one transaction."""
    rows = iter(rows)
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


def synthetic_zones() -> list[int]:
    return list(
        Zone.objects.filter(area__code__startswith=PROVINCE[:2]).values_list("pk", flat=True)
    )


# --- one big zone, for the import and export benchmarks -----------------------------------------

# A zone holding as many firms as the whole synthetic province: our import and export work on
# one zone's month, so their benchmark needs one zone at full scale. It has an area of its own
# (code 98xxxx, outside PROVINCE), so the province's figures and its re-match do not see it.
BIG_PROVINCE, BIG_CITY, BIG_COUNTY = "980000", "980100", "980101"
BIG_REGISTRATION = "320583"  # 昆山市 (GB/T 2260): the big zone's firms' credit codes
BIG_ZONE = "sbig"
BIG_MONTHS = 13  # a year and a month before the imported month: the month's YoY has a base


def big_zone_exists() -> bool:
    return Zone.objects.filter(code=BIG_ZONE).exists()


def big_zone_month(zone: Zone) -> Period:
    """The month the benchmarks import into the big zone: the one after its stored figures."""
    first = MonthlyFigure.objects.filter(enterprise__zone=zone).earliest("period").period
    return Period.of(first).shift(BIG_MONTHS)


def _big_zone_rows(zone: Zone, month: Period, seed: int):
    # The stored months and the imported one in one series, so the sheet continues the trend.
    firms = _firms(Enterprise.objects.filter(zone=zone))
    periods = [month.shift(i - BIG_MONTHS) for i in range(BIG_MONTHS + 1)]
    return figure_rows(firms, periods, seed=seed)


def big_zone_sheet(zone: Zone, *, seed: int = 20201015) -> list[tuple]:
    """The big zone's figures for big_zone_month() as figure_rows yields them (enterprise id,
    period, the figures in FIGURE_COLUMNS order, status, time): what its sheet reports."""
    month = big_zone_month(zone)
    return [r for r in _big_zone_rows(zone, month, seed) if r[1] == month.first_day]


def zone_admin(zone: Zone):
    """A zone's administrator for the benchmarks (created once): who uploads and exports."""
    from zonedesk.org.models import Role, User
    from zonedesk.org.services import user_create

    user = User.objects.filter(username=f"bench-{zone.code}").first()
    return user or user_create(
        actor=SYSTEM,
        username=f"bench-{zone.code}",
        password=secrets.token_urlsafe(24)
        + "Aa1-",  # nobody logs in; four classes whatever the draw
        roles=[Role.ADMIN],
        full_name="基准测试管理员",
        zone=zone,
    )


def big_zone(n_firms: int, *, seed: int = 20201015) -> Zone:
    """One zone of `n_firms` firms under an area of its own, with BIG_MONTHS months of figures
    through last month; created once (later calls return it, without writing)."""
    zone = Zone.objects.filter(code=BIG_ZONE).first()
    return zone or _make_big_zone(n_firms, seed)


@transaction.atomic
def _make_big_zone(n_firms: int, seed: int) -> Zone:
    rng = random.Random(seed)
    province, _ = Area.objects.get_or_create(
        code=BIG_PROVINCE,
        defaults={"name": "合成大园区省（基准测试）", "level": Area.Level.PROVINCE},
    )
    city, _ = Area.objects.get_or_create(
        code=BIG_CITY,
        defaults={"name": "合成大园区市", "level": Area.Level.CITY, "parent": province},
    )
    county, _ = Area.objects.get_or_create(
        code=BIG_COUNTY,
        defaults={"name": "合成大园区县", "level": Area.Level.COUNTY, "parent": city},
    )
    zone = Zone.objects.create(code=BIG_ZONE, name="合成大园区（基准测试）", area=county)
    _write_firms(n_firms, rng, lambda i: zone, "合成大园区企业", BIG_REGISTRATION)
    # Figures through last month: the benchmarks import this month's sheet.
    month = Period.of(dt.date.today())  # noqa: DTZ011 - a calendar month
    write_figures(r for r in _big_zone_rows(zone, month, seed) if r[1] < month.first_day)
    audit.record(
        actor=SYSTEM,
        action="create",
        instance=zone,
        changes={"synthetic_firms": [None, n_firms], "months": [None, BIG_MONTHS]},
        zone_id=zone.pk,
        area_code=BIG_COUNTY,
    )
    return zone


# --- synthetic measures -------------------------------------------------------------------------

# Share of measures per issuing level: a province issues few measures for every firm, counties
# and zones many for few firms, as in the 13/35/22 packages of 2020.
LEVEL_SHARES = (("province", 0.15), ("city", 0.25), ("county", 0.35), ("zone", 0.25))
# (title, benefit type, eligibility, benefit estimate in 万元): rules over the fact registry;
# the yoy facts and last year's sums are missing for new and non-reporting firms, so some pairs
# come out undetermined.
MEASURE_KINDS = (
    ("稳岗返还", "subsidy", "employees_yoy >= -{small}%", "round(employees * 0.03, 2)"),
    ("缓缴社会保险费", "deferral", "revenue_ytd_yoy <= -{pct}%", ""),
    (
        "制造业产值下滑企业贷款贴息",
        "interest",
        'industry_section == "C" and employees >= {staff} and output_ytd_yoy <= -{pct}%',
        "min(output_last_year_wan * 0.005, 30)",
    ),
    (
        "中小微企业房租减免",
        "rent",
        'size_class in ["small", "micro"] and status == "producing"',
        "min(output_month_wan * 0.02, 10)",
    ),
    (
        "重点行业电费补贴",
        "tax_relief",
        'industry_division in ["{d1}", "{d2}", "{d3}"] and output_month_yoy <= -{small}%',
        "round(output_month_wan * 0.004, 2)",
    ),
    (
        "出口信用保险保费补助",
        "subsidy",
        "export_share >= {share}%",
        "min(revenue_ytd_wan * export_share * 0.003, 20)",
    ),
    ("停产企业职工培训补贴", "subsidy", "days_halted_ytd >= {days}", "round(employees * 0.05, 2)"),
    (
        "规上企业满负荷生产奖励",
        "subsidy",
        "above_designated_size and output_month_yoy >= {small}%",
        "min(output_month_wan * 0.01, 20)",
    ),
    ("小微企业增值税减免", "tax_relief", 'size_class == "micro" or is_sme and employees < 20', ""),
    (
        "上年营收下滑的中型企业纾困资金",
        "subsidy",
        'size_class == "medium" and revenue_last_year_wan >= {revenue} and employees_yoy <= 0%',
        "if(employees >= 100, 50, 20)",
    ),
    ("新投产企业一次性奖励", "subsidy", "new_this_year", "10"),
    ("融资担保费率降低", "service", "is_sme and not above_designated_size", ""),
)


@transaction.atomic
def generate_measures(k: int, *, seed: int = 20200725) -> dict[str, int]:
    """K synthetic measures over the synthetic firms, deterministic for a seed: documents at
    province, city, county and zone level, each measure a rule of MEASURE_KINDS with its own
    thresholds, most with a benefit estimate."""
    from zonedesk.policies import services
    from zonedesk.policies.models import Measure

    rng = random.Random(seed)
    province = Area.objects.get(code=PROVINCE)
    cities = list(Area.objects.filter(parent=province).order_by("code"))
    counties = list(Area.objects.filter(parent__in=cities).order_by("code"))
    zones = list(Zone.objects.filter(area__in=counties).order_by("code"))
    divisions = sorted({c[:2] for c in (i.code for i in by_level("class")) if "13" <= c <= "43"})
    scopes = {"province": [province], "city": cities, "county": counties, "zone": zones}
    made = {"measures": 0, "documents": 0}
    all_docs: list = []
    left = k
    for index, (level, share) in enumerate(LEVEL_SHARES):
        count = left if index == len(LEVEL_SHARES) - 1 else min(left, round(k * share))
        left -= count
        if not count:
            continue
        # Measures of a level are spread over its areas (or zones), about 5 per document.
        places = scopes[level]
        n_docs = min(len(places), max(1, count // 5))
        picked = rng.sample(places, n_docs)
        documents = []
        for d, place in enumerate(picked):
            scope = {"zone": place} if level == "zone" else {"area": place}
            documents.append(
                services.document_create(
                    actor=SYSTEM,
                    data=services.DocumentData(
                        level=level,
                        issuer=f"{place.name}（合成）",
                        number=f"合成〔2020〕{d + 1}号",
                        title=f"关于支持企业稳定发展的若干措施（合成，{level}）",
                        valid_from=dt.date(2020, 1, 1),
                        **scope,
                    ),
                )
            )
            made["documents"] += 1
        all_docs += documents
        for i in range(count):
            title, kind, rule, benefit = MEASURE_KINDS[rng.randrange(len(MEASURE_KINDS))]
            d1, d2, d3 = rng.sample(divisions, 3)
            params = {
                "pct": rng.choice([5, 10, 20, 30]),
                "small": rng.choice([0, 5, 10]),
                "share": rng.choice([10, 15, 20]),
                "staff": rng.choice([10, 20, 50]),
                "days": rng.choice([5, 15, 30]),
                "revenue": rng.choice([1000, 2000, 5000]),
                "d1": d1,
                "d2": d2,
                "d3": d3,
            }
            services.measure_create(
                actor=SYSTEM,
                document=documents[i % len(documents)],
                data=services.MeasureData(
                    clause=f"第{i // len(documents) + 1}条",
                    title=f"{title}（合成）",
                    benefit_type=kind,
                    mode="application",
                    eligibility=rule.format(**params),
                    benefit=benefit,
                ),
                rematch=False,
            )
            made["measures"] += 1
    # One match of every measure at the end: matching after each one re-read the facts of
    # 100,000 firms 200 times (a quarter of an hour at province scale).
    services.rematch_measures(actor=SYSTEM, measures=Measure.objects.filter(document__in=all_docs))
    return made


# --- key projects, for the project dashboard's benchmark --------------------------------------

PROJECTS_PER_FIRM = 0.1  # 10,000 key projects at province scale (100,000 firms)
PROJECT_NODES = 30
PROJECT_SPAN_DAYS = 900  # signing to the last node, at plan


def projects_exist() -> int:
    """How many synthetic key projects are loaded already."""
    from zonedesk.projects.models import Project

    return Project.objects.filter(zone__area__code__startswith=PROVINCE[:2]).count()


@transaction.atomic
def generate_projects(n_projects: int, *, today: dt.date, seed: int = 20201018) -> int:
    """n key projects over the synthetic zones, PROJECT_NODES nodes each, signed over the three
    years before `today`. Each project runs `delay` days behind (or ahead of) its plan: a node
    planned more than `delay` days ago is done (on its planned date plus the delay), so about
    half the projects are on time, a third a little late (red or yellow) and the rest well
    behind; one in ten has its open nodes re-planned a month after their baseline. No
    departments or dependencies: the dashboard and the meeting do not read them."""
    from zonedesk.projects.models import Kind, Project, ProjectNode

    rng = random.Random(seed)
    zones = list(Zone.objects.filter(pk__in=synthetic_zones()).order_by("code"))
    levels = ["province"] * 15 + ["city"] * 35 + ["county"] * 50
    kinds = [k for k, _label in Kind.choices]
    projects = []
    for i in range(n_projects):
        total = rng.randrange(5_000, 500_000)
        signed = today - dt.timedelta(days=rng.randrange(1, 3 * 365))
        projects.append(
            Project(
                zone=zones[i % len(zones)],
                code=f"SP{i + 1:06d}",
                name=f"合成重点项目{i + 1:06d}",
                level=rng.choice(levels),
                kind=rng.choice(kinds),
                investor_name=f"合成投资有限公司{i + 1:06d}",
                total_investment_wan=total,
                yearly_investment_wan=total // rng.randrange(2, 6),
                first_production_month=(signed + dt.timedelta(days=600)).replace(day=1),
                signed_on=signed,
            )
        )
    created = []
    for k in range(0, len(projects), BATCH):
        created += Project.objects.bulk_create(projects[k : k + BATCH])
    names = [f"节点{k + 1:02d}" for k in range(PROJECT_NODES)]
    yesterday = today - dt.timedelta(days=1)
    nodes = []
    for project in created:
        r = rng.random()
        delay = rng.randrange(-10, 3) if r < 0.5 else rng.randrange(3, 60) if r < 0.85 else 200
        replanned = rng.random() < 0.1
        for k in range(PROJECT_NODES):
            baseline = project.signed_on + dt.timedelta(
                days=round(k * PROJECT_SPAN_DAYS / (PROJECT_NODES - 1))
            )
            done_on = baseline + dt.timedelta(days=delay)
            done = done_on <= yesterday
            planned = baseline + dt.timedelta(days=30) if replanned and not done else baseline
            nodes.append(
                ProjectNode(
                    project=project,
                    seq=k + 1,
                    code=f"n{k + 1:02d}",
                    name=names[k],
                    baseline_on=baseline,
                    planned_on=planned,
                    done_on=done_on if done else None,
                    status="done" if done else "open",
                )
            )
        if len(nodes) >= BATCH:
            ProjectNode.objects.bulk_create(nodes)
            nodes = []
    ProjectNode.objects.bulk_create(nodes)
    return n_projects

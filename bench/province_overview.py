"""Province overview (issue 5): one month of every synthetic zone — firms producing, capacity
classes, YoY output / employment / electricity with the new firms' share, per zone — and the
two years of monthly totals behind its trend and year-to-date figures.

zonedesk: `monitoring.selectors.status` for the province (zone-month summaries kept on import,
added up) and the dashboard page through the test client. The limit: DuckDB computing the same
numbers from the same rows already in memory. Instead: pandas computing them from a `read_sql`
of the rows. The three must agree on every count and sum (checked on each run)."""

import secrets
import warnings
from decimal import Decimal

import duckdb
import pandas as pd
from common import median, row, timed
from django.core.cache import cache
from django.db import connection
from django.test import Client

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.demo import scale
from zonedesk.monitoring import selectors
from zonedesk.monitoring.indicators import CapacityClass
from zonedesk.org import services as org_services
from zonedesk.org.models import Area, Role, User

TITLE = "Province overview: one month of every zone, and two years of monthly totals"
USERNAME = "bench-province"
MEASURES = ("output_value_wan", "employees", "electricity_kwh")


def _user(province: Area) -> User:
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = org_services.user_create(
            actor=SYSTEM,
            username=USERNAME,
            password=secrets.token_urlsafe(18) + "Aa1-",  # test client only; four classes always
            roles=[Role.LEADER],
            area=province,
        )
    return user


def _sql(period: Period) -> str:
    """The rows of the 25 months the overview reads, money as integer cents (exact)."""
    first = period.shift(-24).first_day.isoformat()
    last = period.first_day.isoformat()
    return (
        "SELECT f.enterprise_id, e.zone_id, f.period, f.days_halted, "  # noqa: S608 - constants
        "CAST(ROUND(f.output_value_wan * 100) AS BIGINT) AS output_value_wan, "
        "f.employees, f.electricity_kwh "
        "FROM monitoring_monthlyfigure f JOIN enterprises_enterprise e ON e.id = f.enterprise_id "
        "JOIN org_zone z ON z.id = e.zone_id JOIN org_area a ON a.id = z.area_id "
        f"WHERE a.code LIKE '{scale.PROVINCE[:2]}%' "
        f"AND f.period >= '{first}' AND f.period <= '{last}'"
    )


def _month_sql(period: Period, band: Decimal) -> tuple[str, str]:
    """DuckDB's SQL: per zone, the month against the same month last year and the month before
    (a figure's bases count only for the firms that gave the figure this month); and per
    month, the totals."""
    num, den = band.as_integer_ratio()
    p, ly, prev = (x.first_day.isoformat() for x in (period, period.last_year, period.previous))
    columns = ", ".join(f"c.{m}, b.{m} AS {m}_ly, q.{m} AS {m}_prev" for m in MEASURES)
    sums = ", ".join(
        f"sum({m}) AS {m}, "
        f"sum(CASE WHEN {m} IS NOT NULL THEN coalesce({m}_ly, 0) END) AS {m}_ly, "
        f"sum(CASE WHEN is_new AND {m} IS NOT NULL THEN {m} - coalesce({m}_ly, 0) END) "
        f"AS {m}_new, "
        f"sum(CASE WHEN {m} IS NOT NULL THEN coalesce({m}_prev, 0) END) AS {m}_prev"
        for m in MEASURES
    )
    month = f"""
        WITH c AS (
            SELECT *, output_value_wan > 0 AND days_halted < {period.days} AS producing
            FROM rows WHERE period = DATE '{p}'
        ), b AS (SELECT * FROM rows WHERE period = DATE '{ly}'),
        q AS (SELECT * FROM rows WHERE period = DATE '{prev}'),
        j AS (
            SELECT c.zone_id, c.producing,
                   c.producing AND coalesce(b.output_value_wan, 0) <= 0 AS is_new, {columns}
            FROM c LEFT JOIN b USING (enterprise_id) LEFT JOIN q USING (enterprise_id)
        ), k AS (
            SELECT *, producing AND NOT is_new AS old, output_value_wan AS o,
                   output_value_wan_ly AS o_ly
            FROM j
        )
        SELECT zone_id, count(*) AS reporting,
               count(*) FILTER (WHERE producing) AS producing,
               count(*) FILTER (WHERE is_new) AS new,
               count(*) FILTER (WHERE old AND abs(o - o_ly) * {den} <= {num} * o_ly) AS level,
               count(*) FILTER (WHERE old AND (o - o_ly) * {den} > {num} * o_ly) AS above_old,
               count(*) FILTER (WHERE old AND (o_ly - o) * {den} > {num} * o_ly) AS below,
               {sums}
        FROM k GROUP BY zone_id ORDER BY zone_id
    """  # noqa: S608 - our own constants
    totals = (
        "SELECT period, count(*) AS firms, "  # noqa: S608 - our own constants
        + ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
        + " FROM rows GROUP BY period ORDER BY period"
    )
    return month, totals


def _pandas(
    frame: pd.DataFrame, period: Period, band: Decimal
) -> tuple[pd.DataFrame, pd.DataFrame]:
    num, den = band.as_integer_ratio()
    frame = frame.assign(period=pd.to_datetime(frame["period"]))
    at = {x: pd.Timestamp(x.first_day) for x in (period, period.last_year, period.previous)}
    c = frame[frame["period"] == at[period]]
    b = frame.loc[frame["period"] == at[period.last_year], ["enterprise_id", *MEASURES]]
    q = frame.loc[frame["period"] == at[period.previous], ["enterprise_id", *MEASURES]]
    j = c.merge(b, on="enterprise_id", how="left", suffixes=("", "_ly")).merge(
        q.rename(columns={m: f"{m}_prev" for m in MEASURES}), on="enterprise_id", how="left"
    )
    out, out_ly = j["output_value_wan"], j["output_value_wan_ly"]
    producing = (out > 0) & (j["days_halted"] < period.days)
    new = producing & (out_ly.fillna(0) <= 0)
    old = producing & ~new
    j = j.assign(
        producing=producing,
        new=new,
        level=old & ((out - out_ly).abs() * den <= num * out_ly),
        above_old=old & ((out - out_ly) * den > num * out_ly),
        below=old & ((out_ly - out) * den > num * out_ly),
        **{f"{m}_lyz": j[f"{m}_ly"].fillna(0).where(j[m].notna()) for m in MEASURES},
        **{f"{m}_prevz": j[f"{m}_prev"].fillna(0).where(j[m].notna()) for m in MEASURES},
        **{f"{m}_d": (j[m] - j[f"{m}_ly"].fillna(0)).where(new & j[m].notna()) for m in MEASURES},
    )
    month = j.groupby("zone_id").agg(
        reporting=("enterprise_id", "size"),
        producing=("producing", "sum"),
        new=("new", "sum"),
        level=("level", "sum"),
        above_old=("above_old", "sum"),
        below=("below", "sum"),
        **{m: (m, "sum") for m in MEASURES},
        **{f"{m}_ly": (f"{m}_lyz", "sum") for m in MEASURES},
        **{f"{m}_new": (f"{m}_d", "sum") for m in MEASURES},
        **{f"{m}_prev": (f"{m}_prevz", "sum") for m in MEASURES},
    )
    totals = frame.groupby("period").agg(
        firms=("enterprise_id", "size"), **{m: (m, "sum") for m in MEASURES}
    )
    return month, totals


def _read(period: Period) -> pd.DataFrame:
    with warnings.catch_warnings():
        # pandas prefers SQLAlchemy; a DB-API connection is what a Django project has at hand.
        warnings.simplefilter("ignore", UserWarning)
        connection.ensure_connection()
        return pd.read_sql(_sql(period), connection.connection)


def _check(st, month: pd.DataFrame, totals: pd.DataFrame, period: Period, what: str) -> None:
    """The reference's numbers must be zonedesk's (counts and sums exactly)."""
    s = st.summary
    cents = {"output_value_wan": 100, "employees": 1, "electricity_kwh": 1}
    got = {
        "producing": int(month["producing"].sum()),
        "new": int(month["new"].sum()),
        "level": int(month["level"].sum()),
        "above": int(month["above_old"].sum() + month["new"].sum()),
        "below": int(month["below"].sum()),
        **{m: int(month[m].sum()) for m in MEASURES},
        **{f"{m}_ly": int(month[f"{m}_ly"].sum()) for m in MEASURES},
        **{f"{m}_new": int(month[f"{m}_new"].fillna(0).sum()) for m in MEASURES},
    }
    want = {
        "producing": s.producing,
        "new": len(s.new_firms),
        "level": s.count(CapacityClass.LEVEL),
        "above": s.count(CapacityClass.ABOVE),
        "below": s.count(CapacityClass.BELOW),
        **{m: int(s.aggregates[m].current * cents[m]) for m in MEASURES},
        **{f"{m}_ly": int(s.aggregates[m].last_year * cents[m]) for m in MEASURES},
        **{f"{m}_new": int(s.aggregates[m].new_delta * cents[m]) for m in MEASURES},
    }
    if got != want:
        raise AssertionError(f"{what} disagrees with zonedesk: {got} != {want}")
    trend = {
        Period.of(pd.Timestamp(p).date()): int(t["output_value_wan"]) for p, t in totals.iterrows()
    }
    ours = {
        p.period: int(p.values["output_value_wan"] * 100)
        for p in st.trend
        if p.values["output_value_wan"] is not None
    }
    if any(trend.get(p) != v for p, v in ours.items()):
        raise AssertionError(f"{what}'s monthly totals disagree with zonedesk's")


def run(*, runs: int, sample: int, log) -> list[dict]:
    province = Area.objects.get(code=scale.PROVINCE)
    user = _user(province)
    scope = selectors.scope_for(user, area=scale.PROVINCE)
    period = selectors.latest_period(user, scope)
    band = selectors.band()
    log(f"  {len(scope.zones)} zones, {period}")

    def overview():
        return selectors.status(user, scope, period, by_zone=True)

    selector_times, st = timed(overview, runs)
    log(f"  selector: {median(selector_times):.3f} s")

    client = Client(HTTP_HOST="127.0.0.1")  # a host the settings allow, as a browser sends
    client.force_login(user)
    url = f"/monitoring/?area={scale.PROVINCE}&period={period}"

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    # Computed: the page is cached until the figures change (monitoring/pagecache.py).
    page_times, _ = timed(page, runs, before=lambda i: cache.clear())
    log(f"  page computed: {median(page_times):.3f} s")
    cached_times, _ = timed(page, runs)
    log(f"  page repeated (cached): {median(cached_times):.4f} s")

    def with_pandas():
        return _pandas(_read(period), period, band)

    pandas_times, (month, totals) = timed(with_pandas, max(1, min(runs, 3)))
    _check(st, month, totals, period, "pandas")
    log(f"  pandas (read_sql + compute): {median(pandas_times):.3f} s")

    frame = _read(period)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    db = duckdb.connect()
    db.register("frame", frame)
    db.execute("CREATE TABLE rows AS SELECT * FROM frame")
    month_sql, totals_sql = _month_sql(period, band)

    def with_duckdb():
        return db.execute(month_sql).df(), db.execute(totals_sql).df().set_index("period")

    duck_times, (month, totals) = timed(with_duckdb, runs)
    _check(st, month, totals, period, "DuckDB")
    log(f"  DuckDB (rows in memory): {median(duck_times):.3f} s")
    db.close()

    limit, instead = median(duck_times), median(pandas_times)
    firms = len(frame[frame["period"] == period.first_day])
    note = (
        f"{len(scope.zones)} zones, {firms:,} firms reporting {period}, {len(frame):,} rows "
        "over the 25 months the trend and year-to-date read; DuckDB and pandas agree with "
        "zonedesk on every count and sum (checked each run)"
    )
    target_ok = median(selector_times) < 1 and median(selector_times) <= 5 * limit
    return [
        row(
            "status selector (area of every zone, by zone)",
            selector_times,
            note=note,
            limit=limit,
            instead=instead,
            target=(
                "< 1 s on PostgreSQL and ≤ 5x DuckDB",
                target_ok
                if connection.vendor == "postgresql"
                else median(selector_times) <= 5 * limit,
            ),
        ),
        row(
            "dashboard page (test client), computed",
            page_times,
            note="the province dashboard rendered, the cache emptied before each request (the "
            "first view after a write): the selector, the paragraph, charts, zones table",
            limit=limit,
            instead=instead,
        ),
        row(
            "dashboard page (test client), the same user's repeated view",
            cached_times,
            note="served from the page cache until a zone's figures, target or firms change",
            limit=limit,
            instead=instead,
        ),
        row("limit: DuckDB, rows in memory", duck_times, note="the same numbers, SQL in memory"),
        row(
            "instead: pandas from read_sql",
            pandas_times,
            note="read_sql of the 25 months' rows (money as integer cents), then groupby",
        ),
    ]

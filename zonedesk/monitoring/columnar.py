"""Monthly figures read column-wise for another app's computation over many firms (policies'
fact table): the SQL over monitoring's own table lives here, exposed through `selectors`.

These are reference reads, not scoped to a user: the caller (a match run by the system or on a
user's write that was already permission-checked) chooses the firms. Two queries over the
figures however many firms there are; amounts come as floats, which is what the facts are.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure

# The figure columns read: a month's row, and the sums (the first two over every span). Policies'
# triggers on the figures must watch each of them (see MonthlyFigure).
MONTH_COLUMNS = ("employees", "output_value_wan", "revenue_wan", "days_halted")
SUM_COLUMNS = ("output_value_wan", "revenue_wan", "export_value_wan", "days_halted")


@dataclass(frozen=True)
class FigureSums:
    """Per firm id: the month's row and the same month a year earlier (employees, output,
    revenue, days halted), and the sums from January to the month ("output", "revenue",
    "export", "halted"), over the same span a year earlier and over the whole of last year
    ("output", "revenue"). A firm with no figure in a span is absent from its dict."""

    month: dict[int, list]
    month_year_before: dict[int, list]
    ytd: dict[int, dict]
    ytd_year_before: dict[int, dict]
    last_year: dict[int, dict]


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figure_sums(firms: QuerySet[Enterprise], period: Period) -> FigureSums:
    """The figures of the firms of the queryset around `period` (one scan of the figures from
    January last year on, the firms' ids as a subquery)."""
    id_sql, id_params = firms.order_by().values("pk").query.sql_with_params()
    table = MonthlyFigure._meta.db_table
    real = "DOUBLE PRECISION"  # SQLite reads it as REAL
    read = ", ".join(f"CAST({c} AS {real})" if c.endswith("_wan") else c for c in MONTH_COLUMNS)
    month_rows = _rows(
        f"SELECT enterprise_id, period, {read} FROM {table} "  # noqa: S608 - our own names
        f"WHERE period IN (%s, %s) AND enterprise_id IN ({id_sql})",
        [period.first_day, period.last_year.first_day, *id_params],
    )
    this_month = connection.ops.adapt_datefield_value(period.first_day)
    month, last_month = {}, {}
    for firm, day, *values in month_rows:
        (month if str(day) == str(this_month) else last_month)[firm] = values
    spans = {
        "y": (Period(period.year, 1), period),
        "b": (Period(period.year - 1, 1), period.last_year),
        "l": (Period(period.year - 1, 1), Period(period.year - 1, 12)),
    }
    selects, params = [], []
    for key, (first, last) in spans.items():
        within = "period >= %s AND period <= %s"
        selects.append(f"SUM(CASE WHEN {within} THEN 1 ELSE 0 END)")
        params += [first.first_day, last.first_day]
        for column in SUM_COLUMNS if key == "y" else SUM_COLUMNS[:2]:
            selects.append(f"CAST(SUM(CASE WHEN {within} THEN {column} END) AS {real})")
            params += [first.first_day, last.first_day]
    sums = _rows(
        f"SELECT enterprise_id, {', '.join(selects)} FROM {table} "  # noqa: S608 - our own names
        f"WHERE period >= %s AND period <= %s AND enterprise_id IN ({id_sql}) "
        "GROUP BY enterprise_id",
        [*params, Period(period.year - 1, 1).first_day, period.first_day, *id_params],
    )
    ytd, ytd_before, last_year = {}, {}, {}
    for firm, y_n, y_out, y_rev, y_exp, y_halt, b_n, b_out, b_rev, l_n, l_out, l_rev in sums:
        if y_n:
            ytd[firm] = {"output": y_out, "revenue": y_rev, "export": y_exp, "halted": y_halt}
        if b_n:
            ytd_before[firm] = {"output": b_out, "revenue": b_rev}
        if l_n:
            last_year[firm] = {"output": l_out, "revenue": l_rev}
    return FigureSums(month, last_month, ytd, ytd_before, last_year)


def firms_by_latest_month(firms: QuerySet[Enterprise]) -> list[tuple[Period, QuerySet]]:
    """The firms of the queryset grouped by their own latest reported month, oldest first (firms
    with no figures are left out)."""
    latest = Subquery(
        MonthlyFigure.objects.filter(enterprise=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    dated = firms.annotate(latest_month=latest)
    months = sorted(set(dated.exclude(latest_month=None).values_list("latest_month", flat=True)))
    return [
        (
            Period.of(month),
            Enterprise.objects.filter(pk__in=dated.filter(latest_month=month).values("pk")),
        )
        for month in months
    ]


def permu_inputs(firms: QuerySet[Enterprise], year: int) -> list[tuple]:
    """Per firm of the queryset, the per-mu evaluation's inputs for `year`: (firm id, zone id,
    status, land in mu, months reported, Σ tax, Σ output, Σ energy, average employees, Σ revenue,
    value added, R&D spending). One GROUP BY over the year's figures, joined to the registry and
    the yearly record; sums of a column no month has are None."""
    from zonedesk.monitoring.models import AnnualFigure

    id_sql, id_params = firms.order_by().values("pk").query.sql_with_params()
    real = "DOUBLE PRECISION"
    figures = MonthlyFigure._meta.db_table
    firm_table = Enterprise._meta.db_table
    annual = AnnualFigure._meta.db_table
    sql = (
        f"SELECT e.id, e.zone_id, e.status, CAST(e.land_area_mu AS {real}), "  # noqa: S608 - our own names
        "COALESCE(m.months, 0), m.tax, m.output, m.energy, m.employees, m.revenue, "
        f"CAST(a.value_added_wan AS {real}), CAST(a.rd_spending_wan AS {real}) "
        f"FROM {firm_table} e "
        "LEFT JOIN ("
        f"SELECT enterprise_id, COUNT(*) AS months, CAST(SUM(tax_wan) AS {real}) AS tax, "
        f"CAST(SUM(output_value_wan) AS {real}) AS output, "
        f"CAST(SUM(energy_tce) AS {real}) AS energy, "
        f"AVG(CAST(employees AS {real})) AS employees, "
        f"CAST(SUM(revenue_wan) AS {real}) AS revenue "
        f"FROM {figures} WHERE period >= %s AND period <= %s "
        f"AND enterprise_id IN ({id_sql}) GROUP BY enterprise_id"
        ") m ON m.enterprise_id = e.id "
        f"LEFT JOIN {annual} a ON a.enterprise_id = e.id AND a.year = %s "
        f"WHERE e.id IN ({id_sql})"
    )
    params = [
        Period(year, 1).first_day,
        Period(year, 12).first_day,
        *id_params,
        year,
        *id_params,
    ]
    return _rows(sql, params)


def month_scaled(firms: QuerySet[Enterprise], period: Period, new_since) -> tuple[int, list[tuple]]:
    """The firms' rows of `period` as integers, for sums that must be exact: the output's
    exponent (−its decimal places), and per firm that reported the month (firm id, output
    times 10 ** places, employees, days halted, whether production started on or after
    `new_since` (None: start unknown), the output of the same month last year times
    10 ** places (None: no row then)). One query, in no order; no Decimal made."""
    places = MonthlyFigure._meta.get_field("output_value_wan").decimal_places
    # Every firm (no filter): no semi-join to the firms again, a quarter of the query's time.
    within, id_params = "", ()
    if firms.query.has_filters():
        id_sql, id_params = firms.order_by().values("pk").query.sql_with_params()
        within = f" AND f.enterprise_id IN ({id_sql})"
    table = MonthlyFigure._meta.db_table
    firm_table = Enterprise._meta.db_table
    factor = 10**places

    def scaled(column: str) -> str:
        # PostgreSQL's numeric is exact; SQLite stores the amount as a REAL, rounded back
        # (exact while under 2 ** 53, and the column holds at most 14 digits).
        if connection.vendor == "postgresql":
            return f"CAST({column} * {factor} AS BIGINT)"
        return f"CAST(ROUND({column} * {factor}) AS INTEGER)"

    rows = _rows(
        f"SELECT f.enterprise_id, {scaled('f.output_value_wan')}, f.employees, f.days_halted, "  # noqa: S608 - our own names
        "CASE WHEN e.production_start IS NULL THEN NULL "
        "WHEN e.production_start >= %s THEN 1 ELSE 0 END, "
        f"{scaled('b.output_value_wan')} "
        f"FROM {table} f JOIN {firm_table} e ON e.id = f.enterprise_id "
        f"LEFT JOIN {table} b ON b.enterprise_id = f.enterprise_id AND b.period = %s "
        f"WHERE f.period = %s{within}",
        [new_since, period.last_year.first_day, period.first_day, *id_params],
    )
    return -places, rows

"""Reads of the early-warning list (预警), scoped to the acting user.

The rules are `monitoring.alerts` (pure, over [firms x 25 months] arrays); this module fills
those arrays with one SQL query per table (the firms; their figures of the thirteen months the
rules read: cursor rows, never ORM objects), evaluates them, and dresses the warnings for pages, the API and the export:
each with its explanation in the user's language, a link target, and its acknowledgement.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import alerts
from zonedesk.monitoring.models import AlertAck, MonthlyFigure, UtilityKind, UtilityReading
from zonedesk.monitoring.selectors import BASES, REPORTING_STATUSES, sized
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Role, User, Zone

STATES = ("open", "acknowledged")
LOOK_BACK = 12  # months before m that any rule reads


def thresholds() -> alerts.Thresholds:
    """The deployment's limits (settings ZONEDESK["EARLY_WARNING"]).

    Reference data: not scoped, because it is the deployment's setting, the same for everyone."""
    s = settings.ZONEDESK["EARLY_WARNING"]
    return alerts.Thresholds(
        yoy_drop=float(Decimal(str(s["YOY_DROP"]))),
        drift_band=float(Decimal(str(s["DRIFT_BAND"]))),
        drift_min_months=int(s["DRIFT_MIN_MONTHS"]),
    )


def mine_by_default(user) -> bool:
    """An officer's warnings are those of their own firms unless they ask for all."""
    return user.has_role(Role.OFFICER) and not user.is_superuser


# --- reading the months ---------------------------------------------------------------------


def _days_since_sql(column: str) -> str:
    """SQL for the whole days from a date parameter to a date column (the month is found from
    them in NumPy: cheaper for the database than taking dates apart row by row)."""
    if connection.vendor == "postgresql":
        return f"({column} - %s)"
    return f"CAST(julianday({column}) - julianday(%s) AS INTEGER)"


def _index(period: Period) -> int:
    return period.year * 12 + period.month - 1


def _rows(sql: str, params) -> list[tuple]:
    """The query's rows as tuples."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class FirmTable:
    """The firms read for the list, in the arrays' row order."""

    ids: np.ndarray
    names: list[str]
    codes: list[str]
    zone_ids: list[int]
    officer_ids: list[int | None]
    expected: np.ndarray


def _firm_table(firms: QuerySet[Enterprise], period: Period) -> FirmTable:
    """One query over the firms: who they are and whether they should report the month
    (producing or halted, started by its end: `selectors.expected_firms`' rule)."""
    started = Q(production_start__isnull=True) | Q(production_start__lt=period.shift(1).first_day)
    expected = Case(
        When(Q(status__in=REPORTING_STATUSES) & started, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    sql, params = (
        firms.order_by("pk")
        .annotate(zd_expected=expected)
        .values_list("pk", "name", "credit_code", "zone_id", "officer_id", "zd_expected")
        .query.sql_with_params()
    )
    rows = _rows(sql, params)
    ids, names, codes, zones, officers, flags = zip(*rows, strict=True) if rows else ([],) * 6
    return FirmTable(
        ids=np.array(ids, dtype=np.int64),
        names=list(names),
        codes=list(codes),
        zone_ids=list(zones),
        officer_ids=list(officers),
        expected=np.array(flags, dtype=bool),
    )


def _firm_table_empty() -> FirmTable:
    return FirmTable(np.zeros(0, dtype=np.int64), [], [], [], [], np.zeros(0, dtype=bool))


def _kwh_series(
    firm_ids: np.ndarray, first: Period, reported_kwh: np.ndarray, id_sql: str, id_params
) -> np.ndarray:
    """The kWh per firm and month (arrays [firms x 25 months from `first`]) that the power
    ratio rule reads: the power company's reading of the firm's accounts where there is one
    (monitoring.UtilityReading, the independent source), else the firm's own reported
    `electricity_kwh`. One grouped query over the readings of the firms (`id_sql`)."""
    readings = UtilityReading._meta.db_table
    last = first.shift(alerts.MONTHS - 1)
    rows = _rows(
        f"SELECT enterprise_id, period, CAST(SUM(electricity_kwh) AS DOUBLE PRECISION) "  # noqa: S608
        f"FROM {readings} WHERE kind = %s AND period >= %s AND period <= %s "
        f"AND enterprise_id IN ({id_sql}) GROUP BY enterprise_id, period",
        [UtilityKind.POWER, first.first_day, last.first_day, *id_params],
    )
    if not rows:
        return reported_kwh
    position = {int(firm): i for i, firm in enumerate(firm_ids)}
    kwh = reported_kwh.copy()
    for firm, day, total in rows:
        month = Period.of(day if hasattr(day, "year") else dt.date.fromisoformat(str(day)[:10]))
        col = (month.year - first.year) * 12 + month.month - first.month
        if firm in position and 0 <= col < alerts.MONTHS and total is not None:
            kwh[position[firm], col] = total
    return kwh


# A figure row as PostgreSQL's send functions write it: fixed width, big-endian.
# Output in hundredths of 10k yuan (exact integers: no numeric-to-float conversion in the
# database), kWh -1 where none was given.
_PACKED_ROW = np.dtype(
    [("firm", ">i8"), ("days", ">i4"), ("cents", ">i8"), ("kwh", ">i8"), ("halted", ">i2")]
)
_PACKED_SQL = (
    "int8send(enterprise_id) || int4send(period - %s) "
    "|| int8send(CAST(output_value_wan * 100 AS BIGINT)) "
    "|| int8send(COALESCE(electricity_kwh, -1)) || int2send(days_halted)"
)


def _packed(where: str, params) -> np.ndarray:
    """PostgreSQL: the rows [firm, days since m-24, output, kWh, days halted] as one bytes
    value of fixed-width records (string_agg of the columns' send functions, fetched in binary),
    read by NumPy without a Python object per value: as tuples, the million rows of a
    province's thirteen months cost more than the query."""
    import psycopg  # Django's own cursors bind on the client, which returns no binary results

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"SELECT string_agg({_PACKED_SQL}, ''::bytea) {where}", params, binary=True)
        raw = cursor.fetchone()[0] or b""
    packed = np.frombuffer(raw, dtype=_PACKED_ROW)
    out = np.empty((len(packed), 5))
    out[:, 0], out[:, 1], out[:, 4] = packed["firm"], packed["days"], packed["halted"]
    out[:, 2] = packed["cents"] / 100
    out[:, 3] = np.where(packed["kwh"] < 0, np.nan, packed["kwh"])
    return out


def months_of(
    firms: QuerySet[Enterprise], period: Period, *, basis: str = "preliminary"
) -> tuple[FirmTable, alerts.Months]:
    """The firms of the queryset and their 25 months up to `period` as arrays: every submitted
    report (快报), or on `basis="confirmed"` the confirmed ones only (审定: an unconfirmed report
    counts as not reported, as on the dashboard).

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    if basis not in BASES:
        raise ValueError(f"basis is one of {BASES}, not {basis!r}")
    first = period.shift(-(alerts.MONTHS - 1))
    try:
        table = _firm_table(firms, period)
        id_sql, id_params = firms.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (.none())
        return _firm_table_empty(), alerts.from_rows([], firm_ids=[], first_month=_index(first))
    # The rules look back twelve months (the same month last year, the power ratio's median):
    # only those thirteen of the 25 months are read.
    read_from = period.shift(-LOOK_BACK)
    figures = MonthlyFigure._meta.db_table
    real = "DOUBLE PRECISION"  # SQLite reads it as REAL
    where = f"FROM {figures} WHERE period >= %s AND period <= %s AND enterprise_id IN ({id_sql})"
    where_params = [read_from.first_day, period.first_day, *id_params]
    if basis == "confirmed":
        where += " AND status = %s"
        where_params.append(MonthlyFigure.Status.CONFIRMED)
    if connection.vendor == "postgresql":
        data = _packed(where, [first.first_day, *where_params])
    else:
        select = (
            f"SELECT enterprise_id, {_days_since_sql('period')}, CAST(output_value_wan AS {real}), "
            f"CAST(electricity_kwh AS {real}), days_halted "
        )
        rows = _rows(select + where, [first.first_day, *where_params])
        data = np.array(rows, dtype=np.float64).reshape(-1, 5)
    starts = np.array(
        [(first.shift(k).first_day - first.first_day).days for k in range(alerts.MONTHS)]
    )
    data[:, 1] = np.searchsorted(starts, data[:, 1])  # a month's first day: its column
    months = alerts.from_rows(
        data,
        firm_ids=table.ids,
        first_month=0,
        expected=table.expected,
        days_in_month=period.days,
    )
    kwh = _kwh_series(table.ids, first, months.kwh, id_sql, id_params)
    if kwh is not months.kwh:
        months = alerts.Months(
            months.firm_ids,
            months.output,
            kwh,
            months.halted,
            months.reported,
            months.expected,
            months.days_in_month,
        )
    return table, months


def firm_warnings(
    enterprise: Enterprise, period: Period, *, basis: str = "preliminary"
) -> list[alerts.Warning]:
    """One firm's warnings of the month on the basis (what acknowledging checks against).

    Reference data: not scoped, because the caller (a service) has checked the actor may act
    on the firm."""
    _table, months = months_of(Enterprise.objects.filter(pk=enterprise.pk), period, basis=basis)
    return alerts.evaluate(months, thresholds())


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One warning as shown: its rule, severity, explanation, and acknowledgement (or None)."""

    rule: str
    severity: int
    numbers: dict
    text: str
    ack: AlertAck | None = None

    @property
    def label(self) -> str:
        return str(AlertAck.Rule(self.rule).label)


@dataclass
class FirmAlerts:
    """A firm with its warnings of the month."""

    enterprise_id: int
    name: str
    credit_code: str
    zone: Zone | None
    officer: User | None
    items: list[Item] = field(default_factory=list)

    @property
    def severity(self) -> int:
        """The highest severity among the warnings not yet acknowledged (0: all looked at)."""
        return max((i.severity for i in self.items if i.ack is None), default=0)

    @property
    def acknowledged(self) -> bool:
        return all(i.ack is not None for i in self.items)


def _n(value: float | None, places: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def _pct(fraction: float | None) -> str:
    if fraction is None:
        return "—"
    return f"{Decimal(str(abs(fraction) * 100)).quantize(Decimal('0.1'))}%"


def _wan(value: float | None) -> str:
    return _n(value, 0 if value is not None and abs(value) >= 100 else 2)


def explain(rule: str, numbers: dict, th: alerts.Thresholds) -> str:
    """The warning in words, with the firm's numbers (in the active language)."""
    if rule == alerts.YOY_DROP:
        return _(
            "Output down %(change)s year on year (this month %(current)s, same month last year "
            "%(last)s, in 10k yuan), beyond the %(limit)s warning line."
        ) % {
            "change": _pct(numbers["change"]),
            "current": _wan(numbers["current"]),
            "last": _wan(numbers["last_year"]),
            "limit": _pct(th.yoy_drop),
        }
    if rule == alerts.DECLINING:
        return _(
            "Output fell three months running: %(m3)s → %(m2)s → %(m1)s → %(m0)s (10k yuan)."
        ) % {k: _wan(numbers[k]) for k in ("m3", "m2", "m1", "m0")}
    if rule == alerts.HALTED:
        return _("Halted %(days)s of the month's %(of)s days.") % {
            "days": numbers["days"],
            "of": numbers["days_in_month"],
        }
    if rule == alerts.MISSING:
        return _("No report for this month, though the firm should report (producing or halted).")
    ratio, median = numbers["ratio"], numbers["median"]
    return _(
        "Output per kWh %(direction)s %(drift)s against the firm's median of the previous "
        "%(months)s months (this month %(ratio)s yuan per kWh: %(output)s 10k yuan on %(kwh)s "
        "kWh; median %(median)s), beyond the ±%(band)s band."
    ) % {
        "direction": _("up") if numbers["drift"] > 0 else _("down"),
        "drift": _pct(numbers["drift"]),
        "months": numbers["months"],
        "ratio": _n(ratio * 10000, 2),
        "median": _n(median * 10000, 2),
        "output": _wan(numbers["output"]),
        "kwh": _n(numbers["kwh"]),
        "band": _pct(th.drift_band),
    }


def alert_firms(
    user,
    *,
    zone: Zone | None = None,
    mine: bool = False,
    officer: User | None = None,
) -> QuerySet[Enterprise]:
    """The firms whose warnings the user may see: their unit's (or one zone's), an officer's
    own (mine) or a named officer's."""
    if not can_view_dashboard(user):
        return Enterprise.objects.none()
    firms = enterprise_scope(user)
    if zone is not None:
        firms = firms.filter(zone=zone)
    if mine:
        firms = firms.filter(officer=user)
    if officer is not None:
        firms = firms.filter(officer=officer)
    return firms


def alert_list(
    user,
    *,
    period: Period,
    zone: Zone | None = None,
    mine: bool = False,
    officer: User | None = None,
    rule: str = "",
    state: str = "",
    size: str = "all",
    basis: str = "preliminary",
) -> list[FirmAlerts]:
    """The month's warnings of the firms the user may see (see `alert_firms`), a firm with all
    its warnings, the most severe open ones first. `rule` keeps one rule; `state` "open" only
    the warnings nobody acknowledged, "acknowledged" only the others; `size` and `basis` are
    the dashboard's scope (above/below-size firms of the month's year; 快报 or 审定 reports)."""
    firms = sized(alert_firms(user, zone=zone, mine=mine, officer=officer), period.year, size)
    th = thresholds()
    table, months = months_of(firms, period, basis=basis)
    found = alerts.evaluate(months, th)
    if rule in alerts.RULES:
        found = [w for w in found if w.rule == rule]
    if not found:
        return []
    acks = {
        (a.enterprise_id, a.rule): a
        for a in AlertAck.objects.filter(
            enterprise__in=firms.order_by().values("pk"), period=period.first_day
        ).select_related("by")
    }
    row_of = {int(f): i for i, f in enumerate(table.ids)}
    warned = {w.firm_id for w in found}
    zones = {
        z.pk: z
        for z in Zone.objects.select_related("area").filter(
            pk__in={table.zone_ids[row_of[f]] for f in warned}
        )
    }
    officers = {
        u.pk: u
        for u in User.objects.filter(pk__in={table.officer_ids[row_of[f]] for f in warned} - {None})
    }
    by_firm: dict[int, FirmAlerts] = {}
    for w in found:
        ack = acks.get((w.firm_id, w.rule))
        if (state == "open" and ack is not None) or (state == "acknowledged" and ack is None):
            continue
        i = row_of[w.firm_id]
        firm = by_firm.get(w.firm_id)
        if firm is None:
            firm = by_firm[w.firm_id] = FirmAlerts(
                enterprise_id=w.firm_id,
                name=table.names[i],
                credit_code=table.codes[i],
                zone=zones.get(table.zone_ids[i]),
                officer=officers.get(table.officer_ids[i]),
            )
        firm.items.append(Item(w.rule, w.severity, w.numbers, explain(w.rule, w.numbers, th), ack))
    for firm in by_firm.values():
        firm.items.sort(key=lambda i: (i.ack is not None, -i.severity))
    return sorted(
        by_firm.values(),
        key=lambda f: (-f.severity, -sum(i.ack is None for i in f.items), f.name, f.enterprise_id),
    )


def rule_counts(rows: list[FirmAlerts]) -> dict[str, int]:
    """Open warnings per rule among the rows."""
    counts = dict.fromkeys(alerts.RULES, 0)
    for firm in rows:
        for item in firm.items:
            if item.ack is None:
                counts[item.rule] += 1
    return counts


def officer_choices(user, *, zone: Zone | None = None) -> list[User]:
    """The liaison officers of the firms the user sees (of one zone), for the officer filter."""
    firms = alert_firms(user, zone=zone)
    return list(
        User.objects.filter(pk__in=firms.exclude(officer=None).values("officer_id")).order_by(
            "full_name", "username"
        )[:200]
    )


def officer_get(user, *, username: str) -> User | None:
    """An officer of the user's unit, by user name (the officer filter)."""
    if not can_view_dashboard(user) or not username:
        return None
    firms = enterprise_scope(user).filter(officer__username=username)
    return User.objects.filter(username=username, pk__in=firms.values("officer_id")).first()

"""The bulk reads and writes of matching, in SQL: the stored decisions of many firms read as
packed numbers in one query, and the planned changes written in one statement (COPY into a
temporary table and INSERT … ON CONFLICT on PostgreSQL, the driver's executemany on SQLite).
Entitlements are derived data, so these bypass the ORM (see docs/decisions.md)."""

import itertools
from dataclasses import dataclass

import numpy as np
from django.db import connection

from zonedesk.core.collector import no_gc
from zonedesk.core.period import Period
from zonedesk.policies import facts, matching
from zonedesk.policies.flows import IN_WORKFLOW
from zonedesk.policies.models import (
    Entitlement,
    EntitlementEvent,
    MatchState,
    Measure,
    PolicyDocument,
)


class Scopes:
    """Which firm rows each document covers, computed once per zone or area prefix (over the
    few distinct county codes, not the firms)."""

    def __init__(self, table: facts.FactTable):
        self.table = table
        self.cache: dict[tuple, np.ndarray] = {}
        self.counties = None

    def mask(self, document: PolicyDocument) -> np.ndarray:
        if document.zone_id:
            key = ("zone", document.zone.code)
            if key not in self.cache:
                zones = self.table.columns["zone_code"].values
                self.cache[key] = np.asarray(zones == document.zone.code, dtype=bool)
            return self.cache[key]
        key = ("area", document.scope_prefix)
        if key not in self.cache:
            if self.counties is None:
                codes = self.table.columns["county_code"].values.astype(str)
                self.counties = np.unique(codes, return_inverse=True)
            unique, inverse = self.counties
            self.cache[key] = np.char.startswith(unique, document.scope_prefix)[inverse]
        return self.cache[key]

    def statuses(self, statuses) -> np.ndarray:
        """The firm rows whose status is one of `statuses` (a measure's firm_statuses)."""
        key = ("status", *sorted(statuses))
        if key not in self.cache:
            self.cache[key] = np.isin(self.table.columns["status"].values, list(statuses))
        return self.cache[key]


def _case(column: str, codes: dict[str, int]) -> str:
    whens = " ".join(f"WHEN '{text}' THEN {code}" for text, code in codes.items() if text)
    return f"(CASE {column} {whens} ELSE 0 END)"


def read_stored(
    firms, measures: list[Measure], table: facts.FactTable, period: Period, texts, *, ids=None
):
    """The stored decisions of these firms and measures, columnar, in one query.

    Reading a million stored pairs is most of a re-match, and the driver's cost is per value,
    so each row comes as four numbers and a text that is null for the common "[]": the pair
    packed into one integer, and decision, state, same month and same rule version packed
    into another (see matching.Stored.from_packed). `ids`: the firms are these few (a re-match
    of the firms whose inputs changed), read through the index of pairs by firm.
    """
    firm_sql, firm_params = firms.order_by().values("pk").query.sql_with_params()
    firms_in = f"e.enterprise_id IN ({firm_sql})"
    if ids is not None and connection.vendor == "postgresql":
        # With the firms in a subquery PostgreSQL scans every pair; an array it looks up.
        firms_in, firm_params = "e.enterprise_id = ANY(%s::bigint[])", [list(ids)]
    missing = "e.missing::text" if connection.vendor == "postgresql" else "e.missing"
    entitlements = Entitlement._meta.db_table
    marks = ", ".join(["%s"] * len(measures))
    sql = (
        f"SELECT e.enterprise_id * {matching.PACK} + e.measure_id, "  # noqa: S608 - our own names
        f"{_case('e.decision', matching.DECISION_CODES)}"
        f" + 4 * {_case('e.state', matching.STATE_CODES)}"
        " + (CASE WHEN e.period = %s THEN 64 ELSE 0 END)"
        f" + (CASE WHEN e.rule_version_id IN ({marks}) THEN 128 ELSE 0 END), "
        "CAST(ROUND(e.estimate_wan * 100) AS BIGINT), "
        f"CASE WHEN e.decision = 'undetermined' THEN {missing} END "
        f"FROM {entitlements} e "
        # "+": SQLite would otherwise probe (firm, measure) 20 million times instead of reading
        # each firm's pairs once.
        f"WHERE +e.measure_id IN ({marks}) AND {firms_in}"
    )
    # A rule version belongs to one measure: the current ones are the measures' own.
    versions = [m.current_id for m in measures]
    params = [period.first_day, *versions, *(m.pk for m in measures), *firm_params]
    with no_gc(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return matching.Stored.from_packed(rows, table.firm_ids, [m.pk for m in measures], texts)


UPSERT_COLUMNS = (
    "enterprise_id",
    "measure_id",
    "decision",
    "missing",
    "estimate_wan",
    "rule_version_id",
    "period",
    "decided_at",
    "state",
)


def write(plan, table, measures, versions, texts, period: Period, now) -> None:
    """Insert or update the planned rows and delete the gone ones: COPY into a temporary table
    and one INSERT … ON CONFLICT on PostgreSQL, one executemany on SQLite."""
    m = len(measures)
    firm_ids = np.asarray(table.firm_ids, dtype=np.int64)
    measure_ids = np.array([x.pk for x in measures], dtype=np.int64)
    ops = connection.ops
    day = ops.adapt_datefield_value(period.first_day)
    stamp = ops.adapt_datetimefield_value(now)
    rows = zip(
        firm_ids[plan.keys // m].tolist(),
        measure_ids[plan.keys % m].tolist(),
        (matching.DECISIONS[d] for d in plan.decision.tolist()),
        (texts[i] for i in plan.missing.tolist()),
        (
            None if c == matching.NO_AMOUNT else str(matching.decimal_of(c))
            for c in plan.cents.tolist()
        ),
        versions[plan.keys % m].tolist(),
        itertools.repeat(day),
        itertools.repeat(stamp),
        (matching.STATES[s] for s in plan.state.tolist()),
        strict=False,
    )
    table_name = Entitlement._meta.db_table
    columns = ", ".join(UPSERT_COLUMNS)
    # A benefit moved on by somebody after the stored states were read keeps its state (a
    # re-match never overwrites a workflow step), and only pairs without one are deleted.
    free = "(" + ", ".join(f"'{s}'" for s in matching.STATES if s not in IN_WORKFLOW) + ")"
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        if c != "state"
        else f"state = CASE WHEN {table_name}.state IN {free} THEN EXCLUDED.state "
        f"ELSE {table_name}.state END"
        for c in UPSERT_COLUMNS
        if c not in ("enterprise_id", "measure_id")
    )
    upsert = (
        f"INSERT INTO {table_name} ({columns}, reason) "
        "{source} ON CONFLICT (enterprise_id, measure_id) DO UPDATE SET " + updates
    )
    gone = list(
        zip(
            firm_ids[plan.delete_keys // m].tolist(),
            measure_ids[plan.delete_keys % m].tolist(),
            strict=True,
        )
    )
    rows = rows if len(plan.keys) else None
    # Pairs without a workflow have no steps; any step left by hand goes with its pair.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _write_postgres(cursor, rows, upsert, columns, gone, free)
        else:
            _write_sqlite(cursor, rows, upsert, gone, free)


def _write_postgres(cursor, rows, upsert: str, columns: str, gone: list, free: str) -> None:
    """COPY the rows (none: nothing to upsert) into a temporary table, upsert from it; delete the gone pairs (and their
    steps) in two statements over arrays of ids."""
    table_name = Entitlement._meta.db_table
    events = EntitlementEvent._meta.db_table
    if rows is not None:
        cursor.execute("DROP TABLE IF EXISTS zd_match")
        cursor.execute(
            "CREATE TEMPORARY TABLE zd_match (enterprise_id bigint, measure_id bigint, "
            "decision text, missing jsonb, estimate_wan numeric, rule_version_id bigint, "
            "period date, decided_at timestamptz, state text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY zd_match ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(upsert.format(source=f"SELECT {columns}, '' FROM zd_match"))  # noqa: S608
    if gone:
        pairs = (
            f"SELECT id FROM {table_name} e, unnest(%s::bigint[], %s::bigint[]) g(f, m) "  # noqa: S608
            f"WHERE e.enterprise_id = g.f AND e.measure_id = g.m AND e.state IN {free}"
        )
        firms_gone, measures_gone = (list(x) for x in zip(*gone, strict=True))
        for target, column in ((events, "entitlement_id"), (table_name, "id")):
            cursor.execute(
                f"DELETE FROM {target} WHERE {column} IN ({pairs})",  # noqa: S608
                [firms_gone, measures_gone],
            )


def _write_sqlite(cursor, rows, upsert: str, gone: list, free: str) -> None:
    """The driver's own executemany: Django's wrapper would adapt every value in Python."""
    table_name = Entitlement._meta.db_table
    events = EntitlementEvent._meta.db_table
    raw = cursor.cursor
    if rows is not None:
        marks = ", ".join(["?"] * (len(UPSERT_COLUMNS) + 1))
        raw.executemany(upsert.format(source=f"VALUES ({marks})"), ((*row, "") for row in rows))
    if gone:
        delete_events = (
            f"DELETE FROM {events} WHERE entitlement_id IN "  # noqa: S608 - our own names
            f"(SELECT id FROM {table_name} WHERE enterprise_id = ? AND measure_id = ? "
            f"AND state IN {free})"
        )
        raw.executemany(delete_events, gone)
        raw.executemany(
            f"DELETE FROM {table_name} WHERE enterprise_id = ? AND measure_id = ? "  # noqa: S608
            f"AND state IN {free}",
            gone,
        )


# --- what each firm's decisions were computed from (MatchState) ----------------------------------

# The triggers of migration 0003 that count the changes to a firm's inputs. SQLite drops a
# table's triggers when Django rebuilds the table in a later migration, so a match trusts the
# state only while they are all there (and decides every firm otherwise).
TRIGGERS = (
    "zd_match_figure_insert",
    "zd_match_figure_update",
    "zd_match_figure_delete",
    "zd_match_firm_update",
    "zd_match_zone_update",
    "zd_match_area_update",
)


def triggers_present() -> bool:
    marks = ", ".join(["%s"] * len(TRIGGERS))
    if connection.vendor == "sqlite":
        sql = f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"  # noqa: S608
    elif connection.vendor == "postgresql":
        sql = f"SELECT COUNT(DISTINCT tgname) FROM pg_trigger WHERE tgname IN ({marks})"  # noqa: S608
    else:
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql, list(TRIGGERS))
        return cursor.fetchone()[0] == len(TRIGGERS)


@dataclass
class States:
    """The firms of a match to decide (all of them, or those whose stored decisions no longer
    stand), in id order, with the change count each had when read; how many firms there are in
    all, and how many pairs the others have stored."""

    ids: np.ndarray  # int64
    changes: np.ndarray  # int64
    firms: int
    pairs: int


def read_states(firms, period: Period, rules_key: int, *, every_firm: bool = False) -> States:
    """The firms of the queryset whose decisions no longer stand (or every firm), with their
    change counts: a firm's stand when it was last decided against the same rules on the same
    month with no change counted since. Two queries, the rows of the few firms to decide."""
    firm_sql, firm_params = firms.order_by().values("pk").query.sql_with_params()
    source = (
        f"FROM {firms.model._meta.db_table} f LEFT JOIN {MatchState._meta.db_table} s "
        f"ON s.enterprise_id = f.id WHERE f.id IN ({firm_sql})"
    )
    current = (
        "(CASE WHEN s.matched = s.changes AND s.period = %s AND s.rules = %s THEN 1 ELSE 0 END)"
    )
    params = [period.first_day, rules_key]
    with no_gc(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM({current} * s.pairs), 0) {source}",
            [*params, *firm_params],
        )
        n, pairs = cursor.fetchone()
        cursor.execute(
            f"SELECT f.id, COALESCE(s.changes, 0) {source}"
            + ("" if every_firm else f" AND {current} = 0")
            + " ORDER BY f.id",
            [*firm_params, *([] if every_firm else params)],
        )
        rows = cursor.fetchall()
    ids, changes = (
        (np.fromiter(c, dtype=np.int64, count=len(rows)) for c in zip(*rows, strict=True))
        if rows
        else (np.empty(0, dtype=np.int64) for _ in range(2))
    )
    return States(ids, changes, int(n), 0 if every_firm else int(pairs))


def write_states(firm_ids, changes, pairs, period: Period, rules_key: int) -> None:
    """Record what these firms were just decided from: the change count read before their
    facts were (a change made since then leaves them to decide again), the month, the rules.
    `changes` is never written here: only the triggers count."""
    state = MatchState._meta.db_table
    day = connection.ops.adapt_datefield_value(period.first_day)
    upsert = (
        f"INSERT INTO {state} (enterprise_id, changes, matched, period, rules, pairs) "
        "{source} ON CONFLICT (enterprise_id) DO UPDATE SET matched = EXCLUDED.matched, "
        "period = EXCLUDED.period, rules = EXCLUDED.rules, pairs = EXCLUDED.pairs"
    )
    ids = np.asarray(firm_ids, dtype=np.int64).tolist()
    changes = np.asarray(changes, dtype=np.int64).tolist()
    pairs = np.asarray(pairs, dtype=np.int64).tolist()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                upsert.format(
                    source="SELECT f, 0, c, %s::date, %s, p FROM "
                    "unnest(%s::bigint[], %s::bigint[], %s::bigint[]) u(f, c, p)"
                ),
                [day, rules_key, ids, changes, pairs],
            )
        else:
            cursor.cursor.executemany(
                upsert.format(source="VALUES (?, 0, ?, ?, ?, ?)"),
                zip(ids, changes, itertools.repeat(day), itertools.repeat(rules_key), pairs),
            )


def forget_states(firms) -> None:
    """The firms' decisions no longer stand for the next match (some of their pairs were just
    decided under rules other than those of all the measures in force)."""
    firm_sql, firm_params = firms.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MatchState._meta.db_table} SET rules = NULL "  # noqa: S608
            f"WHERE enterprise_id IN ({firm_sql})",
            firm_params,
        )

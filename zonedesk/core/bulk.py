"""Many rows written in one statement, in SQL: COPY on PostgreSQL (through a temporary table
when rows may exist already), the driver's own executemany on SQLite.

For services that write tens of thousands of rows at once (a month's sheet of a whole zone):
bulk_create builds a model object per row and prepares every value through its field, which
cost more than the database's own work. The caller gives values already in the database's
form (see `Adapted`), computed once per column where they are the same for every row, and
writes the audit entries itself, as any service does.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection


class Adapted:
    """Values in the form the database driver takes, for the current connection."""

    @staticmethod
    def date(value):
        return connection.ops.adapt_datefield_value(value)

    @staticmethod
    def datetime(value):
        return connection.ops.adapt_datetimefield_value(value)

    @staticmethod
    def json(value) -> str:
        return json.dumps(value)


def insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    bump: Sequence[str] = (),
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table`; with `conflict`, a row whose
    `conflict` columns match a stored one updates that row's `update` columns instead, and adds
    one to its `bump` columns (a Versioned record's `version`)."""
    names = ", ".join(columns)
    on_conflict = ""
    if conflict:
        sets = ", ".join(
            [f"{c} = EXCLUDED.{c}" for c in update] + [f"{c} = {table}.{c} + 1" for c in bump]
        )
        on_conflict = f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            target = table
            if conflict:
                # COPY cannot upsert: the rows go to a temporary table of the same columns.
                target = "zd_bulk"
                cursor.execute(f"DROP TABLE IF EXISTS {target}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "  # noqa: S608 - our own names
                    f"SELECT {names} FROM {table} WITH NO DATA"
                )
            with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if conflict:
                cursor.execute(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM {target}{on_conflict}"  # noqa: S608
                )
                cursor.execute(f"DROP TABLE {target}")
        else:
            marks = ", ".join(["?"] * len(columns))
            cursor.cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}){on_conflict}",  # noqa: S608
                rows,
            )

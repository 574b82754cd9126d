"""A copy of the whole test database, taken once and put back before each test that needs it.

Loading the demo zone takes seconds; a transactional test (a live server for the browser) ends
by emptying every table, so each such test used to load it again. Instead the first one loads
it and takes a snapshot of every table; the next ones put the snapshot back, which is the state
the load would have left (the rows, their ids and the sequences that number new ones):

- SQLite: the database is copied whole with SQLite's online backup (`sqlite3.Connection.backup`)
  into a database in memory, and back;
- PostgreSQL: each of Django's tables is copied out with `COPY ... TO STDOUT (FORMAT binary)`;
  putting it back empties them, copies the rows in with triggers off (`session_replication_role`,
  the test database's user is a superuser) and sets the sequences past the largest id, in one
  transaction.
"""

import contextlib
import io
import sqlite3
import warnings

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import TransactionTestCase

# This test process's snapshot of the database with the demo loaded (and the migrations' rows),
# taken by the first load of the demo, whichever kind of test made it.
DEMO: dict = {}


@contextlib.contextmanager
def demo_loaded():
    """In a transactional test: the demo zone, loaded as `zonedesk demo` loads it by the first
    such test of the process, and put back from the snapshot of that database for the next ones;
    on the way out the database is put back as it was before (so the flush is skipped)."""
    before = take()  # small: the tables as the last test left them, demo-free
    if "snapshot" in DEMO:  # taken by this process's first load of the demo
        restore(DEMO["snapshot"])
    else:
        call_command("demo", force=True, stdout=io.StringIO())
        DEMO["snapshot"] = take()
    yield
    # Put the database back as it was before the demo instead of Django's flush, which empties
    # every table and re-runs post_migrate (3–4 s a test on PostgreSQL, against under one).
    restore_instead_of_flush(before)


def take() -> object:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    if connection.vendor == "postgresql":
        tables = _tables()
        data = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.cursor.copy(f"COPY {_quoted(table)} TO STDOUT (FORMAT binary)") as out:
                    data[table] = b"".join(bytes(block) for block in out)
        return data
    raise NotImplementedError(connection.vendor)


def restore(snapshot) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        snapshot.backup(connection.connection)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows go back as they were: no trigger fires (policies' match-state triggers
            # would add rows of their own), foreign keys included (the snapshot is consistent).
            # DELETE, not TRUNCATE: on tables this small it is many times faster.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in snapshot:
                cursor.execute(f"DELETE FROM {_quoted(table)}")  # noqa: S608 (Django's own tables)
            for table, rows in snapshot.items():
                with cursor.cursor.copy(
                    f"COPY {_quoted(table)} FROM STDIN (FORMAT binary)"
                ) as into:
                    into.write(rows)
            models = apps.get_models(include_auto_created=True)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    # Content types are cached by id in the process; the snapshot's ids may differ from those
    # that the last flush made.
    ContentType.objects.clear_cache()


def restore_instead_of_flush(snapshot) -> None:
    """Put `snapshot` back and skip the flush that ends the running transactional test: a test
    that put the database back as it found it needs no emptying (the next test starts from the
    same state either way). If putting it back fails, the flush runs as usual."""
    try:
        restore(snapshot)
    except Exception as exc:  # the flush after it empties the database anyway
        warnings.warn(f"snapshot not restored, flushing instead: {exc!r}", stacklevel=2)
        return
    _FLUSH["skip_next"] = True


_FLUSH = {"skip_next": False}


def flush_skipped() -> bool:
    """Whether the running transactional test's flush will be skipped (the database was put
    back already)."""
    return _FLUSH["skip_next"]


_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self) -> None:
    if _FLUSH["skip_next"]:
        _FLUSH["skip_next"] = False
        return
    _django_fixture_teardown(self)


TransactionTestCase._fixture_teardown = _fixture_teardown


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)

"""The test databases: migrated once, then copied for each test process.

Running the migrations is most of a test process's setup (tens of CPU seconds: Django renders
the historical models again and again), and every pytest-xdist worker used to run them on its
own database, on SQLite and again on PostgreSQL. Instead the first process to need it builds a
template database by migrating (as Django's `create_test_db` does, the data migrations' rows and
post_migrate's content types and permissions included) and every process copies it:

- SQLite: a file in the temporary directory, copied with SQLite's online backup;
- PostgreSQL: a database on the server, copied with `CREATE DATABASE ... TEMPLATE ...`.

The template is kept for the next runs under a name that carries a hash of everything the
migrations are made of (`migrations_key`): every migration file of every installed app, the
project modules they import (followed import by import), the apps' data files, the settings that
decide what the migrations do and Django's version. A change to any of them gives another name,
so a stale template is never used; `pytest --create-db` builds it again anyway. A file lock lets
one process build it while the others wait; it is built under a temporary name and renamed when
complete, so a build that was interrupted is never taken for a template.
"""

import ast
import contextlib
import fcntl
import hashlib
import importlib.util
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.db import connections

CACHE = Path(tempfile.gettempdir()) / "zonedesk-testdb"
PG_PREFIX = "zonedesk_testtmpl_"
KEEP_OTHERS = 3  # templates of other keys kept (other branches' runs on the same machine)
_ROOT = Path(__file__).resolve().parent.parent


def key_files() -> set[Path]:
    """The files the migrations are made of: every installed app's migrations, the project's
    modules they import (and those modules' own imports), and the project apps' data files."""
    from django.db.migrations.loader import MigrationLoader

    files: set[Path] = set()
    for config in django.apps.apps.get_app_configs():
        # The files of the app's migrations package, read without importing them (as
        # Django's loader finds them: the package's own modules, not its subpackages).
        name, _explicit = MigrationLoader.migrations_module(config.label)
        try:
            spec = importlib.util.find_spec(name) if name else None
        except ImportError:
            spec = None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            files |= {p.resolve() for p in Path(folder).glob("*.py")}
    files |= _project_imports(files)
    for config in django.apps.apps.get_app_configs():
        data = Path(config.path) / "data"
        if data.is_dir() and _ROOT in data.resolve().parents:
            files |= {p.resolve() for p in data.rglob("*") if p.is_file()}
    return files


def migrations_key(connection) -> str:
    files = key_files()
    digest = hashlib.sha256()
    for part in (
        django.get_version(),
        connection.vendor,
        repr(settings.INSTALLED_APPS),
        repr(getattr(settings, "MIGRATION_MODULES", {})),
        settings.AUTH_USER_MODEL,
        settings.DEFAULT_AUTO_FIELD,
    ):
        digest.update(part.encode() + b"\0")
    for path in sorted(files):
        digest.update(str(path.relative_to(_ROOT) if _ROOT in path.parents else path).encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _project_imports(files: set[Path]) -> set[Path]:
    """The project's modules that `files` import, anywhere in them (a data migration imports
    inside its function), and the modules those import, and so on."""
    found: set[Path] = set()
    todo = list(files)
    while todo:
        tree = ast.parse(todo.pop().read_bytes())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if not name.startswith("zonedesk"):
                    continue
                path = _module_file(name)
                if path is not None and path not in found and path not in files:
                    found.add(path)
                    todo.append(path)
    return found


def _module_file(name: str) -> Path | None:
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None)
    if origin is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        origin = spec.origin if spec is not None else None
    if not origin or not origin.endswith(".py"):
        return None
    return Path(origin).resolve()


@contextlib.contextmanager
def _lock(connection):
    """One lock per database server: the SQLite build does not wait for PostgreSQL's."""
    where = connection.vendor
    if connection.vendor == "postgresql":
        where += (
            f"-{connection.settings_dict['HOST'] or 'local'}-{connection.settings_dict['PORT']}"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"lock-{where}", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup(alias: str = "default", *, rebuild: bool = False, run: str = "") -> tuple[str, dict]:
    """Give this process its test database, a copy of the template (built first if needed, or
    if `rebuild`: once per `run`, pytest-xdist's id of the run shared by its processes).
    Returns what `teardown` needs: the database's own name, and timings for the report."""
    connection = connections[alias]
    timings: dict = {}
    start = time.perf_counter()
    key = migrations_key(connection)
    timings["key"] = time.perf_counter() - start
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    with _lock(connection):
        timings["wait"] = time.perf_counter() - start - timings["key"]
        rebuilt = CACHE / f"rebuilt-{connection.vendor}-{run}"
        if rebuild and run:
            rebuild = not rebuilt.exists()
            rebuilt.touch()
        if connection.vendor == "sqlite":
            template = CACHE / f"sqlite-{key[:20]}.sqlite3"
            if rebuild or not template.exists():
                timings["built"] = _timed(_build_sqlite, connection, template)
            timings["copied"] = _timed(_copy_sqlite, template, Path(test_name))
        elif connection.vendor == "postgresql":
            template = PG_PREFIX + key[:20]
            if rebuild or not _pg_exists(connection, template):
                timings["built"] = _timed(_build_postgresql, connection, template)
            timings["copied"] = _timed(_copy_postgresql, connection, template, test_name)
        else:
            raise NotImplementedError(connection.vendor)
    _TEMPLATE[alias] = template
    # As Django's create_test_db leaves it: the connection now names the test database.
    connection.close()
    settings.DATABASES[alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    return old_name, timings


def teardown(alias: str, old_name: str) -> None:
    connections[alias].creation.destroy_test_db(old_name, verbosity=0)


_TEMPLATE: dict = {}  # alias: the template this process's database was copied from


def back_to_the_template(alias: str = "default") -> None:
    """Make this process's database a fresh copy of its template again: every migration
    applied and only the migrations' rows, in a second instead of migrating forwards again (a
    test that took the schema back to an old migration). Only between tests or in a
    transactional test: what the test's transaction held is gone."""
    connection = connections[alias]
    template = _TEMPLATE.get(alias)
    if template is None:  # pytest-django's own setup (--reuse-db, --nomigrations): migrate
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        return
    test_name = connection.settings_dict["NAME"]
    connection.close()
    with _lock(connection):
        if connection.vendor == "sqlite":
            _copy_sqlite(template, Path(test_name))
        else:
            _copy_postgresql(connection, template, test_name)
    connection.ensure_connection()
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def migrate_to(targets: list[tuple[str, str]], alias: str = "default"):
    """Migrate the database to `targets` (forwards or backwards, as `migrate` does) and return
    the historical models there (an `Apps`), for the tests of data migrations.

    Backwards, Django renders the models of every migration applied after the first one it
    unapplies (its full plan is one order of all apps' migrations, in which unrelated apps'
    migrations fall between them): four fifths of such a test's time. Here the plan puts the
    migrations that stay applied first, then the ones to unapply (a valid order too: whatever
    depends on a migration being unapplied is unapplied with it), so only the latter are
    rendered. The schema and rows that come out are the same; only the bookkeeping is cheaper."""
    from django.db.migrations.executor import MigrationExecutor

    class Executor(MigrationExecutor):
        leaving: frozenset = frozenset()

        def migration_plan(self, targets, clean_start=False):
            plan = super().migration_plan(targets, clean_start)
            if not clean_start or not self.leaving:
                return plan
            return [s for s in plan if s[0] not in self.leaving] + [
                s for s in plan if s[0] in self.leaving
            ]

    executor = Executor(connections[alias])
    plan = executor.migration_plan(targets)
    if plan and all(backwards for _, backwards in plan):
        executor.leaving = frozenset(migration for migration, _ in plan)
    # The state migrate ends in: forwards its models are rendered already (not once more).
    return executor.migrate(targets, plan=plan).apps


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return round(time.perf_counter() - start, 2)


def _migrate_into(connection, name: str) -> None:
    """Django's own test-database creation (migrate, post_migrate, createcachetable) into the
    database `name`; the connection's settings are put back afterwards."""
    alias = connection.alias
    saved = (connection.settings_dict["NAME"], connection.settings_dict.get("TEST", {}))
    connection.settings_dict["TEST"] = {**saved[1], "NAME": name}
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        connection.settings_dict["NAME"], connection.settings_dict["TEST"] = saved
        settings.DATABASES[alias]["NAME"], settings.DATABASES[alias]["TEST"] = saved


def _build_sqlite(connection, template: Path) -> None:
    building = template.with_suffix(".building")
    for path in _sqlite_files(building):
        path.unlink(missing_ok=True)
    _migrate_into(connection, str(building))
    # One self-contained file (no write-ahead log beside it), then renamed when complete.
    with contextlib.closing(sqlite3.connect(building)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    os.replace(building, template)
    others = sorted(
        (p for p in CACHE.glob("sqlite-*.sqlite3") if p != template),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP_OTHERS:]:
        old.unlink(missing_ok=True)


def _copy_sqlite(template: Path, target: Path) -> None:
    for path in _sqlite_files(target):
        path.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    os.utime(template)  # the most recently used templates are the ones kept


def _sqlite_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _pg_exists(connection, name: str) -> bool:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _build_postgresql(connection, template: str) -> None:
    quote = connection.ops.quote_name
    building = template + "_building"
    _migrate_into(connection, building)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)} WITH (FORCE)")
        cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
        # Newest first (a database's oid grows with its creation).
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s"
            " ORDER BY oid DESC",
            [PG_PREFIX.replace("_", r"\_") + "%", template],
        )
        for (old,) in cursor.fetchall()[KEEP_OTHERS:]:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)} WITH (FORCE)")


def _copy_postgresql(connection, template: str, target: str) -> None:
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")

import copy
import os
import tempfile
from pathlib import Path

import pytest

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the tests' database is a file, not memory: the HTTP benchmark's smoke test
    serves it from gunicorn, another process. One file per test process, so runs do not mix
    (pytest-xdist's workers are processes too; on PostgreSQL pytest-django names one database
    per worker).

    On PostgreSQL the tests' sessions do not wait for the disk at each commit: a crash could lose
    the last commits of a database that is thrown away anyway. A per-session setting, because
    the server is shared (fsync is server-wide)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"zonedesk_test_{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """Each test process's database is a copy of one migrated template (tests/testdb.py), not
    migrated again by each process on each run. pytest-django's own setup (below) for
    `--reuse-db` and `--nomigrations`, which the template does not serve."""
    from django.db import connections

    if django_db_keepdb or not django_db_use_migrations or len(connections.all()) != 1:
        from django.test.utils import setup_databases, teardown_databases

        if not django_db_use_migrations:
            from pytest_django.fixtures import _disable_migrations

            _disable_migrations()
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                keepdb=django_db_keepdb and not django_db_createdb,
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=request.config.option.verbose)
        return

    from tests import testdb

    with django_db_blocker.unblock():
        old_name, timings = testdb.setup(
            "default",
            rebuild=django_db_createdb,
            run=getattr(request.config, "workerinput", {}).get("testrunuid", ""),
        )
    if request.config.option.verbose > 0:
        print(f"\ntest database: {timings}")
    yield
    with django_db_blocker.unblock():
        try:
            testdb.teardown("default", old_name)
        except Exception as exc:
            request.node.warn(pytest.PytestWarning(f"test database not dropped: {exc!r}"))


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_MEDIA = {"base": None, "tests": 0}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Files a test stores (the generated monthly summaries) go to its own folder, never to the
    checkout's var/media. Not under `tmp_path`: pytest numbers each test's folder by listing
    the folders made before it, which grew to most of a quick test's setup over ten thousand
    tests (docs/decisions.md); one folder per process, and one in it per test."""
    if _MEDIA["base"] is None:
        _MEDIA["base"] = tmp_path_factory.mktemp("media")
    _MEDIA["tests"] += 1
    folder = _MEDIA["base"] / str(_MEDIA["tests"])
    folder.mkdir()
    settings.MEDIA_ROOT = folder


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves the
    language it chose active in the thread, and a later test reading a lazy message would get
    it (a NUL message read in English after an English page test)."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages are keyed by zone versions that restart at 0 in every test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db) -> factories.World:
    return factories.world()


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    """The world built once per module and test process: inside a transaction rolled back at
    the module's end, each test in a savepoint of its own (pytest-django's `db`), so what a test
    writes is gone before the next one. For the modules of many cases (the access matrix: building
    the world was three quarters of each of its ~4,000 cases' time)."""
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield factories.world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_world(_world_once, db) -> factories.World:
    """The module's world (see _world_once), copied for each test: a test may change its
    objects in memory. A module opts in with `def world(shared_world): return shared_world`."""
    return copy.deepcopy(_world_once)


def _logged_in_client(user):
    """A test client logged in as `user`, with the second factor passed too when the user's
    role requires it."""
    from django.test import Client

    from tests.otp_codes import verified_session
    from zonedesk.org.access import second_factor_required

    c = Client()
    c.force_login(user)
    if second_factor_required(user):
        verified_session(c, user)
    return c


# A cached log-in older than this gets its idle clock moved (core.sessions): the middleware's own
# stamp rolls back with each test, and the session would end after SESSION_IDLE_MINUTES (30).
_LOGIN_RESTAMP_S = 5 * 60


@pytest.fixture(scope="module")
def _logins_once(_world_once, django_db_blocker) -> dict:
    """Every user of the module's world logged in once, in the module's transaction (see
    _world_once): their session cookies by (pk, username), for client_for. A module of many
    cases opts in with `def world(shared_world, _logins_once)`: logging in (the audit log's
    entry, the session row, last_login, the second factor) was a sixth of each access-matrix
    case's time. What a test's requests write to a session rolls back with the test."""
    import time

    with django_db_blocker.unblock():
        return {
            (user.pk, user.username): (_logged_in_client(user).cookies, time.time())
            for user in _world_once.users.values()
        }


@pytest.fixture
def client_for(request):
    """A test client logged in as the given user (or anonymous for None): with the second
    factor passed too when the user's role requires it (tests/security/test_mfa_* log in
    without it). In a module that logs its world's users in once (_logins_once), a client of
    one of them carries a copy of that session's cookies instead of logging in again."""
    logins = (
        request.getfixturevalue("_logins_once") if "_logins_once" in request.fixturenames else {}
    )

    def make(user):
        import time

        from django.test import Client

        if user is None:
            return Client()
        cached = logins.get((user.pk, user.username))
        if cached is None:
            return _logged_in_client(user)
        cookies, logged_in_at = cached
        c = Client()
        c.cookies = copy.deepcopy(cookies)
        if time.time() - logged_in_at > _LOGIN_RESTAMP_S:
            from zonedesk.core.sessions import SEEN

            session = c.session
            session[SEEN] = int(time.time())
            session.save()
        return c

    return make


# --- the migrations' rows, and the demo zone loaded once per test process ------------------------
# A transactional test would empty every table when it ends (Django's flush), the rows the data
# migrations wrote included (dated thresholds, evaluation schemes, holidays): instead it puts the
# tables back as it found them (_put_back_instead_of_flush), and where that fails, or after the
# demo's tests below, the migrations' rows are given back.
#
# Loading the demo takes seconds; the tests that read it (not in a live server) share one copy,
# committed before their own transaction, which rolls back what each test changes. They run
# together, at the end of the database tests (pytest_collection_modifyitems below); after the
# last of them the database is emptied and given back the migrations' rows, so the tests that
# follow start as they would have without it.
_SKIPPED_APPS = {"contenttypes", "auth", "sessions", "admin"}  # rebuilt by flush's post_migrate
_STATE = {"demo_committed": False, "migration_rows": [], "demo_output": "", "rows_missing": False}


def _group(item) -> int:
    """pytest-django's order: 0 tests in a transaction, 1 transactional tests, 2 no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = (
        bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )
    if transactional:
        return 1
    return 0 if marker or "db" in fixtures else 2


def _shares_the_demo(item) -> bool:
    return _group(item) == 0 and "_demo_committed" in getattr(item, "fixturenames", [])


def _longest_first(item) -> int:
    """Among the transactional tests (whose order between themselves does not matter), the
    longest kinds first: the browser walk of every page, then the other browser tests. The
    short tests behind them (and the tests without a database, last) fill in the process that
    finishes its long ones first, instead of one process running the long tail alone."""
    if _group(item) != 1:
        return 0
    if item.get_closest_marker("browser") is None:
        return 2
    return 0 if item.nodeid.startswith("tests/browser/test_walkthrough.py") else 1


# --- the tests without a database run on SQLite only -------------------------------------------
# CI runs the suite on SQLite, then on PostgreSQL. A test with no database mark or fixture cannot
# reach the database (pytest-django refuses every query it makes), so its result cannot depend
# on which one the settings name; on PostgreSQL it would run a second time for nothing. The
# tests below read the backend without a query (the vendor, or a child process given
# DATABASE_URL), so they run on both. ZONEDESK_EVERY_TEST=1 runs all of them on PostgreSQL too.
ON_EVERY_DATABASE = {
    # the template's key carries connection.vendor
    "tests/core/test_testdb.py::test_the_key_changes_with_a_migration",
}
_DESELECTED: list[int] = []


def _on_postgresql() -> bool:
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _without_a_database_on_postgresql(config, items) -> None:
    if os.environ.get("ZONEDESK_EVERY_TEST") or not _on_postgresql():
        return
    keep, drop = [], []
    for item in items:
        bare = item.nodeid.split("[", 1)[0]
        (drop if _group(item) == 2 and bare not in ON_EVERY_DATABASE else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    _DESELECTED.append(len(drop))
    if hasattr(config, "workeroutput"):  # a pytest-xdist process: told to the controller
        config.workeroutput["without_a_database"] = len(drop)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    if not _DESELECTED and "without_a_database" in getattr(node, "workeroutput", {}):
        _DESELECTED.append(node.workeroutput["without_a_database"])


def pytest_terminal_summary(terminalreporter):
    if _DESELECTED:
        terminalreporter.write_line(
            f"{_DESELECTED[0]} tests without a database not run on PostgreSQL (they ran on SQLite; "
            "ZONEDESK_EVERY_TEST=1 runs them)"
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django's order (which this keeps), the tests sharing the demo go last among
    the tests in a transaction; the transactional tests longest first (_longest_first). On
    PostgreSQL the tests without a database are left out (_without_a_database_on_postgresql)."""
    _without_a_database_on_postgresql(config, items)
    items.sort(key=lambda item: (_group(item), _shares_the_demo(item), _longest_first(item)))


# Tests handed to a test process ahead of the one it runs (pytest-xdist's `load` scheduling).
# xdist's own `load` gives a process that runs low up to a quarter of the tests still pending in
# one go; near the end of the database tests that was the whole transactional tail (the browser
# tests, minutes of them) for one process while the other finished the quick tests and then
# sat idle for about ten minutes. With a short queue the next tests go to whichever process
# asks first, still in the collected order (each process sees pytest-django's order: the
# transactional tests after the others). Two ahead at least: a process runs a test once it
# knows the next one (pytest's `nextitem`).
QUEUE = 3


@pytest.hookimpl(optionalhook=True)  # known only when pytest-xdist is loaded
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class ShortQueues(LoadScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            self.maxschedchunk = QUEUE  # the first batch of each process, too

        def check_schedule(self, node, duration=0):
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            waiting = len(self.node2pending[node])
            if waiting < QUEUE:
                self._send_tests(node, QUEUE - waiting)

    return ShortQueues(config, log)


def _give_back_migration_rows() -> None:
    from django.core import serializers

    for chunk in _STATE["migration_rows"]:
        for obj in serializers.deserialize("json", chunk):
            obj.save()


@pytest.fixture(scope="session")
def _migration_rows(django_db_setup, django_db_blocker) -> None:
    """The rows the migrations wrote, read once, before any test commits anything."""
    from django.apps import apps
    from django.core import serializers

    with django_db_blocker.unblock():
        for model in apps.get_models():
            meta = model._meta
            if meta.app_label in _SKIPPED_APPS or meta.proxy or not meta.managed:
                continue
            found = model._base_manager.all()
            if found.exists():
                _STATE["migration_rows"].append(serializers.serialize("json", found))


@pytest.fixture(autouse=True)
def _put_back_instead_of_flush(request):
    """A transactional test puts the database back as it found it (tests/dbsnapshot.py: the
    tables copied before it, put back after it) instead of Django's flush: the next test starts
    from the same state either way, the migrations' rows included, so they need not be given
    back before each test. The flush emptied every table and ran post_migrate again, then the
    migrations' rows were saved one by one: seconds a test on PostgreSQL (docs/decisions.md).
    If putting the tables back fails, the flush runs as before and the next transactional test
    gets the migrations' rows back first."""
    if _group(request.node) != 1:
        yield
        return
    from tests import dbsnapshot

    # The test's database set-up first, so that its teardown (the flush) comes after this one's.
    request.getfixturevalue("_django_db_helper")
    request.getfixturevalue("_migration_rows")  # read once, before any test commits anything
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        if _STATE["rows_missing"]:
            _give_back_migration_rows()
            _STATE["rows_missing"] = False
        before = dbsnapshot.take()
    yield
    if dbsnapshot.flush_skipped():  # the test put the database back itself (demo_loaded)
        return
    with blocker.unblock():
        dbsnapshot.restore_instead_of_flush(before)
    _STATE["rows_missing"] = not dbsnapshot.flush_skipped()


@pytest.fixture(scope="session")
def _demo_committed(_migration_rows, django_db_blocker):
    """Load the demo outside any test's transaction (once: a session fixture set up before any
    function fixture opens the test's transaction)."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    from tests import dbsnapshot

    # A session fixture is set up before the function fixtures (_fast_hashing): the demo's
    # passwords hashed here as in every test, so that the live-server tests, which put this
    # copy back, can log the demo's users in.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        out = io.StringIO()
        call_command("demo", force=True, stdout=out)
        _STATE["demo_output"] = out.getvalue()
        # The live-server tests of this process put this copy back instead of loading the demo
        # a second time (tests/browser/conftest.py: demo).
        dbsnapshot.DEMO.setdefault("snapshot", dbsnapshot.take())
    _STATE["demo_committed"] = True


@pytest.fixture
def demo(_demo_committed, db):
    """The demo zone, as `zonedesk demo` loads it (its writes roll back with the test's)."""
    if not _STATE["demo_committed"]:  # emptied already (tests of another order): load it here
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command("demo", force=True, stdout=out)
        _STATE["demo_output"] = out.getvalue()


@pytest.fixture
def demo_output(demo) -> str:
    """What `zonedesk demo` printed when it loaded the demo that `demo` gives (the same command,
    not run again)."""
    return _STATE["demo_output"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if not _STATE["demo_committed"] or (nextitem is not None and _shares_the_demo(nextitem)):
        return
    _STATE["demo_committed"] = False
    if nextitem is None:
        return  # the last test: the test databases are gone already (never flush another one)
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    assert "test" in str(connection.settings_dict["NAME"]), connection.settings_dict["NAME"]
    with item.config.stash[blocking_manager_key].unblock():
        call_command("flush", interactive=False, verbosity=0)
        _give_back_migration_rows()

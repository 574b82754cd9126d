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


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Files a test stores (the generated monthly summaries) go to its own folder, never to the
    checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user (or anonymous for None): with the second
    factor passed too when the user's role requires it (tests/security/test_mfa_* log in
    without it)."""

    def make(user):
        from django.test import Client

        from tests.otp_codes import verified_session
        from zonedesk.org.access import second_factor_required

        c = Client()
        if user is not None:
            c.force_login(user)
            if second_factor_required(user):
                verified_session(c, user)
        return c

    return make


# --- the migrations' rows, and the demo zone loaded once per test process ------------------------
# A transactional test empties every table when it ends, the rows the data migrations wrote
# included (dated thresholds, evaluation schemes, holidays): each transactional test gets them back
# first (_migration_rows_back).
#
# Loading the demo takes seconds; the tests that read it (not in a live server) share one copy,
# committed before their own transaction, which rolls back what each test changes. They run
# together, at the end of the database tests (pytest_collection_modifyitems below); after the
# last of them the database is emptied and given back the migrations' rows, so the tests that
# follow start as they would have without it.
_SKIPPED_APPS = {"contenttypes", "auth", "sessions", "admin"}  # rebuilt by flush's post_migrate
_STATE = {"demo_committed": False, "migration_rows": []}


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (which this keeps), the tests sharing the demo go last among
    the tests in a transaction."""
    items.sort(key=lambda item: (_group(item), _shares_the_demo(item)))


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
def _migration_rows_back(request):
    if _group(request.node) != 1:
        return
    request.getfixturevalue("_migration_rows")
    with request.getfixturevalue("django_db_blocker").unblock():
        _give_back_migration_rows()


@pytest.fixture(scope="session")
def _demo_committed(_migration_rows, django_db_blocker):
    """Load the demo outside any test's transaction (once: a session fixture set up before any
    function fixture opens the test's transaction)."""
    import io

    from django.core.management import call_command

    from tests import dbsnapshot

    with django_db_blocker.unblock():
        call_command("demo", force=True, stdout=io.StringIO())
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

        call_command("demo", force=True, stdout=io.StringIO())


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

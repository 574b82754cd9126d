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
def _empty_cache():
    """Cached pages are keyed by zone versions that restart at 0 in every test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db) -> factories.World:
    return factories.world()


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

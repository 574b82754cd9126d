"""zonedesk's settings for the HTTP benchmark's gunicorn: the product's URLs plus the constant
view (httpserver.urls), on the database the benchmark's own process uses (in the smoke test,
the tests' database rather than DATABASE_URL's)."""

import os

from zonedesk.settings import *  # noqa: F403

ROOT_URLCONF = "httpserver.urls"
DEBUG = False
DATABASES["default"]["NAME"] = os.environ["ZONEDESK_BENCH_DB_NAME"]  # noqa: F405

"""The one settings module. Everything that differs between machines comes from the environment.

DATABASE_URL   database (default: SQLite file var/zonedesk.sqlite3); e.g. postgres://user@host/db
SECRET_KEY     signing key (default: a random key generated once into var/secret_key)
DEBUG          1/true to enable debug pages and static serving by runserver (default off)
ALLOWED_HOSTS  comma-separated host names (default: localhost, 127.0.0.1, [::1])
ZONEDESK_VAR_DIR  folder for the SQLite file, the generated key and uploads (default: ./var)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("ZONEDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one generated on first start and kept out of the repo."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "zonedesk.core",
    "zonedesk.org",
    "zonedesk.enterprises",
    "zonedesk.monitoring",
    "zonedesk.policies",
    "zonedesk.casework",
    "zonedesk.reports",
    "zonedesk.api",
    "zonedesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zonedesk.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zonedesk.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zonedesk.core.middleware.RequestContextMiddleware",
    "zonedesk.casework.workdays.CalendarCacheMiddleware",
]

ROOT_URLCONF = "zonedesk.urls"
WSGI_APPLICATION = "zonedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zonedesk.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zonedesk.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The dashboard's cached figures and pages (monitoring/pagecache.py): per process, nothing to
# run; a shared cache (Redis, memcached) can replace it here.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

AUTH_USER_MODEL = "org.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # leaders land on the production dashboard
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Numbers are grouped where shown through the zd filters (wan, count), never in URLs or inputs.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["zonedesk.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

ZONEDESK = {
    # Who acts when a firm's figures or registry entry change (core.events.firms_changed):
    # policies re-match the firm on its latest month.
    "ON_FIRMS_CHANGED": [
        "zonedesk.policies.services.on_firms_changed",
        "zonedesk.monitoring.pagecache.on_firms_changed",
    ],
    # Largest spreadsheet accepted for import, in bytes.
    "IMPORT_MAX_BYTES": int(os.environ.get("ZONEDESK_IMPORT_MAX_BYTES", 50 * 1024 * 1024)),
    # Behind nginx (proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for) set this to 1
    # so audit entries record the client's address rather than the proxy's.
    "TRUST_X_FORWARDED_FOR": env_bool("TRUST_X_FORWARDED_FOR"),
    # A producing firm whose output is within this fraction of the same month last year is
    # 'level' (持平); beyond it 'above' or 'below'.
    "CAPACITY_BAND": os.environ.get("ZONEDESK_CAPACITY_BAND", "0.05"),
    # Uploads up to this size are checked and stored during the request; larger ones go to the
    # background worker (`zonedesk db_worker`) and the page shows their progress.
    "IMPORT_INLINE_BYTES": int(os.environ.get("ZONEDESK_IMPORT_INLINE_BYTES", 256 * 1024)),
    # An import's error report keeps at most this many problems.
    "IMPORT_MAX_ERRORS": 1000,
    # The real extent of an upload, measured while streaming it before any grid is built
    # (core.sheetlimits): past any of these it is refused with a message saying which. Cells
    # are the rows x columns of every sheet together; text is all cells' characters together,
    # a shared string counted at each use; uncompressed is the bytes an .xlsx/.ods unpacks to.
    "IMPORT_MAX_ROWS": int(os.environ.get("ZONEDESK_IMPORT_MAX_ROWS", 200_000)),
    "IMPORT_MAX_COLUMNS": int(os.environ.get("ZONEDESK_IMPORT_MAX_COLUMNS", 64)),
    "IMPORT_MAX_CELLS": int(os.environ.get("ZONEDESK_IMPORT_MAX_CELLS", 3_000_000)),
    "IMPORT_MAX_CELL_CHARS": int(os.environ.get("ZONEDESK_IMPORT_MAX_CELL_CHARS", 32_767)),
    "IMPORT_MAX_TEXT_CHARS": int(os.environ.get("ZONEDESK_IMPORT_MAX_TEXT_CHARS", 20_000_000)),
    "IMPORT_MAX_UNCOMPRESSED": int(
        os.environ.get("ZONEDESK_IMPORT_MAX_UNCOMPRESSED", 256 * 1024 * 1024)
    ),
    # Files above IMPORT_INLINE_BYTES, and every .xls, are read in a child process limited to
    # this much address space (MB) and CPU time (s): a file that needs more fails its own
    # import, not the server or the worker. 0 MB reads in the process itself.
    "IMPORT_MEMORY_MB": int(os.environ.get("ZONEDESK_IMPORT_MEMORY_MB", 1024)),
    "IMPORT_CPU_SECONDS": int(os.environ.get("ZONEDESK_IMPORT_CPU_SECONDS", 120)),
    # Casework time limits in working days (the calendar of casework.CalendarDay): accept a
    # problem, first reply after acceptance, resolve after acceptance, and resolve when the
    # limit was extended (once).
    "CASE_LIMITS": {"accept": 1, "reply": 3, "resolve": 15, "resolve_extended": 30},
    # The contact plan of a firm that has none (days between visits, between any contacts).
    "CONTACT_PLAN_DEFAULT": {"visit_every_days": 90, "call_every_days": 30},
}

# Background work: the database backend and its worker (`zonedesk db_worker`), so one machine
# needs no broker. ZONEDESK_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs
# tasks in the web process instead (no worker; the request waits).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ZONEDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

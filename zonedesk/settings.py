"""The one settings module. Everything that differs between machines comes from the environment.

DATABASE_URL   database (default: SQLite file var/zonedesk.sqlite3); e.g. postgres://user@host/db
SECRET_KEY     signing key (default: a random key generated once into var/secret_key)
DEBUG          1/true to enable debug pages and static serving by runserver (default off)
ALLOWED_HOSTS  comma-separated host names (default: localhost, 127.0.0.1, [::1])
ZONEDESK_AUDIT_RETENTION_DAYS  audit entries kept at least this long (default and minimum 180)
ZONEDESK_VAR_DIR  folder for the SQLite file, the generated key and uploads (default: ./var)
LOG_FORMAT     json for one JSON object per log line (default: plain text)
ZONEDESK_API_TOKEN_DAYS  how long a new API token lasts at most, in days (default 90)

Served over HTTPS (production, README "Production settings"):
SECURE_COOKIES        1: session and CSRF cookies only over HTTPS (default off)
SECURE_SSL_REDIRECT   1: redirect plain HTTP to HTTPS (default off; nginx usually does it)
SECURE_PROXY_SSL_HEADER  1: trust the proxy's `X-Forwarded-Proto: https` (set it only behind a
                      proxy that overwrites that header; default off)
SECURE_HSTS_SECONDS   Strict-Transport-Security max-age (default 0: no header); 31536000 = a year
SECURE_HSTS_INCLUDE_SUBDOMAINS  1: HSTS for every subdomain too (default off)
SECURE_HSTS_PRELOAD   1: ask to be preloaded in browsers' HSTS lists (default off)
CSP_REPORT_ONLY       1: send the Content-Security-Policy as report-only (default: enforced)

Log-in protection (org.services, core.sessions, org.passwords):
ZONEDESK_LOGIN_MAX_FAILURES      failed log-ins per user name before a lock (5)
ZONEDESK_LOGIN_MAX_FAILURES_PER_ADDRESS  failed log-ins per client address before a lock (5);
                                 raise it where a whole office reaches us through one NAT address
ZONEDESK_LOGIN_COOLDOWN_MINUTES  how long a lock lasts, and how long failures are remembered (15)
ZONEDESK_SESSION_IDLE_MINUTES    log out after this long without a request (30)
ZONEDESK_SESSION_MAX_HOURS       log out this long after logging in, however active (12)
ZONEDESK_PASSWORD_HISTORY        a new password may not be one of the last N (5)
ZONEDESK_PASSWORD_MAX_AGE_DAYS   staff (government-side roles) change their password this often
                                 (90; 0 = never)
ZONEDESK_PASSWORD_MAX_AGE_DAYS_EXTERNAL  the same for firm and bank users (180; 0 = never)

Notifications (zonedesk.notices, docs/notifications.md):
ZONEDESK_NOTICE_CHANNELS  the channels by dotted path, comma-separated (in-app and e-mail)
ZONEDESK_SITE_URL         the site's address, for the links in e-mails
ZONEDESK_EMAIL_HOST, _PORT, _USER, _PASSWORD, _TLS, _FROM, _BACKEND  e-mail (SMTP by default;
                          with DEBUG, as in the demo, printed on the console instead)
ZONEDESK_EMAIL_TIMEOUT    seconds a mail server may take before the try fails (30)
ZONEDESK_NOTICE_SEND_ATTEMPTS  tries of a notification's e-mail by the worker (5)
ZONEDESK_NOTICE_RETRY_MINUTES  the wait before the second try, doubling after each (5)
ZONEDESK_BENEFIT_STUCK_WORKDAYS  a benefit in one step longer than this is stuck (10 working days)
ZONEDESK_NOTICE_DUE_WITHIN_DAYS  problem deadlines this close are due for their people (3)

Early warning (monitoring.alerts, docs/statistics.md "Early warning"):
ZONEDESK_WARN_YOY_DROP          output down more than this fraction year on year warns (0.20)
ZONEDESK_WARN_DRIFT_BAND        output per kWh this far from the firm's 12-month median warns (0.30)
ZONEDESK_WARN_DRIFT_MIN_MONTHS  months with output and kWh the median needs at least (6)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

from zonedesk.core import logs

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
    # Django's admin with a site that also asks for the second factor (core.admin_site).
    "zonedesk.core.apps.VerifiedAdminConfig",
    # After the admin (org's ready() edits the admin's registry) and before django.contrib.auth:
    # org's `changepassword` command replaces Django's, so that every password is set through
    # org.services (history, change date, audit, tokens revoked).
    "zonedesk.org",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # The second factor (TOTP, and one-time recovery codes): org.mfa, org.mfa_middleware.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "zonedesk.core",
    "zonedesk.notices",
    "zonedesk.enterprises",
    "zonedesk.monitoring",
    "zonedesk.policies",
    "zonedesk.casework",
    "zonedesk.projects",
    "zonedesk.finance",
    "zonedesk.chain",
    "zonedesk.reports",
    "zonedesk.api",
    "zonedesk.demo",
]

MIDDLEWARE = [
    # First, so that every response (even a redirect to HTTPS) carries the request's id.
    "zonedesk.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "zonedesk.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zonedesk.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp); then
    # who must pass it, or enrol first, is held to it (org.mfa_middleware).
    "django_otp.middleware.OTPMiddleware",
    "zonedesk.org.mfa_middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zonedesk.core.middleware.NoStoreMiddleware",
    # Idle and absolute session limits; then an expired password (after the second factor's
    # process_view above, so a session verifies first, then changes its password).
    "zonedesk.core.sessions.SessionTimeoutMiddleware",
    "zonedesk.org.middleware.PasswordExpiryMiddleware",
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
                "zonedesk.notices.context_processors.unread",
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
# Level 3 of MLPS (GB/T 22239-2019 8.1.4.1 a): at least 8 characters of three classes, not the
# user name, not a common password (Django's list and common Chinese ones), not a recent one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "zonedesk.org.passwords.CharacterClassesValidator"},
    {"NAME": "zonedesk.org.passwords.UsernameValidator"},
    {"NAME": "zonedesk.org.passwords.ChineseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zonedesk.org.passwords.PasswordHistoryValidator"},
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
# A session ends after ZONEDESK["SESSION_IDLE_MINUTES"] without a request and at the latest
# ZONEDESK["SESSION_MAX_HOURS"] after log-in (core.sessions.SessionTimeoutMiddleware); the cookie
# and the stored session last no longer, and end with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("ZONEDESK_SESSION_MAX_HOURS", 12)) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from our own static
# files (ECharts, htmx and Tabler are served locally), no inline script, no inline event handler,
# no eval, no style="" attribute; templates bind behaviour in static/zonedesk/app.js from data-
# attributes and pass data through json_script. Tabler's CSS draws its form arrows and checks
# as data: SVG images. ECharts (canvas) and Tabler's JS style elements through the CSS object
# model, which CSP does not restrict; the charts' tooltips use renderMode "richText" (drawn on
# the canvas), because HTML tooltips carry style attributes.
_csp = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

ZONEDESK = {
    # Who acts when a firm's figures or registry entry change (core.events.firms_changed):
    # policies re-match the firm on its latest month.
    "ON_FIRMS_CHANGED": [
        "zonedesk.policies.services.on_firms_changed",
        "zonedesk.monitoring.pagecache.on_firms_changed",
    ],
    # Who acts when given registry columns of firms change (core.events.registry_changed):
    # monitoring drops the zone-month summaries that depend on the production start date.
    "ON_REGISTRY_CHANGED": ["zonedesk.monitoring.rollups.on_registry_changed"],
    # What the recovery forecast adds to the year's output (monitoring.selectors.pipeline):
    # functions (user, *, zone_ids, year) -> [monitoring.recovery.Addition] of the apps above
    # monitoring, which it does not import (docs/decisions.md).
    "RECOVERY_PIPELINES": ["zonedesk.projects.selectors.production_pipeline"],
    # Largest spreadsheet accepted for import, in bytes.
    "IMPORT_MAX_BYTES": int(os.environ.get("ZONEDESK_IMPORT_MAX_BYTES", 50 * 1024 * 1024)),
    # Behind nginx (proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for) set this to 1
    # so audit entries record the client's address rather than the proxy's.
    "TRUST_X_FORWARDED_FOR": env_bool("TRUST_X_FORWARDED_FOR"),
    # Behind nginx (proxy_set_header X-Request-ID $request_id) set this to 1 so a request keeps
    # the proxy's id in the logs of both; otherwise each request gets a new id here.
    "TRUST_X_REQUEST_ID": env_bool("TRUST_X_REQUEST_ID"),
    # A producing firm whose output is within this fraction of the same month last year is
    # 'level' (持平); beyond it 'above' or 'below'.
    "CAPACITY_BAND": os.environ.get("ZONEDESK_CAPACITY_BAND", "0.05"),
    # A producing firm is new (新开工) in the months up to this many after its production start
    # date (the month it started counts as the first; docs/statistics.md).
    "NEW_FIRM_MONTHS": int(os.environ.get("ZONEDESK_NEW_FIRM_MONTHS", 12)),
    # The year before the epidemic that the utility consumption index compares with
    # (“用电量恢复到疫情前的 X%”: this month against the same month of that year).
    "UTILITY_BASE_YEAR": int(os.environ.get("ZONEDESK_UTILITY_BASE_YEAR", 2019)),
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
    # A key project's service requests (7x24) run on a round-the-clock clock in hours, nights
    # and weekends included: respond within `respond`, resolve within `resolve` hours of being
    # raised; a zone may have its own (by zone code), e.g. {"demo": {"respond": 1}}.
    "PROJECT_SERVICE_HOURS": {"respond": 2, "resolve": 24},
    "PROJECT_SERVICE_HOURS_BY_ZONE": {},
    # A bank's first response to a financing need shared with it, in working days (casework's
    # calendar): past it the need is flagged overdue in the bank's inbox and the pipeline.
    "FINANCE_RESPONSE_DAYS": 5,
    # An open investment lead (线索 to 洽谈) with no activity logged for more than this many
    # days (its creation counts as the first) is flagged stale (chain.leads_services.is_stale).
    "LEAD_STALE_DAYS": 30,
    # The background worker (`zonedesk worker`) writes a heartbeat this often; /health/ calls it
    # stale when the newest is older than WORKER_STALE_SECONDS.
    "WORKER_HEARTBEAT_SECONDS": int(os.environ.get("ZONEDESK_WORKER_HEARTBEAT_SECONDS", 15)),
    "WORKER_STALE_SECONDS": int(os.environ.get("ZONEDESK_WORKER_STALE_SECONDS", 120)),
    # /health/ fails when VAR_DIR or MEDIA_ROOT has less free space than this (MiB).
    "DISK_MIN_FREE_MB": int(os.environ.get("ZONEDESK_DISK_MIN_FREE_MB", 1024)),
    # Log-in protection: a lock after this many failed log-ins for one user name, or from one
    # address, within the cool-down; the lock lasts the cool-down (org.services.login_failed).
    "LOGIN_MAX_FAILURES": int(os.environ.get("ZONEDESK_LOGIN_MAX_FAILURES", 5)),
    "LOGIN_MAX_FAILURES_PER_ADDRESS": int(
        os.environ.get("ZONEDESK_LOGIN_MAX_FAILURES_PER_ADDRESS", 5)
    ),
    "LOGIN_COOLDOWN_MINUTES": int(os.environ.get("ZONEDESK_LOGIN_COOLDOWN_MINUTES", 15)),
    # Sessions: idle limit and absolute limit (core.sessions).
    "SESSION_IDLE_MINUTES": int(os.environ.get("ZONEDESK_SESSION_IDLE_MINUTES", 30)),
    "SESSION_MAX_HOURS": int(os.environ.get("ZONEDESK_SESSION_MAX_HOURS", 12)),
    # Passwords: how many former ones may not be reused, and how often they must change (days;
    # 0 = never): staff are the government-side roles, external users firm and bank accounts,
    # who log in a few times a month to report (org.access.password_expired).
    "PASSWORD_HISTORY": int(os.environ.get("ZONEDESK_PASSWORD_HISTORY", 5)),
    "PASSWORD_MAX_AGE_DAYS": int(os.environ.get("ZONEDESK_PASSWORD_MAX_AGE_DAYS", 90)),
    "PASSWORD_MAX_AGE_DAYS_EXTERNAL": int(
        os.environ.get("ZONEDESK_PASSWORD_MAX_AGE_DAYS_EXTERNAL", 180)
    ),
    # Early warning (monitoring.alerts): output down more than YOY_DROP on the same month last
    # year; output per kWh more than DRIFT_BAND away from the median of the firm's previous
    # twelve months, counted when at least DRIFT_MIN_MONTHS of them have both figures.
    "EARLY_WARNING": {
        "YOY_DROP": os.environ.get("ZONEDESK_WARN_YOY_DROP", "0.20"),
        "DRIFT_BAND": os.environ.get("ZONEDESK_WARN_DRIFT_BAND", "0.30"),
        "DRIFT_MIN_MONTHS": int(os.environ.get("ZONEDESK_WARN_DRIFT_MIN_MONTHS", 6)),
    },
    # The contact plan of a firm that has none (days between visits, between any contacts).
    "CONTACT_PLAN_DEFAULT": {"visit_every_days": 90, "call_every_days": 30},
    # An API token lasts at most this many days (its creator may choose fewer).
    "API_TOKEN_DAYS": int(os.environ.get("ZONEDESK_API_TOKEN_DAYS", 90)),
    # How long audit entries are kept at least (`zonedesk audit_purge` refuses younger ones).
    # MLPS level 3 asks for six months: a value below 180 days counts as 180.
    "AUDIT_RETENTION_DAYS": int(os.environ.get("ZONEDESK_AUDIT_RETENTION_DAYS", 180)),
    # A token's use is audited at most once in this many seconds (core.audit.TOKEN_USED).
    "TOKEN_AUDIT_EVERY_SECONDS": int(os.environ.get("ZONEDESK_TOKEN_AUDIT_EVERY_SECONDS", 3600)),
    # A benefit that has stayed in one step (notified, applied, approved) longer than this many
    # working days is listed as stuck on the leaders' escalation page (casework.escalation).
    "BENEFIT_STUCK_WORKDAYS": int(os.environ.get("ZONEDESK_BENEFIT_STUCK_WORKDAYS", 10)),
    # The daily digest (`zonedesk notices digest`) and the problem deadlines in "due for me"
    # list the open problems due within this many days.
    "NOTICE_DUE_WITHIN_DAYS": int(os.environ.get("ZONEDESK_NOTICE_DUE_WITHIN_DAYS", 3)),
    # A notification's e-mail (or other channel but the centre) is sent by the background
    # worker: a failed try is tried again after NOTICE_RETRY_MINUTES, doubling each time, up to
    # NOTICE_SEND_ATTEMPTS tries; then it is recorded as not sent (notices.Delivery).
    "NOTICE_SEND_ATTEMPTS": int(os.environ.get("ZONEDESK_NOTICE_SEND_ATTEMPTS", 5)),
    "NOTICE_RETRY_MINUTES": int(os.environ.get("ZONEDESK_NOTICE_RETRY_MINUTES", 5)),
    # A monthly import checked and previewed but neither confirmed nor cancelled is dropped,
    # its file with it, after this many hours (`zonedesk import_purge`, hourly by
    # deploy/systemd/zonedesk-import-purge.timer); a confirmation after it is refused.
    "IMPORT_PREVIEW_HOURS": int(os.environ.get("ZONEDESK_IMPORT_PREVIEW_HOURS", 24)),
}

# Notifications (zonedesk.notices): the channels that bring them, by dotted path. The centre
# (in-app) and e-mail are built in; a deployment adds SMS or WeChat Work with its own
# notices.channels.Channel subclass (docs/notifications.md).
NOTICE_CHANNELS = [
    p
    for p in os.environ.get(
        "ZONEDESK_NOTICE_CHANNELS",
        "zonedesk.notices.channels.InApp,zonedesk.notices.channels.Email",
    ).split(",")
    if p.strip()
]
# Links in e-mails are made absolute with this address (e.g. https://zonedesk.example.gov.cn).
NOTICE_SITE_URL = os.environ.get("ZONEDESK_SITE_URL", "")
# E-mail (notifications and the daily digest) through Django's e-mail backend.
# With DEBUG (the demo: `make demo`) the e-mails are printed on the console, not sent.
EMAIL_BACKEND = os.environ.get(
    "ZONEDESK_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("ZONEDESK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ZONEDESK_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ZONEDESK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZONEDESK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZONEDESK_EMAIL_TLS")
# A mail server that does not answer within this many seconds fails the try (the background
# worker tries again later, notices.services.deliveries_send) instead of holding the worker.
EMAIL_TIMEOUT = int(os.environ.get("ZONEDESK_EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("ZONEDESK_EMAIL_FROM", "zonedesk@localhost")

# The second factor (django-otp): the issuer shown in authenticator apps; wrong codes make the
# next try wait 1, 2, 4, 8 … seconds (per device, reset by a right code).
OTP_TOTP_ISSUER = "zonedesk"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Background work: the database backend and its worker (`zonedesk db_worker`), so one machine
# needs no broker. ZONEDESK_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs
# tasks in the web process instead (no worker; the request waits).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ZONEDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Logs on the console (systemd's journal in production), plain or one JSON object per line
# (LOG_FORMAT=json), each with the id of the request that wrote it; one line per request from
# `zonedesk.request` at LOG_REQUEST_LEVEL (INFO; WARNING silences it). core/logs.py.
LOGGING = logs.config(
    os.environ.get("LOG_FORMAT", "plain"),
    os.environ.get("LOG_LEVEL", "WARNING"),
    os.environ.get("LOG_REQUEST_LEVEL", "INFO"),
)

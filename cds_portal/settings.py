"""Settings for CĐS Portal, read from the environment.

Every variable is listed in `.env.example` and the README. The defaults make a fresh checkout run:
SQLite in the project folder and Celery tasks executed eagerly in-process (no Redis needed).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    """A string from the environment; NAME_FILE (a path) wins, for Docker/systemd secrets."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


# On by default so that a fresh checkout runs with no configuration (as in healthchecks);
# every deployment sets DEBUG=0, and then SECRET_KEY is required.
DEBUG = envbool("DEBUG", True)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    # Development and tests only: a fixed key is fine because nothing real is signed with it.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "units",
    "indicators",
    "entry",
    "dashboards",
    "imports",
    "reports",
    "plans",
    "cds_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in an address or a query parameter: 404/400 before any view queries PostgreSQL with it.
    "core.middleware.RefuseNulMiddleware",
    # Vietnamese 403/404 pages for what views raise, in every mode (core/errors.py).
    "core.errors.FriendlyErrorsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "units.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cds_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.roles",
            ],
            "builtins": ["indicators.templatetags.vn"],
        },
    }
]

WSGI_APPLICATION = "cds_portal.wsgi.application"

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Health checks: a connection the server dropped (restart, failover) is replaced before a request uses
# it, instead of the first request on each worker answering 500.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a task writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Only editorial report images are served under this prefix (see reports.views.image_file).
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "cds_portal.storage.StaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Celery: with no broker every task runs eagerly in the caller's process, so the embedded
# default needs no Redis. With a broker, tasks go to real workers.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
# No task result is ever read (progress lives in the database), so none is stored by default: a
# result backend would be one more thing to fail when Redis is down (see cds_portal/queue.py).
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With acks_late, the message of a task whose worker died (killed, OOM, power cut) stays unacknowledged
# in Redis and is delivered again once it is this many seconds old. Keep it longer than any task runs:
# a task still running at that age is delivered a second time, so every task must be safe to run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat: reminders to units that have not submitted their monthly report (idempotent, so a second
# beat or a manual run sends nothing twice). 07:30 local time, before the working day.
CELERY_BEAT_SCHEDULE = {
    "send-reporting-reminders": {
        "task": "entry.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Full status recompute: brings the outlier statistics that bulk imports are judged against
    # (indicators.models.SeriesStats) and every earlier row's outlier flag up to date. 02:30 local, when
    # nobody reads; 2M values take about a minute, during which the status table is locked for readers.
    "recompute-status-nightly": {
        "task": "indicators.tasks.recompute_status",
        "schedule": crontab(hour=2, minute=30),
    },
    # Reminders to member agencies that have not submitted their quarterly report on the plan.
    "send-plan-reminders": {
        "task": "plans.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=35),
    },
    # Import batches stuck in "committing" (their task message lost) go back to their users.
    "release-stuck-import-commits": {
        "task": "imports.tasks.release_stuck_commits",
        "schedule": crontab(minute="*/10"),
    },
}

# Monthly reporting workflow: the last day on time is this day of the following month (groups may
# differ, see indicators.deadlines.deadline_for); reminders go out this many days before it.
REPORTING_DEADLINE_DAY = envint("REPORTING_DEADLINE_DAY", 10)
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", 3)
# A month's province figures are the readers' default once this share of the units that must report
# have published their values (indicators/coverage.py); newer months stay one click away, as partial.
PROVINCE_COVERAGE_THRESHOLD = envfloat("PROVINCE_COVERAGE_THRESHOLD", 0.8)
if not 0 < PROVINCE_COVERAGE_THRESHOLD <= 1:
    raise ImproperlyConfigured("PROVINCE_COVERAGE_THRESHOLD must be above 0 and at most 1 (0.8 = 80 %)")
EVIDENCE_MAX_MB = envint("EVIDENCE_MAX_MB", 5)
# The Ban Chỉ đạo's plan (§V): member agencies report their tasks' progress before this day of the
# quarter's last month (the last day on time is the day before), and the Sở TT&TT sends its synthesis
# to the head of the committee before this other day (plans.deadlines).
PLAN_REPORT_DAY = envint("PLAN_REPORT_DAY", 20)
PLAN_SYNTHESIS_DAY = envint("PLAN_SYNTHESIS_DAY", 25)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": envint("API_PAGE_SIZE", 100),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# PUBLIC_API=1 opens read-only anonymous access to the published values (the province portal, the IOC).
PUBLIC_API = envbool("PUBLIC_API", False)
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 10000)
# Requests per token (per IP when anonymous); empty turns throttling off.
API_THROTTLE_RATE = envstr("API_THROTTLE_RATE", "10000/hour") or None
SPECTACULAR_SETTINGS = {
    "TITLE": "CĐS Portal API",
    "DESCRIPTION": "Số liệu chuyển đổi số tỉnh Bình Phước",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from local static files: the deployment machines have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Cache: API throttle counters and other short-lived state. Shared across gunicorn workers only
# with Redis (CACHE_URL=redis://…); the default is per-process memory, fine for one process.
CACHE_URL = envstr("CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Dashboard pages and values API answers are cached per visibility scope and data version
# (indicators/cache.py); this bounds an entry's life. 0 turns that cache off.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 600)

# Uploads (the importer refuses larger files before reading them).
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_MB", 20) * 1024 * 1024
# The largest used range of one sheet (counted from A1), refused before the reader allocates it: calamine
# holds a sheet as one dense rectangle (~32 bytes a cell), and a 5 KB file with a cell at XFD1048576 asks
# for 512 GB. 300,000 rows keep the 200,000-row long files of other systems; 5,000,000 cells ~ 160 MB.
IMPORT_MAX_SHEET_ROWS = envint("IMPORT_MAX_SHEET_ROWS", 300_000)
IMPORT_MAX_SHEET_COLUMNS = envint("IMPORT_MAX_SHEET_COLUMNS", 1_000)
IMPORT_MAX_SHEET_CELLS = envint("IMPORT_MAX_SHEET_CELLS", 5_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "cds-portal@localhost")

# --- Security -------------------------------------------------------------------------------------
# Production defaults follow `manage.py check --deploy`; each can be turned off for a deployment
# that terminates TLS elsewhere without forwarding X-Forwarded-Proto.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
BEHIND_PROXY = envbool("BEHIND_PROXY", not DEBUG)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies whose X-Forwarded-For is believed (login lockout per client address).
TRUSTED_PROXIES = tuple(envlist("TRUSTED_PROXIES", "127.0.0.1,::1"))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)  # one working day

# Content Security Policy: no inline scripts anywhere (every script is a static file). Inline styles
# stay allowed because plotly.js writes style elements for its charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lockout: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "units.auth.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
if not CELERY_BROKER_URL:
    # Tasks run eagerly in the web process: Celery's "Task … succeeded in …s" for each would fill the
    # terminal of `make run`. A worker (broker configured) keeps logging them.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

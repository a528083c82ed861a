"""Tandem's one settings file, driven by the environment (see docs/operations.md).

Defaults give a zero-set-up local install: SQLite under ``var/``, a secret key generated
on first run and kept in ``var/secret_key``, console e-mail. ``TANDEM_ENV=production``
switches on the hardened settings that ``manage.py check --deploy`` expects and refuses
to start without an explicit secret key.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TANDEM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TANDEM_ENV = env_str("TANDEM_ENV", "development")
if TANDEM_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"TANDEM_ENV must be development, production or test, not {TANDEM_ENV!r}"
    )
PRODUCTION = TANDEM_ENV == "production"
DEBUG = env_bool("TANDEM_DEBUG", default=TANDEM_ENV == "development")


def _secret_key() -> str:
    configured = env_str("TANDEM_SECRET_KEY")
    if configured:
        return configured
    if PRODUCTION:
        raise ImproperlyConfigured("TANDEM_SECRET_KEY must be set when TANDEM_ENV=production")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("TANDEM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves the API docs page and its Swagger UI files locally (no CDN)
    "tandem.core",
    "tandem.people",
    "tandem.clients",
    "tandem.commercial",
    "tandem.delivery",
    "tandem.governance",
    "tandem.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the error middleware, so error pages for logged-in users are covered too.
    "tandem.core.middleware.NoStoreForAuthenticatedMiddleware",
    "tandem.core.request_memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tandem.core.htmx.HtmxMiddleware",
    "tandem.core.web.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "tandem.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "tandem.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("TANDEM_DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write
    # lock up front, so two writers queue on the busy timeout instead of failing with
    # "database is locked" when one upgrades from a read lock. Temporary storage stays in
    # files (SQLite keeps them in its page cache until they grow): held in memory, the
    # statement journal of a write inside a savepoint (a nested atomic block) is
    # rewritten at a cost that grows with the transaction, so 20,000 rows written through
    # triggers in an import inside another transaction took 7 s instead of 0.7 s.
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("TANDEM_SQLITE_TIMEOUT", 30),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA cache_size=-64000;"
            "PRAGMA temp_store=FILE;"
        ),
    }
else:
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
_db["ATOMIC_REQUESTS"] = False
# Tests on SQLite use a file (one per process), not Django's default in-memory database:
# an in-memory database shared between threads locks whole tables and fails concurrent
# writers at once ("database table is locked"), so the concurrency tests (R4) could not
# exercise the WAL + IMMEDIATE + busy-timeout settings above.
_test_name = env_str("TANDEM_TEST_DATABASE_NAME") or (
    str(Path(tempfile.gettempdir()) / f"tandem-test-{os.getpid()}.sqlite3")
    if _db["ENGINE"] == "django.db.backends.sqlite3"
    else None
)
_db["TEST"] = {"NAME": _test_name}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["tandem.people.auth.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (tandem.people.auth): failures per e-mail and per client address.
TANDEM_LOGIN_MAX_FAILURES = env_int("TANDEM_LOGIN_MAX_FAILURES", 5)
TANDEM_LOGIN_WINDOW_SECONDS = env_int("TANDEM_LOGIN_WINDOW_SECONDS", 900)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
SESSION_COOKIE_AGE = env_int("TANDEM_SESSION_AGE", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = env_str("TANDEM_LANGUAGE", "en-gb")
TIME_ZONE = env_str("TANDEM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: front-end packages come from node_modules (npm ci), never a CDN ---
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it, even before collectstatic
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "tandem" / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    # Tabler's CSS (and the images its extra sheets name); Bootstrap's bundle runs the JS.
    ("vendor/tabler/css", NODE_MODULES / "@tabler" / "core" / "dist" / "css"),
    ("vendor/tabler/img", NODE_MODULES / "@tabler" / "core" / "dist" / "img"),
    ("vendor/tabler-icons", NODE_MODULES / "@tabler" / "icons-webfont" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/frappe-gantt", NODE_MODULES / "frappe-gantt" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
# One limit for what a request may send: an API or form body, and an uploaded file
# (tandem.core.uploads stops a file upload the moment it passes it; nothing is kept).
TANDEM_MAX_UPLOAD_BYTES = env_int("TANDEM_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TANDEM_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tandem.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded import files are kept this long for "Check again" / "Import" (worker cleanup).
TANDEM_IMPORT_FILE_KEEP_HOURS = env_int("TANDEM_IMPORT_FILE_KEEP_HOURS", 24)

# --- Background work: Django's tasks framework, database-backed worker ----------------
TASKS = {
    "default": {
        "BACKEND": env_str("TANDEM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Outbound webhooks and chat messages (tandem.integrations.outbound) ----------------
# The site's address, for absolute links in webhook bodies and chat messages.
TANDEM_BASE_URL = env_str("TANDEM_BASE_URL", "http://localhost:8000").rstrip("/")
# Failed messages in a row after which an endpoint or chat channel is disabled.
TANDEM_OUTBOUND_DISABLE_AFTER = env_int("TANDEM_OUTBOUND_DISABLE_AFTER", 20)
# Seconds a receiver has to answer one delivery attempt.
TANDEM_OUTBOUND_TIMEOUT_SECONDS = env_int("TANDEM_OUTBOUND_TIMEOUT_SECONDS", 10)

# --- Cache: Redis when configured (several app servers), local memory otherwise -------
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- E-mail (Django 6.1 MAILERS; console by default, SMTP when TANDEM_EMAIL_HOST is set) ---
# Production always defaults to SMTP (the local mail server unless TANDEM_EMAIL_HOST
# says otherwise): the console backend there would drop password-reset mails, and
# `check --deploy` refuses it (mail.E001).
_EMAIL_BACKEND = env_str(
    "TANDEM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("TANDEM_EMAIL_HOST") or PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env_str("TANDEM_EMAIL_HOST", "localhost"),
        "port": env_int("TANDEM_EMAIL_PORT", 25),
        "username": env_str("TANDEM_EMAIL_USER"),
        "password": env_str("TANDEM_EMAIL_PASSWORD"),
        "use_tls": env_bool("TANDEM_EMAIL_USE_TLS", False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("TANDEM_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- django-ninja ---------------------------------------------------------------------
# Per-user request rate of the API ("<n>/<s|m|h|d>"); empty turns throttling off.
TANDEM_API_THROTTLE_RATE = env_str("TANDEM_API_THROTTLE_RATE", "300/s") or None
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every record a second
        # time beside the root handler: Django's records go through the root handler only.
        "django": {"handlers": [], "propagate": True},
        # A 4xx answer is already one line of the access log (gunicorn, runserver);
        # Django's "Not Found: /path" warning would be a second. 5xx errors are kept.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Tandem ---------------------------------------------------------------------------
TANDEM_PAGE_SIZE = 50
TANDEM_MAX_PAGE_SIZE = 200

# RACI: a person Accountable for more rows than this is warned about (governance).
TANDEM_RACI_MAX_ACCOUNTABLE = env_int("TANDEM_RACI_MAX_ACCOUNTABLE", 8)

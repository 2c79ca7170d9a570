"""Settings shared by every environment. Production differs only by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]  # the chanye package
DATA_DIR = Path(os.environ.get("CHANYE_DATA_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("CHANYE_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("CHANYE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API docs page from django-ninja's own static files, not a CDN
    "chanye.core",
    "chanye.regions",
    "chanye.accounts",
    "chanye.industry",
    "chanye.enterprises",
    "chanye.analytics",
    "chanye.targets",
    "chanye.cultivation",
    "chanye.projects",
    "chanye.chains",
    "chanye.supervision",
    "chanye.rewards",
    "chanye.supply",
    "chanye.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chanye.core.middleware.RequestIdMiddleware",
    "chanye.core.middleware.DatabaseBusyMiddleware",
    "chanye.core.middleware.SecurityHeadersMiddleware",
    "chanye.core.middleware.NulQueryMiddleware",
    # chanye.core.sessions.SessionMiddleware (polling does not extend the idle timeout), and a GET page that only
    # reads is still shown while another program holds SQLite's write lock
    "chanye.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chanye.accounts.middleware.PasswordRotationMiddleware",
]

ROOT_URLCONF = "chanye.config.urls"
WSGI_APPLICATION = "chanye.config.wsgi.application"

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
                "chanye.core.context_processors.capabilities",
                "chanye.industry.context_processors.site",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'chanye.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("CHANYE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # seconds to wait for another writer's lock; web requests wait CHANYE_WEB_DB_BUSY_TIMEOUT instead
            "timeout": float(os.environ.get("CHANYE_DB_BUSY_TIMEOUT", "30")),
            # BEGIN IMMEDIATE: a transaction that will write takes the lock up front instead of failing with
            # "database is locked" when it upgrades from reading (e.g. a web import while sessions are saved).
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = ["chanye.accounts.backends.LockoutModelBackend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("CHANYE_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "chanye.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": int(os.environ.get("CHANYE_PASSWORD_MIN_CLASSES", "3"))},
    },
]

# 等保2.0 habits: lockout, idle timeout, password rotation, audit retention.
# Login failure handling (docs/configuration.md "登录失败处理", chanye.accounts.throttle): consecutive failures for one
# account from one address lock it there; from all addresses together lock it everywhere; failures from one address
# (any usernames) within a window refuse that address for a while.
CHANYE_LOGIN_MAX_FAILURES = int(os.environ.get("CHANYE_LOGIN_MAX_FAILURES", "5"))
CHANYE_LOCKOUT_MINUTES = int(os.environ.get("CHANYE_LOCKOUT_MINUTES", "30"))
CHANYE_LOGIN_ACCOUNT_MAX_FAILURES = int(os.environ.get("CHANYE_LOGIN_ACCOUNT_MAX_FAILURES", "20"))
CHANYE_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("CHANYE_LOGIN_ADDRESS_MAX_FAILURES", "30"))
CHANYE_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("CHANYE_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
CHANYE_LOGIN_ADDRESS_BLOCK_MINUTES = int(os.environ.get("CHANYE_LOGIN_ADDRESS_BLOCK_MINUTES", "15"))
# Reverse proxies in front of chanye that append to X-Forwarded-For (0: REMOTE_ADDR is the client).
CHANYE_PROXY_COUNT = int(os.environ.get("CHANYE_PROXY_COUNT", "0"))
CHANYE_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("CHANYE_PASSWORD_MAX_AGE_DAYS", "90"))
CHANYE_AUDIT_RETENTION_DAYS = max(184, int(os.environ.get("CHANYE_AUDIT_RETENTION_DAYS", "184")))

SESSION_COOKIE_AGE = int(os.environ.get("CHANYE_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Every script, style sheet, font and image is vendored under /static/, so the policy is strict: no inline script, no
# eval, no <style> element. Style *attributes* are allowed (progress bars, colour swatches, ECharts tooltips build
# them): docs/decisions/0008-content-security-policy.md. ECharts' PNG export makes data: URLs, its SVG export blob:.
CHANYE_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
# The product is Chinese whatever the browser asks for (issue 13): no LocaleMiddleware, one language.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded files (e.g. evidence for closing a project issue) stay under the data directory and are served only
# through scoped views, never as public media.
MEDIA_ROOT = DATA_DIR / "media"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CHANYE_IMPORT_MAX_BYTES = int(os.environ.get("CHANYE_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
CHANYE_IMPORT_MAX_UNCOMPRESSED = int(os.environ.get("CHANYE_IMPORT_MAX_UNCOMPRESSED", str(500 * 1024 * 1024)))
CHANYE_IMPORT_MAX_ROWS = int(os.environ.get("CHANYE_IMPORT_MAX_ROWS", "1000000"))
# A running import whose heartbeat is older than this was cut off (restart, killed process): its batch ends as failed.
CHANYE_IMPORT_STALE_MINUTES = int(os.environ.get("CHANYE_IMPORT_STALE_MINUTES", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHANYE_LOG_LEVEL", "WARNING")},
}

# A web request waits this long for SQLite's write lock, then answers 503 "数据库正忙" (chanye.core.middleware).
CHANYE_WEB_DB_BUSY_TIMEOUT = float(os.environ.get("CHANYE_WEB_DB_BUSY_TIMEOUT", "5"))

CHANYE_JOBS_INLINE = os.environ.get("CHANYE_JOBS_INLINE", "0") == "1"
CSRF_FAILURE_VIEW = "chanye.core.views.csrf_failure"
# Recompute indicators (Ibis/DuckDB) after each monthly import; tests switch it on where they need it.
CHANYE_REFRESH_INDICATORS_ON_IMPORT = os.environ.get("CHANYE_REFRESH_INDICATORS_ON_IMPORT", "1") == "1"

"""Production: everything sensitive comes from the environment; `chanye check --deploy` is clean."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATA_DIR

SECRET_KEY = os.environ.get("CHANYE_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("生产环境必须设置 CHANYE_SECRET_KEY（至少 50 个随机字符）。")
DEBUG = False
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECURE_SSL_REDIRECT = os.environ.get("CHANYE_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("CHANYE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("CHANYE_HSTS_PRELOAD", "0") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CHANYE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

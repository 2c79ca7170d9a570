"""Test settings: fast hashing; the database comes from DATABASE_URL (SQLite by default)."""

import os
import tempfile
from pathlib import Path

# One data directory per test process, so two test runs on one machine never share an SQLite file.
os.environ.setdefault("CHANYE_DATA_DIR", str(Path(tempfile.gettempdir()) / f"chanye-test-{os.getpid()}"))

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES

SECRET_KEY = "test-only-not-secret-" + "y" * 40
DATA_DIR.mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(DATA_DIR / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-run.sqlite3")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CHANYE_JOBS_INLINE = True
CHANYE_PASSWORD_MAX_AGE_DAYS = 90
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
CHANYE_REFRESH_INDICATORS_ON_IMPORT = False
CHANYE_SUPPLY_CACHE_SECONDS = 0  # tests see every change at once; test_supply_overview_cache turns it on
CHANYE_MATRIX_CACHE_SECONDS = 0  # likewise; test_county_matrix_cache turns it on

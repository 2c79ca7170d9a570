"""Local use and the demo: SQLite under ./var unless DATABASE_URL is set."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = os.environ.get("CHANYE_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("CHANYE_SECRET_KEY") or "dev-only-not-secret-" + "x" * 40
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

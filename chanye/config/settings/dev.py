"""Local use and the demo: SQLite under ./var unless DATABASE_URL is set.

The secret key is CHANYE_SECRET_KEY, or else a random key generated once for this installation and kept in
$CHANYE_DATA_DIR/secret_key (mode 0600): sessions survive restarts and no two installations share a key."""

import os

from chanye.core.secretkey import load_or_create

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = os.environ.get("CHANYE_DEBUG", "0") == "1"
DATA_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = os.environ.get("CHANYE_SECRET_KEY") or load_or_create(DATA_DIR / "secret_key")
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

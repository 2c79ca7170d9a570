"""Background work without Redis (STYLE.md §8): a database row holds status and progress; a thread
does the work in the web process; the CLI runs the same function in the foreground."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from chanye.core import context

log = logging.getLogger(__name__)


def start(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if getattr(settings, "CHANYE_JOBS_INLINE", False):
        fn(*args, **kwargs)
        return

    ctx = context.current()  # the request's id and ip go with the job, so its audit rows point back to it

    def run() -> None:
        close_old_connections()
        context.set_current(ctx)
        try:
            fn(*args, **kwargs)
        except Exception:  # the job records its own failure; this is the last resort
            log.exception("background job failed")
        finally:
            connection.close()

    threading.Thread(target=run, daemon=True, name="chanye-job").start()

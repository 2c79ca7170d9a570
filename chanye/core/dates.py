"""Calendar helpers every app shares (one definition each)."""

from __future__ import annotations

import calendar
import datetime as dt


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])

"""Calendar helpers every app shares (one definition each)."""

from __future__ import annotations

import calendar
import datetime as dt


def last_completed_period(cadence: str | None, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the last reporting period that ended before `today` for a cadence of "month",
    "quarter" or "year"; None without a cadence. 督办 progress reports and reported targets are due once per period."""
    if cadence == "month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if cadence == "quarter":
        q_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = q_start - dt.timedelta(days=1)
        return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if cadence == "year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return None


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])

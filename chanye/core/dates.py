"""Calendar helpers every app shares (one definition each)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def last_completed_period(cadence: str | None, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the last reporting period that ended before `today` for a cadence of "month",
    "quarter" or "year"; None without a cadence. 督办 progress reports and reported targets are due once per period."""
    if cadence == "month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if cadence == "quarter":
        last = Quarter.of(today).previous()
        return last.first, last.end
    if cadence == "year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return None


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(d: dt.date, months: int) -> dt.date:
    """`d` moved by a number of months (negative: back), the day kept or cut to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


NUMBERS = "一二三四"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (Q1 = 1 January – 31 March): the quarterly cadences of 季调度, 按季集中开工 and 督办."""

    year: int
    q: int  # 1–4

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> dt.date:
        """The quarter's first day."""
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def last_month(self) -> dt.date:
        """The first day of the quarter's third month (the month the bulletin's figures at its end are of)."""
        return dt.date(self.year, 3 * self.q, 1)

    @property
    def end(self) -> dt.date:
        """The quarter's last day."""
        return month_end(self.last_month)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{NUMBERS[self.q - 1]}季度"

    @property
    def short(self) -> str:
        return f"第{NUMBERS[self.q - 1]}季度"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

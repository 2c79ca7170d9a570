"""Quarters of a year, as the quarterly cadences the texts name count them (HG-P-1 按季集中开工, YY-P-3 季调度): a
quarter runs from the first day of its first month to the last day of its third (Q1 = 1 January – 31 March, so a
project started on 31 March is in Q1 and one started on 1 April in Q2); how one is written in a URL (`2025Q2`), read
back and labelled (2025年第二季度)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from chanye.core.dates import NUMBERS, Quarter

QUARTER_RE = re.compile(r"^\s*(\d{4})\s*(?:[-_ ]?\s*[Qq]|年第?)\s*([1-4一二三四])\s*(?:季度?)?\s*$")


def parse_quarter(raw: str) -> Quarter:
    """A quarter from `2025Q2` (or 2025-Q2, 2025年第二季度 …); a Chinese ValueError when unreadable or not yet begun."""
    m = QUARTER_RE.match(raw or "")
    if not m:
        raise ValueError(f"季度“{raw}”无法识别，请写成 2025Q2 或 2025年第二季度")
    digit = m.group(2)
    q = int(digit) if digit.isdigit() else NUMBERS.index(digit) + 1
    quarter = Quarter(int(m.group(1)), q)
    if quarter.year < 2000 or quarter > Quarter.of(timezone.localdate()):
        raise ValueError(f"季度“{raw}”尚未开始")
    return quarter


def available_quarters(today: dt.date | None = None, n: int = 12) -> list[Quarter]:
    """Quarters a report can be asked for, newest first: this quarter back `n` quarters."""
    q, out = Quarter.of(today or timezone.localdate()), []
    for _ in range(n):
        out.append(q)
        q = q.previous()
    return out


def quarters_of(year: int, today: dt.date | None = None) -> list[Quarter]:
    """The quarters of `year` begun by today, in order."""
    now = Quarter.of(today or timezone.localdate())
    return [Quarter(year, q) for q in range(1, 5) if Quarter(year, q) <= now]

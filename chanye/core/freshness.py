"""Data freshness and ownership (数据更新, issue 13): every source of data the platform computes from — the monthly
figures of each office, project progress, department-reported indicators, chain placements, leads — has an owner,
a cadence and a due day; this module says, for each, which period is due, whether it has arrived, and how many days
it is late.

Apps register their sources (`register`, from `AppConfig.ready()`): what the source is, what it feeds, and how to read
its latest period, last update and coverage per county. The owner, cadence and due day are the city's to set
(`analytics.DataDuty`, edited on the 数据更新 page); a source's `defaults` apply until then. Core names no source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chanye.core.dates import last_completed_period

CADENCES = {"month": "每月", "quarter": "每季度", "year": "每年", "continuous": "随时更新"}


@dataclass
class Reading:
    """What a source holds now: its latest period with data, when it last changed, and per county-level unit how
    many of the expected firms (or items) reported for the due period."""

    latest_period: dt.date | None = None
    last_update: dt.datetime | None = None
    coverage: list[dict[str, Any]] = field(default_factory=list)  # {"unit": name, "unit_id", "n", "expected"}
    note: str = ""
    owed: bool = False  # something is expected of it even before any data came (targets with a reporter)


def coverage_rows(units: Any, reported: dict[Any, int], expected: dict[Any, int] | None) -> list[dict[str, Any]]:
    """A reading's coverage: per county-level unit (objects with pk and name) how many reported and, when the source
    expects something of each unit, how many were expected."""
    return [
        {
            "unit": u.name,
            "unit_id": u.pk,
            "n": reported.get(u.pk, 0),
            "expected": None if expected is None else expected.get(u.pk, 0),
        }
        for u in units
    ]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    feeds: str | Callable[[], str]  # what it feeds, in words (what goes stale without it); callable: read late
    read: Callable[..., Reading]  # read(user=…, period=(first, last) | None, detail=bool) -> Reading
    default_owner: str = ""
    default_cadence: str = "month"
    default_due_day: int = 15  # days after the period's end
    order: int = 100


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


@dataclass
class Status:
    source: Source
    owner_unit: str
    owner_name: str
    owner_user_id: int | None
    cadence: str
    due_day: int
    period: tuple[dt.date, dt.date] | None  # the period that is due (None: no cadence)
    due_on: dt.date | None
    reading: Reading
    late_days: int = 0  # > 0: overdue by that many days
    in_use: bool = True  # a source that never had data and has no duty set is not used by the city: never overdue

    @property
    def feeds(self) -> str:
        f = self.source.feeds
        return f() if callable(f) else f

    @property
    def cadence_label(self) -> str:
        return CADENCES.get(self.cadence, self.cadence)

    @property
    def overdue(self) -> bool:
        return self.late_days > 0

    @property
    def arrived(self) -> bool:
        return self.period is None or (
            self.reading.latest_period is not None and self.reading.latest_period >= self.period[0]
        )


def due_period(cadence: str, due_day: int, today: dt.date) -> tuple[tuple[dt.date, dt.date] | None, dt.date | None]:
    """The latest period whose data should have arrived by `today` (its end + `due_day` days has passed), and its
    due date; the period before the last completed one when the last is not yet due. (None, None) without a cadence."""
    period = last_completed_period(cadence if cadence != "continuous" else None, today)
    if period is None:
        return None, None
    due = period[1] + dt.timedelta(days=due_day)
    if due >= today:  # not due yet: the one before
        period = last_completed_period(cadence, period[0])
        assert period is not None
        due = period[1] + dt.timedelta(days=due_day)
    return period, due


def status_of(source: Source, duty: Any, *, user: Any, today: dt.date, detail: bool = True) -> Status:
    """A source's status for `user`'s scope, with the city's duty (owner, cadence, due day) or the defaults; without
    `detail`, no coverage per county (a home page's reminder needs only whether it is late)."""
    cadence = getattr(duty, "cadence", "") or source.default_cadence
    due_day = getattr(duty, "due_day", None)
    due_day = source.default_due_day if due_day is None else due_day
    period, due_on = due_period(cadence, due_day, today)
    reading = source.read(user=user, period=period, detail=detail)
    st = Status(
        source=source,
        owner_unit=getattr(duty, "owner_unit", "") or source.default_owner,
        owner_name=getattr(duty, "owner_name", ""),
        owner_user_id=getattr(duty, "owner_user_id", None),
        cadence=cadence,
        due_day=due_day,
        period=period,
        due_on=due_on,
        reading=reading,
    )
    st.in_use = duty is not None or reading.owed or reading.latest_period is not None or reading.last_update is not None
    if st.in_use and period is not None and due_on is not None and not st.arrived:
        st.late_days = (today - due_on).days
    return st

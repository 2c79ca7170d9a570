"""Reads of 督办: the tasks a user may see, each unit's state (last report, overdue), and each unit's completion.

Overdue (逾期): a task past its deadline and not done; or, for a task with a reporting cadence, a unit that has not
reported since the start of the last completed period (month / quarter / year) — counted only for periods that
ended after the task was issued. Pages, the export and the API all take these figures from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from chanye.core import access
from chanye.core.dates import last_completed_period
from chanye.supervision.models import Task, TaskReport, TaskStatus, TaskUnit


def require_reader(user: Any) -> None:
    access.require_reader(user, what="任务督办页面")


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Active tasks of the user's scope (a county officer: the tasks their unit shares), with units and reports."""
    qs: QuerySet[Task] = (
        Task.objects.for_user(user)
        .filter(is_active=True)
        .distinct()
        .prefetch_related(
            Prefetch("units", queryset=TaskUnit.objects.select_related("department", "region")),
            Prefetch("reports", queryset=TaskReport.objects.select_related("unit__department", "unit__region")),
        )
    )
    return qs


def access_task(*, user: Any, code: str) -> Task:
    """One task by code, 404 (audited) outside the user's scope."""
    return access.get(visible_tasks(user), user, what="督办任务", code=code)


@dataclass
class UnitState:
    unit: TaskUnit
    last: TaskReport | None
    overdue: bool


@dataclass
class TaskState:
    task: Task
    units: list[UnitState] = field(default_factory=list)
    past_deadline: bool = False

    @property
    def overdue(self) -> bool:
        return self.past_deadline or any(u.overdue for u in self.units)

    @property
    def overdue_units(self) -> list[str]:
        return [u.unit.name for u in self.units if u.overdue]

    @property
    def lead(self) -> str:
        return "、".join(u.unit.name for u in self.units if u.unit.is_lead) or "—"


def task_state(task: Task, today: dt.date) -> TaskState:
    """A task's units with their last report and whether each is overdue, and whether the task is past its
    deadline (uses the prefetched units and reports of `visible_tasks`)."""
    st = TaskState(task)
    done = task.status == TaskStatus.DONE
    st.past_deadline = bool(task.deadline and not done and today > task.deadline)
    period = last_completed_period(task.cadence, today)
    reports = list(task.reports.all())
    for unit in task.units.all():
        mine = [r for r in reports if r.unit_id == unit.pk]
        last = max(mine, key=lambda r: (r.on, r.created_at), default=None)
        overdue = False
        if period and not done and period[1] >= task.created_on:
            overdue = last is None or last.on < period[0]
        st.units.append(UnitState(unit, last, overdue))
    return st


def task_states(user: Any, today: dt.date, tasks: QuerySet[Task] | None = None) -> list[TaskState]:
    return [task_state(t, today) for t in (tasks if tasks is not None else visible_tasks(user))]


@dataclass
class UnitCompletion:
    key: str  # "d<id>" for a department, "r<id>" for a county/park
    name: str
    tasks: int = 0
    lead: int = 0
    done: int = 0
    overdue: int = 0
    reports: int = 0

    @property
    def rate(self) -> int | None:
        """Completion (已完成 / 承担), in whole percent."""
        return round(self.done * 100 / self.tasks) if self.tasks else None


def unit_completion(states: list[TaskState]) -> list[UnitCompletion]:
    """Per responsible unit: tasks it shares, those it leads, done, overdue (for it), its reports — most overdue
    first, then by name."""
    out: dict[str, UnitCompletion] = {}
    for st in states:
        for us in st.units:
            u = us.unit
            row = out.setdefault(u.key, UnitCompletion(u.key, u.name))
            row.tasks += 1
            row.lead += u.is_lead
            row.done += st.task.status == TaskStatus.DONE
            row.overdue += us.overdue or st.past_deadline
            row.reports += sum(1 for r in st.task.reports.all() if r.unit_id == u.pk)
    return sorted(out.values(), key=lambda r: (-r.overdue, r.name))


def states_of_unit(states: list[TaskState], key: str) -> list[tuple[TaskState, UnitState]]:
    """What one unit owes: each task it shares, with its own state in it."""
    return [(st, us) for st in states for us in st.units if us.unit.key == key]

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
from django.http import Http404

from chanye.core import access
from chanye.core.dates import last_completed_period
from chanye.supervision.models import (
    IndustryLiaison,
    LiaisonLeader,
    LiaisonMember,
    Task,
    TaskReport,
    TaskStatus,
    TaskUnit,
)


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


# ---------------------------------------------------------------- 千亿级产业联系机制 (YY-ORG-1)


def liaisons() -> QuerySet[IndustryLiaison]:
    """The active arrangements of the pack's `industry_liaison`, in the pack's cluster order, with their leaders and
    team (city-wide reference data: any reader sees them)."""
    return (
        IndustryLiaison.objects.filter(is_active=True, cluster__is_active=True)
        .select_related("cluster", "lead_unit", "pack__city")
        .prefetch_related("leaders", "team")
    )


def liaison_stated() -> bool:
    """Whether the active pack states the liaison arrangement (益阳); packs without it show no entry for it."""
    return IndustryLiaison.objects.filter(is_active=True, cluster__is_active=True).exists()


def access_liaison(*, user: Any, code: str) -> IndustryLiaison:
    """The arrangement of the industry (top-level cluster) `code`; 404 when the pack states none for it."""
    access.require_reader(user, what="千亿级产业联系机制")
    liaison = liaisons().filter(cluster__code=code).first()
    if liaison is None:
        raise Http404("该产业未列入千亿级产业联系机制")
    return liaison


@dataclass
class LiaisonState:
    """An arrangement with what it lacks (YY-ORG-1: 两名市领导、一个牵头单位、一套工作班子)."""

    liaison: IndustryLiaison
    leaders: list[LiaisonLeader]
    team: list[LiaisonMember]
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def liaison_state(liaison: IndustryLiaison) -> LiaisonState:
    """What the arrangement lacks, in words: fewer leaders than the pack's number, no lead unit, an empty team (uses
    the prefetched leaders and team of `liaisons`)."""
    leaders, team = list(liaison.leaders.all()), list(liaison.team.all())
    missing = []
    if len(leaders) < liaison.leaders_required:
        missing.append(f"联系市领导{len(leaders)}名，应为{liaison.leaders_required}名")
    if liaison.lead_unit_id is None:
        missing.append("未确定牵头单位")
    if not team:
        missing.append("工作班子尚无成员")
    return LiaisonState(liaison, leaders, team, missing)

"""Overdue (逾期) and each unit's completion, worked out by hand: a deadline passed without completion, or a unit that
has not reported since the start of the last completed period of the task's cadence (YY-P-3 季调度: quarterly)."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.core.dates import last_completed_period
from chanye.supervision import selectors
from chanye.supervision.models import Department, Task, TaskReport, TaskUnit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 15)  # the last completed quarter is 2026-04-01 … 2026-06-30


def make(regions, *, cadence="quarter", deadline=None, status="doing", issued=dt.date(2026, 1, 10)):
    task = Task.objects.create(code=f"t{Task.objects.count()}", label="任务", cadence=cadence, deadline=deadline,
                               status=status)  # fmt: skip
    Task.objects.filter(pk=task.pk).update(created_on=issued)
    task.refresh_from_db()
    dept = TaskUnit.objects.create(task=task, department=Department.objects.get_or_create(name="市经信局")[0],
                                   is_lead=True)  # fmt: skip
    county = TaskUnit.objects.create(task=task, region=regions["咸安区"], order=1)
    return task, dept, county


def state(task):
    return selectors.task_state(selectors.visible_tasks(_system()).get(pk=task.pk), TODAY)


def _system():
    from chanye.core.access import SYSTEM

    return SYSTEM


def report(task, unit, on):
    TaskReport.objects.create(task=task, unit=unit, on=on, text="进展")


def test_last_completed_periods():
    assert last_completed_period("quarter", TODAY) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert last_completed_period("quarter", dt.date(2026, 1, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert last_completed_period("month", dt.date(2026, 3, 31)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert last_completed_period("year", TODAY) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert last_completed_period("", TODAY) is None


def test_yy_p_3_a_unit_that_reported_only_before_the_last_quarter_is_overdue(regions):
    task, dept, county = make(regions)
    report(task, dept, dt.date(2026, 4, 1))  # the first day of the last quarter counts
    report(task, county, dt.date(2026, 3, 31))  # the quarter before does not
    st = state(task)
    assert [u.overdue for u in st.units] == [False, True]
    assert st.overdue and st.overdue_units == ["咸安区"]


def test_yy_p_3_a_report_in_the_current_quarter_also_clears_it(regions):
    task, dept, county = make(regions)
    report(task, dept, dt.date(2026, 7, 2))
    report(task, county, dt.date(2026, 7, 15))
    assert not state(task).overdue


def test_yy_p_3_no_period_is_owed_before_the_task_was_issued(regions):
    task, _, _ = make(regions, issued=dt.date(2026, 7, 1))  # issued after the last quarter ended
    assert not state(task).overdue
    task2, _, _ = make(regions, issued=dt.date(2026, 6, 30))  # issued on its last day: that quarter is owed
    assert state(task2).overdue


def test_a_deadline_passed_without_completion_is_overdue_and_completion_clears_it(regions):
    task, _, _ = make(regions, cadence="", deadline=dt.date(2026, 7, 14))
    assert state(task).past_deadline and state(task).overdue
    on_time, _, _ = make(regions, cadence="", deadline=TODAY)  # the deadline day itself is in time
    assert not state(on_time).overdue
    Task.objects.filter(pk=task.pk).update(status="done")
    assert not state(task).overdue


def test_tasks_without_deadline_or_cadence_are_never_overdue(regions):
    task, _, _ = make(regions, cadence="", deadline=None)
    assert not state(task).overdue


def test_completion_per_unit_by_hand(regions):
    # 市经信局 leads three tasks: one done, one overdue (no report last quarter), one fine; 咸安区 shares all three.
    done, d1, c1 = make(regions, status="done")
    late, d2, _ = make(regions)
    fine, d3, c3 = make(regions)
    for unit in (d1, c1, d3, c3):
        report(unit.task, unit, dt.date(2026, 5, 5))
    report(late, d2, dt.date(2026, 5, 6))  # the department reported; 咸安区 did not
    rows = {r.name: r for r in selectors.unit_completion([state(t) for t in (done, late, fine)])}
    dept, county = rows["市经信局"], rows["咸安区"]
    assert (dept.tasks, dept.lead, dept.done, dept.overdue, dept.reports, dept.rate) == (3, 3, 1, 0, 3, 33)
    assert (county.tasks, county.lead, county.done, county.overdue, county.reports, county.rate) == (3, 0, 1, 1, 2, 33)
    assert list(rows) == ["咸安区", "市经信局"]  # the unit with overdue tasks first

"""Milestone import (项目节点): actual dates of 施工队进场 / 验收投产 start the project and put it into production — its
colour follows (XN-XM-4) and the later milestones are re-planned (XN-XM-2) exactly as `do_record_milestone` does;
planned dates set by hand are kept (XN-XM-3); impossible dates are refused and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.core.models import AuditLog
from chanye.projects.services import do_exit, do_record_milestone
from tests.factories import ProjectFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADER = ["项目编号", "节点", "计划完成", "实际完成", "说明"]
SIGNED = dt.date(2025, 1, 10)


def run(rows, user=SYSTEM):
    return run_import("milestones", data=xlsx([HEADER, *rows]), filename="节点.xlsx", user=user)


def state(p):
    p.refresh_from_db()
    ms = list(p.milestones.order_by("seq").values_list("code", "planned_on", "actual_on", "planned_edited", "note"))
    return (p.status, p.colour, p.started_on, p.producing_on), ms


@pytest.fixture
def pair(regions):
    """Two identical projects: one updated through the import, one through the service."""
    make = lambda code: ProjectFactory(code=code, county=regions["咸安区"], signed_on=SIGNED, investment=Decimal(6))  # noqa: E731
    return make("XA-1"), make("TWIN")


def test_actual_start_and_production_move_the_project_on_exactly_like_the_service(pair, users):
    p, twin = pair
    out = run([["XA-1", "施工队进场", None, "2025-04-01", "施工单位进场"], ["XA-1", "land", "2025-03-15", None, None]])
    assert out.ok, out.errors
    assert (out.batch.created, out.batch.updated, out.batch.unchanged) == (0, 2, 0)
    do_record_milestone(
        actor=users["admin"],
        milestone=twin.milestones.get(code="construction"),
        actual_on=dt.date(2025, 4, 1),
        note="施工单位进场",
    )
    do_record_milestone(
        actor=users["admin"], milestone=twin.milestones.get(code="land"), planned_on=dt.date(2025, 3, 15)
    )
    assert state(p) == state(twin)
    (proj, ms) = state(p)
    assert proj[:3] == ("building", "blue", dt.date(2025, 4, 1))  # XN-XM-4: under construction → blue
    planned = {code: planned_on for code, planned_on, *_ in ms}
    assert planned["acceptance"] == dt.date(2026, 4, 1)  # 5–10亿: 12 months from the actual start (XN-XM-2)
    assert planned["land"] == dt.date(2025, 3, 15)
    assert p.milestones.get(code="land").planned_edited

    out = run([["XA-1", "验收投产", None, "2026-02-20", None]])
    assert out.ok, out.errors
    do_record_milestone(
        actor=users["admin"], milestone=twin.milestones.get(code="acceptance"), actual_on=dt.date(2026, 2, 20)
    )
    assert state(p) == state(twin)
    assert state(p)[0] == ("producing", "green", dt.date(2025, 4, 1), dt.date(2026, 2, 20))
    logs = AuditLog.objects.filter(object_type="projects.milestone", message__contains="导入")
    assert logs.count() == 3 and logs.filter(message__startswith=p.name).count() == 3


def test_start_and_production_in_one_file(pair):
    p, _ = pair
    out = run([["XA-1", "验收投产", None, "2026-01-05", None], ["XA-1", "construction", None, "2025-03-01", None]])
    assert out.ok, out.errors
    assert state(p)[0] == ("producing", "green", dt.date(2025, 3, 1), dt.date(2026, 1, 5))


def test_reimporting_changes_nothing(pair):
    rows = [["XA-1", "施工队进场", None, "2025-04-01", "进场"], ["XA-1", "土地供应", None, "2025-02-05", None]]
    assert run(rows).batch.updated == 2
    audits = AuditLog.objects.count()
    again = run(rows)
    assert again.ok and (again.batch.updated, again.batch.unchanged) == (0, 2)
    assert AuditLog.objects.count() == audits


def test_hand_planned_dates_survive_a_later_start(pair):
    p, _ = pair
    assert run([["XA-1", "设备采购", "2025-09-01", None, None]]).ok
    assert run([["XA-1", "施工队进场", None, "2025-05-01", None]]).ok
    planned = dict(p.milestones.values_list("code", "planned_on"))
    assert planned["equipment"] == dt.date(2025, 9, 1)
    assert planned["acceptance"] == dt.date(2026, 5, 1)


def test_bad_dates_and_rows_are_refused_with_row_column_value_and_nothing_is_written(pair, regions, users):
    p, twin = pair
    do_record_milestone(
        actor=users["admin"], milestone=twin.milestones.get(code="construction"), actual_on=dt.date(2025, 6, 1)
    )
    gone = ProjectFactory(code="GONE", county=regions["咸安区"], signed_on=SIGNED)
    do_exit(actor=users["admin"], project=gone, reason="投资方资金链断裂，经研究同意退出。", unit="咸安区经信局")
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    rows = [
        ["XA-1", "土地供应", None, future, None],  # 2
        ["XA-1", "资金到位", None, "2024-12-31", None],  # 3: before signing
        ["TWIN", "验收投产", None, "2025-05-01", None],  # 4: production before the start (2025-06-01)
        ["XA-1", "验收投产", None, "2025-08-01", None],  # 5: production without a start
        ["XA-1", "封顶", None, "2025-03-01", None],  # 6
        ["NOPE", "施工图", None, "2025-03-01", None],  # 7
        ["XA-1", "土地供应", "2025-02-30", None, None],  # 8: duplicate and a bad date
        ["GONE", "施工图", None, "2025-03-01", None],  # 9
        ["XA-1", "施工图", None, "2025-03-01", "说" * 301],  # 10
    ]
    out = run(rows)
    assert not out.ok
    found = {(e.row, e.column): e for e in out.errors}

    def check(r, col, value, words):
        e = found[(r, col)]
        assert e.value == value and words in e.message, e

    check(2, "实际完成", future, "不能晚于今天")
    check(3, "实际完成", "2024-12-31", "不能早于签约日期2025-01-10")
    check(4, "实际完成", "2025-05-01", "投产日期不能早于开工日期")
    check(5, "实际完成", "2025-08-01", "投产前应先开工")
    check(6, "节点", "封顶", "施工队进场")
    check(7, "项目编号", "NOPE", "请先导入项目库")
    check(8, "节点", "土地供应", "与第2行重复")
    check(8, "计划完成", "2025-02-30", "不是有效日期")
    check(9, "项目编号", "GONE", "已退出")
    check(10, "说明", "说" * 301, "300")
    assert not p.milestones.exclude(actual_on=None).exists()
    assert state(twin)[0][0] == "building" and not AuditLog.objects.filter(message__contains="导入").exists()


def test_county_officers_update_only_their_countys_projects(pair, regions, users):
    ProjectFactory(code="JY-1", county=regions["嘉鱼县"], signed_on=SIGNED)
    out = run([["JY-1", "施工队进场", None, "2025-03-01", None]], user=users["xianan"])
    assert "不在您的管辖范围内" in out.errors[0].message
    assert run([["XA-1", "施工队进场", None, "2025-03-01", None]], user=users["xianan"]).ok
    assert (
        run([["XA-1", "施工图", None, "2025-03-01", None]], user=users["viewer"])
        .errors[0]
        .message.endswith("不能导入项目节点。")
    )


def test_a_sheet_without_any_date_or_note_column_is_refused(pair):
    out = run_import(
        "milestones", data=xlsx([["项目编号", "节点"], ["XA-1", "施工图"]]), filename="x.xlsx", user=SYSTEM
    )
    assert [e.row for e in out.errors] == [0] and "至少需要" in out.errors[0].message

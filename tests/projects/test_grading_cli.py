"""`chanye projects grade` (XN-XM-5) and `chanye projects replan` (XN-XM-1/2/3) on the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.industry.models import Pack
from chanye.projects import rules
from chanye.projects.bulk import bulk_replan
from chanye.projects.models import ProjectMonth
from chanye.projects.services import do_grade_month, do_record_milestone, replan
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2025, 1, 10)


def cli(*args):
    out = io.StringIO()
    call_command("projects", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_xn_xm_5_grade_a_month_prints_the_chinese_summary(regions, users):
    on_time = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    for code in ("registration", "funds", "site_staff"):
        m = on_time.milestones.get(code=code)
        do_record_milestone(actor=users["admin"], milestone=m, actual_on=m.planned_on)
    ProjectFactory(county=regions["嘉鱼县"], signed_on=SIGNED)  # nothing done: behind schedule
    ProjectFactory(
        county=regions["嘉鱼县"], signed_on=SIGNED, started_on=dt.date(2025, 1, 20), producing_on=SIGNED.replace(day=25)
    )
    text = cli("grade", "--month", "2025-01")
    assert "2025-01 月度评定完成" in text and "秒" in text
    assert "评定 3 个项目，升档 1，降档 1，限期整改 0，保持 0，不评 1" in text
    assert ProjectMonth.objects.filter(month=dt.date(2025, 1, 1)).count() == 3
    seconds = re.compile(r"（[\d.]+ 秒）")
    assert seconds.sub("", cli("grade", "--month", "2025年1月")) == seconds.sub("", text)  # idempotent
    assert ProjectMonth.objects.count() == 3


def test_grade_defaults_to_the_last_complete_month(regions):
    ProjectFactory(county=regions["咸安区"], signed_on=timezone.localdate() - dt.timedelta(days=90))
    text = cli("grade")
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert text.startswith(f"{last:%Y-%m} 月度评定完成")
    assert list(ProjectMonth.objects.values_list("month", flat=True)) == [last]


def test_grade_a_range_oldest_first_gives_the_history(regions):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    text = cli("grade", "--from", "2025-01", "--month", "2025-04")
    assert text.count("月度评定完成") == 4 and "共评定 4 个月" in text
    assert [g for _, g in p.months.order_by("month").values_list("month", "grade")] == [2, 1, 1, 1]
    text = cli("grade", "--month", "2025-02")  # re-grading an earlier month says the later ones were left as they are
    assert "之后的月份（至 2025-04）已有评定结果" in text and "--from 2025-02 --month 2025-04" in text


def test_grade_refuses_bad_months_and_an_empty_library(regions):
    with pytest.raises(CommandError, match="还没有项目"):
        cli("grade", "--month", "2025-01")
    ProjectFactory(county=regions["咸安区"])
    with pytest.raises(CommandError, match="无法识别"):
        cli("grade", "--month", "2025-13")
    future = timezone.localdate() + dt.timedelta(days=40)
    with pytest.raises(CommandError, match="未来"):
        cli("grade", "--month", f"{future:%Y-%m}")
    with pytest.raises(CommandError, match="晚于"):
        cli("grade", "--from", "2025-05", "--month", "2025-03")


def test_replan_follows_a_changed_pack_and_keeps_hand_edits(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("3"))
    eq = p.milestones.get(code="equipment")
    do_record_milestone(actor=users["admin"], milestone=eq, planned_on=dt.date(2025, 8, 1))
    pack = Pack.objects.get(is_active=True)
    cfg = dict(pack.content)
    cfg["projects"] = {**cfg["projects"], "start_within_days": 90, "production_bands": [{"min": 0, "months": 6}]}
    pack.content = cfg
    pack.save()
    text = cli("replan")
    assert "已按当前政策包重新计划 1 个项目的节点" in text and "手工调整过的计划日期保持不变" in text
    planned = dict(p.milestones.values_list("code", "planned_on"))
    start = SIGNED + dt.timedelta(days=90)
    assert planned["construction"] == start and planned["acceptance"] == rules.add_months(start, 6)
    assert planned["equipment"] == dt.date(2025, 8, 1)
    assert AuditLog.objects.filter(message__contains="chanye projects replan").count() == 1
    assert "调整 0 个" in cli("replan")  # nothing left to change


def test_bulk_replan_gives_exactly_what_replan_gives(regions, users):
    a = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("12"))
    b = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("12"))
    for p in (a, b):
        do_record_milestone(
            actor=users["admin"], milestone=p.milestones.get(code="tender"), planned_on=dt.date(2025, 5, 5)
        )
        p.milestones.filter(code="statistics").delete()  # a milestone missing (e.g. added to the pack later)
    pack = Pack.objects.get(is_active=True)
    cfg = dict(pack.content)
    cfg["projects"] = {**cfg["projects"], "start_within_days": 45}
    pack.content = cfg
    pack.save()
    replan(a)
    counts = bulk_replan([b])
    assert counts["created"] == 1 and counts["changed"] > 0
    fields = ("seq", "code", "name", "planned_on", "actual_on", "planned_edited")
    assert list(a.milestones.order_by("seq").values_list(*fields)) == list(
        b.milestones.order_by("seq").values_list(*fields)
    )


def test_grade_month_and_the_cli_agree(regions):
    ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    counts = do_grade_month(actor=SYSTEM, month=dt.date(2025, 2, 1))
    assert f"降档 {counts['down']}" in cli("grade", "--month", "2025-02")

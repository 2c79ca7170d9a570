"""Each city's tasks become tracked tasks with the units its text names (EZ-ORG-1, YY-ORG-1, 黄冈 五（一）)."""

from __future__ import annotations

import pytest

from chanye.regions.models import Region
from chanye.supervision.models import Task, TaskStatus
from tests.supervision.conftest import load

pytestmark = pytest.mark.django_db


def units(code: str) -> list[tuple[str, bool]]:
    return [(u.name, u.is_lead) for u in Task.objects.get(code=code).units.select_related("department", "region")]


def test_ez_org_1_every_district_and_zone_is_co_responsible_for_every_task(ezhou):
    assert Task.objects.filter(is_active=True, pack=ezhou).count() == 27
    zone_names = {"梁子湖区", "华容区", "鄂城区", "葛店经开区", "临空经济区"}
    for task in Task.objects.filter(pack=ezhou):
        names = {u.name for u in task.units.all()}
        assert zone_names <= names, task.code
        assert task.is_key and task.cadence == ""  # 重点督办; the text sets no reporting cadence
    # 培育优质企业 names six departments only; the districts and zones come from “以下工作均需…具体落实”
    assert units("ez-2-1-2")[:2] == [("市经信局", True), ("市发改委", False)]
    assert len(units("ez-2-1-2")) == 6 + 5


def test_ez_org_1_a_unit_named_in_the_list_is_not_added_twice(ezhou):
    # 完善工业产业空间布局 names 各区人民政府 and both 管委会 itself: each district and zone once, not as departments
    names = [n for n, _ in units("ez-2-1-1")]
    assert names.count("华容区") == 1 and names.count("葛店经开区") == 1
    assert "各区人民政府" not in names and "葛店经开区管委会" not in names
    assert units("ez-2-1-1")[0] == ("市发改委", True)


def test_yy_org_1_first_named_unit_leads_and_services_have_no_lead(yiyang):
    assert units("yy-3-1")[0] == ("市工业和信息化局", True)
    assert sum(lead for _, lead in units("yy-3-1")) == 1
    assert not any(lead for _, lead in units("yy-4-2-services"))  # 分工负责: no 牵头单位
    assert Task.objects.get(code="yy-3-1").cadence == "quarter"  # YY-P-3 季调度


def test_yy_org_1_counties_and_parks_expand_to_the_citys_units(yiyang):
    names = {n for n, _ in units("yy-3-1")}
    counties = set(Region.objects.filter(parent__code="430900", level="county").values_list("name", flat=True))
    parks = set(Region.objects.filter(parent__code="430900", level="park").values_list("name", flat=True))
    assert counties and counties <= names  # 各区县（市）人民政府（管委会）
    assert parks <= names  # 园区（管委会）
    assert not {"各区县（市）人民政府（管委会）", "园区（管委会）"} & names


def test_hg_tasks_go_to_every_county_without_a_lead(huanggang):
    names = [n for n, _ in units("hg-5-1-counties")]
    counties = list(Region.objects.filter(parent__code="421100", level="county").values_list("name", flat=True))
    assert len(counties) >= 7 and sorted(names) == sorted(counties)
    assert not any(lead for _, lead in units("hg-5-1-counties"))


def test_reloading_the_pack_keeps_status_reports_and_the_citys_settings(ezhou, db):
    import datetime as dt

    from chanye.supervision.models import TaskReport

    task = Task.objects.get(code="ez-2-1-2")
    unit = task.units.first()
    TaskReport.objects.create(task=task, unit=unit, on=dt.date(2026, 3, 1), text="已召开专题会")
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.DOING, deadline=dt.date(2026, 12, 31), settings_edited=True, is_key=False
    )
    result = load("ezhou-2027")
    task.refresh_from_db()
    assert (task.status, task.deadline, task.is_key) == (TaskStatus.DOING, dt.date(2026, 12, 31), False)
    assert task.reports.count() == 1 and task.units.count() == 11
    assert result is not None


def test_a_city_without_tasks_has_none_and_the_page_says_so(mini_pack, users, client):
    client.force_login(users["admin"])
    page = client.get("/supervision/").content.decode()
    assert Task.objects.count() == 0 and "本市政策包没有分解到责任单位的任务" in page

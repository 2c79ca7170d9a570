"""YY-ORG-1 千亿级产业市级领导联系机制: “两名市领导、一个牵头单位、一套工作班子” per 千亿级产业 — one arrangement per
industry from the pack with the lead unit of 四（二）, the city's leaders and team kept over reloads, incomplete ones
saying what they lack, and only a city administrator changing them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.supervision import liaison as services
from chanye.supervision import selectors
from chanye.supervision.models import Department, IndustryLiaison
from tests.supervision.conftest import load

pytestmark = pytest.mark.django_db

LEADERS = [services.LeaderInput("张三", "副市长"), services.LeaderInput("李四", "市政协副主席")]


def arrangement(code: str) -> IndustryLiaison:
    return selectors.liaisons().get(cluster__code=code)


def fill(liaison: IndustryLiaison, *, leaders=LEADERS, member: bool = True) -> None:
    services.do_set_leaders(actor=SYSTEM, liaison=liaison, leaders=list(leaders))
    if member:
        services.do_save_member(actor=SYSTEM, liaison=liaison, name="王五", unit="市工业和信息化局", role="联络员")


def test_yy_org_1_the_pack_makes_one_arrangement_per_1000yi_industry_with_the_lead_unit_of_its_sector(yiyang):
    rows = {x.cluster.code: x for x in selectors.liaisons()}
    # 二（一）“4个制造业千亿级产业、1个服务业千亿级产业”: the five top-level clusters, none of their sub-industries
    assert list(rows) == ["yy-electronics", "yy-new-materials", "yy-food", "yy-equipment", "yy-culture-tourism-health"]
    manufacturing = ["yy-electronics", "yy-new-materials", "yy-food", "yy-equipment"]
    assert {rows[c].lead_unit.name for c in manufacturing} == {"市工业和信息化局"}  # 四（二）牵头负责制造业
    services_industry = rows["yy-culture-tourism-health"]
    assert services_industry.lead_unit is None and "分工负责" in services_industry.note  # 服务业: no single lead
    assert {x.leaders_required for x in rows.values()} == {2} and {x.rule for x in rows.values()} == {"YY-ORG-1"}
    assert not any(x.leaders.exists() or x.team.exists() for x in rows.values())  # the text names nobody


def test_yy_org_1_reloading_the_pack_keeps_the_leaders_team_and_lead_unit_the_city_typed(yiyang):
    fill(arrangement("yy-electronics"))
    culture = arrangement("yy-culture-tourism-health")
    services.do_set_lead_unit(actor=SYSTEM, liaison=culture, department=Department.objects.get(name="市文旅广体局"))
    result = load("yiyang-2025")
    assert result is not None
    electronics, culture = arrangement("yy-electronics"), arrangement("yy-culture-tourism-health")
    assert [(x.name, x.post) for x in electronics.leaders.all()] == [("张三", "副市长"), ("李四", "市政协副主席")]
    assert [m.name for m in electronics.team.all()] == ["王五"]
    assert culture.lead_unit.name == "市文旅广体局"  # the city's choice, not the pack's “none”
    assert IndustryLiaison.objects.filter(is_active=True).count() == 5


def test_yy_org_1_an_incomplete_arrangement_says_what_it_lacks(yiyang):
    state = selectors.liaison_state(arrangement("yy-culture-tourism-health"))
    assert not state.complete
    assert state.missing == ["联系市领导0名，应为2名", "未确定牵头单位", "工作班子尚无成员"]
    electronics = arrangement("yy-electronics")
    fill(electronics, leaders=LEADERS[:1])
    assert selectors.liaison_state(arrangement("yy-electronics")).missing == ["联系市领导1名，应为2名"]
    fill(electronics)
    assert selectors.liaison_state(arrangement("yy-electronics")).complete


def test_yy_org_1_the_list_page_marks_incomplete_arrangements_with_what_is_missing(yiyang, users, client):
    fill(arrangement("yy-electronics"))
    client.force_login(users["viewer"])  # a department (lead unit) viewer reads it
    html = client.get(reverse("supervision:liaison_list")).content.decode()
    assert html.count("不完整") == 1 + 4  # the heading's count, and the four industries still lacking something
    assert "未确定牵头单位" in html and "联系市领导0名，应为2名" in html
    assert "张三" in html and "完整" in html


def test_yy_org_1_leaders_are_at_most_the_packs_number_and_each_has_a_name_and_a_post(yiyang):
    x = arrangement("yy-food")
    with pytest.raises(ValidationError) as e:
        services.do_set_leaders(actor=SYSTEM, liaison=x, leaders=[*LEADERS, services.LeaderInput("赵六", "副市长")])
    assert "不能超过" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.do_set_leaders(actor=SYSTEM, liaison=x, leaders=[services.LeaderInput("赵六", "")])
    assert e.value.messages == ["第1位市领导：请填写职务。"]
    with pytest.raises(ValidationError):
        services.do_save_member(actor=SYSTEM, liaison=x, name="王五", unit="", role="联络员", phone="abc")
    assert not x.leaders.exists() and not x.team.exists()


def test_yy_org_1_each_change_is_audited_once_and_an_unchanged_one_not_at_all(yiyang):
    x = arrangement("yy-food")
    before = AuditLog.objects.count()
    services.do_set_leaders(actor=SYSTEM, liaison=x, leaders=LEADERS)
    services.do_set_leaders(actor=SYSTEM, liaison=x, leaders=LEADERS)  # the same again: nothing written
    member = services.do_save_member(actor=SYSTEM, liaison=x, name="王五", unit="市工业和信息化局", role="联络员")
    services.do_save_member(
        actor=SYSTEM,
        liaison=x,
        member=member,
        name="王五",
        unit="市工业和信息化局",
        role="联络员",
        phone="0737-4200001",
    )
    services.do_remove_member(actor=SYSTEM, member=member)
    services.do_set_lead_unit(actor=SYSTEM, liaison=x, department=x.lead_unit)  # unchanged
    rows = list(AuditLog.objects.order_by("pk")[before:].values_list("action", "message"))
    assert [a for a, _ in rows] == ["update", "create", "update", "delete"]
    assert all("YY-ORG-1" in m for _, m in rows)


def test_yy_org_1_a_county_or_park_is_no_lead_unit(yiyang):
    x = arrangement("yy-culture-tourism-health")
    names = {d.name for d in services.lead_unit_choices(x)}
    assert "市文旅广体局" in names and "各区县（市）人民政府（管委会）" not in names and "园区（管委会）" not in names
    with pytest.raises(ValidationError):
        services.do_set_lead_unit(actor=SYSTEM, liaison=x, department=Department.objects.get(name="园区（管委会）"))


def test_yy_org_1_only_a_city_administrator_changes_an_arrangement(mini_pack, users, client):
    x = arrangement("food")
    for role in ("viewer", "xianan"):
        with pytest.raises(PermissionDenied):
            services.do_set_leaders(actor=users[role], liaison=x, leaders=LEADERS)
        client.force_login(users[role])
        denied = AuditLog.objects.filter(action="denied").count()
        url = reverse("supervision:liaison", kwargs={"code": "food"})
        resp = client.post(url, {"action": "leaders", "name_1": "张三", "post_1": "副市长"})
        assert resp.status_code == 404, role
        assert AuditLog.objects.filter(action="denied").count() == denied + 1
        assert "leaders-form" not in client.get(url).content.decode()  # read-only for them
    assert not x.leaders.exists()
    client.force_login(users["admin"])
    resp = client.post(url, {"action": "leaders", "name_1": "张三", "post_1": "副市长", "name_2": "", "post_2": ""})
    assert resp.status_code == 302
    resp = client.post(url, {"action": "member", "name": "王五", "unit": "市经信局", "role": "联络员", "phone": ""})
    assert resp.status_code == 302
    x = arrangement("food")
    assert [y.name for y in x.leaders.all()] == ["张三"] and [m.name for m in x.team.all()] == ["王五"]
    assert selectors.liaison_state(x).missing == ["联系市领导1名，应为2名"]


def test_a_pack_without_the_section_has_no_arrangement_no_menu_entry_and_the_page_says_so(users, client):
    client.force_login(users["admin"])
    assert 'id="nav-liaison"' in client.get(reverse("supervision:list")).content.decode()  # the mini pack states it
    load("ezhou-2027")
    assert not selectors.liaison_stated()
    html = client.get(reverse("supervision:liaison_list")).content.decode()
    assert 'id="liaison-not-configured"' in html and "未配置" in html
    assert (
        'id="nav-liaison"' not in html
        and 'id="link-liaison"' not in client.get(reverse("supervision:list")).content.decode()
    )
    assert client.get(reverse("supervision:catalogue", kwargs={"code": "food"})).status_code == 404

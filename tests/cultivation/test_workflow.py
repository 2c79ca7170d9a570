"""Alert workflow: steps in order, reasons required, support before closing an exit-risk warning, scope, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chanye.core.models import AuditLog
from chanye.cultivation.models import Alert
from chanye.cultivation.services import do_add_support, do_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(two_counties):
    m = dt.date(2025, 6, 1)
    return {
        "xa": Alert.objects.create(kind="exit_risk", enterprise=two_counties["xianan"], month=m, detail="下降25%"),
        "jy": Alert.objects.create(kind="reached", enterprise=two_counties["jiayu"], month=m, detail="开票2100万元"),
    }


def test_workflow_in_order_with_support_before_resolving(users, alerts):
    a = alerts["xa"]
    with pytest.raises(ValidationError, match="不能直接改为“已办结”"):
        do_transition(actor=users["xianan"], alert=a, to="resolved", reason="好了")
    a = do_transition(actor=users["xianan"], alert=a, to="acknowledged")
    with pytest.raises(ValidationError, match="先记录帮扶"):
        do_transition(actor=users["xianan"], alert=a, to="resolved", reason="恢复生产")
    do_add_support(actor=users["xianan"], alert=a, description="协调订单与电力保障")
    a.refresh_from_db()
    assert a.status == "supporting"
    with pytest.raises(ValidationError, match="须填写说明"):
        do_transition(actor=users["xianan"], alert=a, to="resolved")
    a = do_transition(actor=users["xianan"], alert=a, to="resolved", reason="7月产值回升")
    with pytest.raises(ValidationError, match="已关闭"):
        do_transition(actor=users["xianan"], alert=a, to="acknowledged")
    assert AuditLog.objects.filter(object_type="cultivation.alert").count() == 3  # signed, supporting, resolved
    assert AuditLog.objects.filter(object_type="cultivation.supportaction").count() == 1


def test_dismissal_needs_a_reason(users, alerts):
    with pytest.raises(ValidationError, match="须填写说明"):
        do_transition(actor=users["jiayu"], alert=alerts["jy"], to="dismissed")
    a = do_transition(actor=users["jiayu"], alert=alerts["jy"], to="dismissed", reason="企业已迁出")
    assert a.status == "dismissed" and a.reason == "企业已迁出"


def test_other_countys_officers_and_viewers_cannot_act(users, alerts):
    with pytest.raises(PermissionDenied):
        do_transition(actor=users["xianan"], alert=alerts["jy"], to="acknowledged")
    with pytest.raises(PermissionDenied):
        do_transition(actor=users["viewer"], alert=alerts["xa"], to="acknowledged")


def test_to_do_page_shows_only_the_units_alerts(client, users, alerts, login):
    page = login(users["xianan"]).get("/alerts/").content.decode()
    assert alerts["xa"].enterprise.name in page and alerts["jy"].enterprise.name not in page
    r = client.post(f"/alerts/{alerts['jy'].pk}/action/", {"action": "acknowledged"})
    assert r.status_code == 404
    r = client.post(f"/alerts/{alerts['xa'].pk}/action/", {"action": "acknowledged"})
    assert r.status_code == 302
    alerts["xa"].refresh_from_db()
    assert alerts["xa"].status == "acknowledged"


def test_alerts_api_is_scoped(client, users, alerts, login):
    rows = login(users["jiayu"]).get("/api/v1/alerts/").json()
    assert [r["enterprise"] for r in rows] == [alerts["jy"].enterprise.name]
    assert rows[0]["kind_label"] == "达到规上门槛"
    client.logout()
    assert len(login(users["admin"]).get("/api/v1/alerts/?kind=exit_risk").json()) == 1


def test_xn_gs_3_quota_page_counts_new_and_exits_per_county_against_the_yearly_target(client, users, regions, login):
    import datetime as dt

    from chanye.cultivation.selectors import quota_progress
    from chanye.enterprises.models import ScalePeriod
    from tests.factories import EnterpriseFactory

    year = timezone.localdate().year
    for _ in range(3):
        e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
        ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(year, 1, 10))
    gone = EnterpriseFactory(county=regions["咸安区"])
    ScalePeriod.objects.create(enterprise=gone, entered_on=dt.date(2010, 1, 1), exited_on=dt.date(year, 2, 1))
    data = quota_progress(user=users["admin"], today=dt.date(year, 7, 2))
    xa = next(r for r in data["rows"] if r["region"].name == "咸安区")
    assert (xa["new"], xa["exits"], xa["quota"], xa["above"]) == (3, 1, 45, 3)
    assert xa["projected"] == 6  # 3 by early July → about 6 in the year
    page = login(users["xianan"]).get("/cultivation/").content.decode()
    assert "咸安区" in page and "嘉鱼县" not in page


def test_to_do_page_counts_open_alerts_per_kind(client, users, alerts, login):
    r = login(users["admin"]).get("/alerts/")
    assert r.context["counts"] == {"approach": 0, "reached": 1, "exit_risk": 1}
    assert '<span class="badge text-bg-light">1</span>' in r.content.decode()


def test_exports_hold_only_the_scope(client, users, alerts, login):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(login(users["xianan"]).get("/cultivation/alerts.xlsx").content))
    names = [row[4] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert names == [alerts["xa"].enterprise.name]
    assert client.get("/cultivation/candidates.xlsx").status_code == 200
    assert client.get("/cultivation/other.xlsx").status_code == 404


def test_the_to_do_list_pages_through_more_than_fifty_alerts(users, regions, login):
    from tests.factories import EnterpriseFactory

    for i in range(55):
        e = EnterpriseFactory(county=regions["咸安区"], name=f"咸安分页测试{i:02d}有限公司")
        Alert.objects.create(kind="approach", enterprise=e, month=dt.date(2025, 6, 1), detail="x")
    c = login(users["xianan"])
    first = c.get("/alerts/").content.decode()
    assert "第 1 / 2 页，共 55 条" in first and "page=2" in first
    second = c.get("/alerts/?kind=&show=open&month=&page=2").content.decode()
    assert second.count("咸安分页测试") == 5


def test_support_can_be_recorded_first_with_the_day_it_happened(users, alerts):
    """An officer visits, then records it: recording support on an open alert takes it on (帮扶中) — no separate
    签收 first —, on the day of the visit, never a future one; the firm's page lists it."""
    import datetime as dt

    from django.utils import timezone

    from chanye.core import hooks

    a = alerts["xa"]
    visit = timezone.localdate() - dt.timedelta(days=16)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        do_add_support(actor=users["xianan"], alert=a, description="走访", on=timezone.localdate() + dt.timedelta(1))
    do_add_support(actor=users["xianan"], alert=a, description="走访了解订单", on=visit)
    a.refresh_from_db()
    assert a.status == "supporting" and a.actions.get().on == visit
    assert AuditLog.objects.filter(object_type="cultivation.alert", message__contains="记录帮扶即签收").exists()
    (found,) = hooks.enterprise_support(enterprise=a.enterprise, user=users["xianan"])
    assert [(x["on"], x["description"]) for x in found] == [(visit, "走访了解订单")]
    assert hooks.enterprise_support(enterprise=a.enterprise, user=users["jiayu"]) == [[]]  # not 嘉鱼's to see


def test_the_firm_page_shows_its_support(users, alerts, login):
    a = alerts["xa"]
    do_add_support(actor=users["xianan"], alert=a, description="协调电力保障")
    page = login(users["xianan"]).get(f"/enterprises/{a.enterprise.uscc}/").content.decode()
    assert 'id="support"' in page and "协调电力保障" in page

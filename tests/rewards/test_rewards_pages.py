"""The 奖补兑现 pages (issue 14): the city computes from the page and sees the total, each county's share and the
funds; the .xlsx for the finance bureau and the .docx notice carry the same total; a county officer sees its county's
rows only and another county's row is 404 (audited); an enterprise user sees its own rows, why, and confirms its
account; viewers read and cannot act."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from chanye.rewards.models import Entitlement
from tests.factories import PASSWORD
from tests.rewards.world import counties, firm, honour, load_pack, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    load_pack("ezhou")
    here, there = counties()[:2]
    a, b = firm(here), firm(there)
    honour(a, "wk_trademark", "", 2025)
    honour(b, "quality_brand", "", 2025)
    return {"a": a, "b": b, "here": here, **people(here, firm_of=a)}


def as_(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_city_computes_on_the_page_and_the_exports_carry_the_same_total(client, world):
    c = as_(client, world["admin"])
    r = c.post("/rewards/?year=2025", {"action": "compute", "compute_year": "2025"}, follow=True)
    text = r.content.decode()
    assert "应兑现2项，合计80万元" in text and 'id="total-amount">80<' in text
    assert world["a"].name in text and world["b"].name in text
    assert "4条奖补条款只有文字条件" in text  # EZ-R-3 (three) and EZ-R-4: said, not hidden
    wb = load_workbook(io.BytesIO(c.get("/rewards/export.xlsx?year=2025").content))
    ws = wb.active
    assert "合计80万元" in ws["A1"].value
    amounts = [row[7] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert sorted(amounts) == [20, 60]
    c.post("/rewards/?year=2025", {"action": "publish", "days": "7"})
    doc = Document(io.BytesIO(c.get("/rewards/notice.docx?year=2025").content))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "拟对以下2项奖补予以兑现，合计80万元" in body
    assert AuditLog.objects.filter(action="export").count() == 2


def test_a_county_officer_sees_its_county_and_not_another(client, world):
    as_(client, world["admin"]).post("/rewards/", {"action": "compute", "compute_year": "2025"})
    client.logout()
    c = as_(client, world["officer"])
    text = c.get("/rewards/?year=2025").content.decode()
    assert world["a"].name in text and world["b"].name not in text and 'id="total-amount">60<' in text
    foreign = Entitlement.objects.get(enterprise=world["b"])
    assert c.get(f"/rewards/{foreign.pk}/").status_code == 404
    assert AuditLog.objects.filter(action="denied", object_id=foreign.key).exists()
    assert c.post("/rewards/", {"action": "compute", "compute_year": "2025"}).status_code == 404


def test_an_enterprise_user_sees_why_and_confirms_its_account(client, world):
    as_(client, world["admin"]).post("/rewards/", {"action": "compute", "compute_year": "2025"})
    client.logout()
    c = as_(client, world["firm"])
    text = c.get("/rewards/?year=2025").content.decode()
    assert "本企业奖补（免申即享）" in text and "中国驰名商标奖励" in text and "湖北精品奖励" not in text
    own = Entitlement.objects.get(enterprise=world["a"])
    detail = c.get(f"/rewards/{own.pk}/").content.decode()
    assert "2025年认定为中国驰名商标，奖励60万元（EZ-R-2）" in detail
    r = c.post(
        f"/rewards/{own.pk}/",
        {"action": "account", "account_name": "某公司", "account_bank": "工行", "account_no": "6222000011112222"},
        follow=True,
    )
    assert "已确认收款账户" in r.content.decode() and "6222****2222" in r.content.decode()
    bad = c.post(
        f"/rewards/{own.pk}/",
        {"action": "account", "account_name": "", "account_bank": "", "account_no": "1"},
        follow=True,
    )
    assert "8—30位数字" in bad.content.decode()


def test_a_viewer_reads_and_cannot_act(client, world):
    as_(client, world["admin"]).post("/rewards/", {"action": "compute", "compute_year": "2025"})
    client.logout()
    c = as_(client, world["viewer"])
    assert c.get("/rewards/?year=2025").status_code == 200
    own = Entitlement.objects.get(enterprise=world["a"])
    assert c.post("/rewards/", {"action": "publish"}).status_code == 404
    r = c.post(f"/rewards/{own.pk}/", {"action": "revoke", "reason": "x"}, follow=True)
    assert Entitlement.objects.get(pk=own.pk).status == "computed" and r.status_code in (200, 404)


def test_approving_from_the_list_takes_the_rows_whose_period_is_over_and_says_what_waits(client, world):
    import datetime as dt

    c = as_(client, world["admin"])
    c.post("/rewards/", {"action": "compute", "compute_year": "2025"})
    c.post("/rewards/?year=2025", {"action": "publish", "days": "7"})
    over = Entitlement.objects.get(enterprise=world["a"])
    Entitlement.objects.filter(pk=over.pk).update(objection_until=dt.date(2020, 1, 1))  # its period is over
    page = c.get("/rewards/?year=2025").content.decode()
    assert "公示当前筛选中“测算”的 0 项" in page and "审核通过公示期满的 1 项" in page
    r = c.post("/rewards/?year=2025", {"action": "approve"}, follow=True).content.decode()
    assert "已审核通过1项奖补" in r and "另有1项仍在公示期内或有未答复的异议" in r
    assert Entitlement.objects.get(pk=over.pk).status == "approved"

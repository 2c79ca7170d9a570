"""The 供应链 pages, export and API: a county officer sees its own firms' purchases only; the page, the export and the
API show the same figures (one definition); one click puts an outside supplier into a link's 招商目标库; the chain
leader's page takes its 本地化配套率 from the invoices where there are some (XN-LZ-2) and says so."""

from __future__ import annotations

import io

import openpyxl
import pytest

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.supply.invoice_import import import_invoices
from tests.factories import ChainLinkFactory, LinkEnterpriseFactory, ListedLeaderFactory
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(regions, users, tmp_path, monkeypatch):
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))
    c = world(regions)
    assert import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM).ok
    return c


def test_a_county_officer_sees_only_its_own_firms_purchases(loaded, client, users):
    client.force_login(users["xianan"])
    page = client.get("/supply/?year=2026").content.decode()
    assert "咸安区" in page and "嘉鱼县" not in page
    # 咸安's A only, March and April: 19.5 万元 bought, 6.5 from the city
    assert 'id="total-local-share">33.3%' in page
    api = client.get("/api/v1/supply/local-share?month=2026-03").json()
    assert [r["uscc"] for r in api] == [loaded["A"]]
    counties = client.get("/api/v1/supply/counties?year=2026").json()
    assert [c["county"] for c in counties] == ["咸安区"]
    from chanye.enterprises.models import Enterprise

    b = Enterprise.objects.get(uscc=loaded["B"])
    assert client.get(f"/supply/firms/{b.pk}/").status_code == 404
    assert AuditLog.objects.filter(action="denied", message__contains="企业供应链").exists()


def test_page_export_and_api_show_the_same_county_figures(loaded, client, users):
    client.force_login(users["admin"])
    api = {c["county"]: c for c in client.get("/api/v1/supply/counties?year=2026").json()}
    assert (api["咸安区"]["local_share"], api["嘉鱼县"]["local_share"]) == (33.33, 50.0)  # A: 6.5 / 19.5
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/supply/export.xlsx?year=2026").content))
    sheet = {r[0]: r for r in wb["区县"].iter_rows(min_row=3, values_only=True)}
    for name, c in api.items():
        assert sheet[name][1:6] == (
            c["total_amount"],
            c["local_amount"],
            c["local_share"],
            c["same_county_amount"],
            c["same_county_share"],
        )
    assert sheet["合计"][3] == 38.98  # 11.5 of 29.5 万元
    page = client.get("/supply/?year=2026").content.decode()
    assert 'id="total-local-share">39.0%' in page
    assert AuditLog.objects.filter(action="export", message__contains="供应链").exists()


def test_one_click_puts_an_outside_supplier_into_the_links_target_library(loaded, client, users):
    from chanye.chains.models import AttractionTarget

    link = ChainLinkFactory(name="精密零件", products=["零件"])
    client.force_login(users["admin"])
    page = client.get("/supply/?year=2026").content.decode()
    assert f"{link.chain.name}·精密零件" in page  # the product 零件 names the link
    form = {
        "link": link.pk,
        "uscc": loaded["X3"],
        "name": "苏州外协零件有限公司",
        "region": "320500",
        "products": "零件",
        "amount": "10.0",
        "next": "/supply/?year=2026",
    }
    assert client.post("/supply/targets/add", form).status_code == 302
    t = AttractionTarget.objects.get(link=link, uscc=loaded["X3"])
    assert t.source == "增值税发票外购分析" and "10.00 万元" in t.note and t.location == "320500"
    assert AuditLog.objects.filter(action="create", object_id=str(t.pk)).exists()
    again = client.post("/supply/targets/add", form, follow=True).content.decode()
    assert "已在“精密零件”环节的招商目标库中" in again
    assert AttractionTarget.objects.filter(link=link, uscc=loaded["X3"]).count() == 1


def test_a_viewer_cannot_add_a_target(loaded, client, users):
    link = ChainLinkFactory()
    client.force_login(users["viewer"])
    assert client.post("/supply/targets/add", {"link": link.pk, "uscc": loaded["X3"]}).status_code == 404


def test_the_chain_page_gives_each_link_its_firms_local_share(loaded, client, users):
    from chanye.enterprises.models import Enterprise

    a = Enterprise.objects.get(uscc=loaded["A"])
    member = LinkEnterpriseFactory(enterprise=a)
    client.force_login(users["admin"])
    page = client.get(f"/supply/chains/{member.link.chain_id}/?year=2026").content.decode()
    assert member.link.name in page and "33.3%" in page


def test_the_chain_leader_page_uses_the_invoices_and_says_so(loaded, client, users):
    from chanye.enterprises.models import Enterprise

    leader = ListedLeaderFactory(enterprise=Enterprise.objects.get(uscc=loaded["A"]))
    client.force_login(users["admin"])
    page = client.get(f"/chain-leaders/{leader.pk}/?year=2026").content.decode()
    assert "33.33%" in page and "增值税发票（2026-03至2026-04采购）" in page
    api = client.get(f"/api/v1/chain-leaders/{leader.pk}?year=2026").json()
    # March: 6 of 19 万元; April: 0.5 of 0.5 → 6.5 / 19.5 = 33.33 %
    assert api["local_supporting_rate"] == "33.33" and api["local_supporting_rate_source"] == "invoices"


def test_the_city_uploads_an_invoice_file_on_the_page_and_sees_its_outcome(regions, users, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = world(regions)
    good = write_csv(tmp_path / "发票.csv", lines(c)).read_bytes()
    bad = lines(c)
    bad[1][6] = "两万"
    bad_bytes = write_csv(tmp_path / "bad.csv", bad).read_bytes()
    client.force_login(users["admin"])
    r = client.post("/supply/import", {"file": SimpleUploadedFile("bad.csv", bad_bytes)}, follow=True)
    page = r.content.decode()
    assert "校验未通过" in page and "两万" in page and "金额不是数字" in page
    r = client.post("/supply/import", {"file": SimpleUploadedFile("发票.csv", good)}, follow=True)
    assert "已保存 10 行发票明细" in r.content.decode()
    assert 'id="total-local-share">39.0%' in client.get("/supply/?year=2026").content.decode()
    client.force_login(users["xianan"])
    assert client.post("/supply/import", {"file": SimpleUploadedFile("发票.csv", good)}).status_code == 404

"""HG-A-1 “坚持园区亩均税收综合评价全覆盖”: every park's tax per mu of industrial land, ranked; land areas imported per
park and year; a park without land area or tax listed as not evaluated. Figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from chanye.core.imports.runner import run_import
from chanye.core.models import ImportBatch
from chanye.regions.models import Region
from chanye.targets import mu_tax
from chanye.targets.models import ParkLand
from tests.factories import EnterpriseFactory, MonthlyFigureFactory
from tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def parks(regions):
    return Region.objects.get(name="咸宁高新区"), Region.objects.get(name="潘湾化工园区")


def firm(park, county, taxes):
    e = EnterpriseFactory(county=county, park=park)
    for month, (source, tax) in taxes.items():
        MonthlyFigureFactory(enterprise=e, month=dt.date(YEAR, month, 1), source=source, tax=Decimal(tax))
    return e


def test_hg_a_1_tax_per_mu_ranks_the_parks(regions, parks):
    gxq, pw = parks
    # 高新区: 300 + 200 (a firm) + 100 (another) = 600万 over 200亩 = 3.00; 潘湾: 500万 over 100亩 = 5.00
    firm(gxq, regions["咸安区"], {1: ("tax", 300), 2: ("tax", 200)})
    firm(gxq, regions["咸安区"], {3: ("stats", 100)})
    firm(pw, regions["嘉鱼县"], {6: ("tax", 500)})
    firm(pw, regions["嘉鱼县"], {1: ("tax", 999)}).monthly.filter().update(month=dt.date(YEAR - 1, 12, 1))  # last year
    ParkLand.objects.create(region=gxq, year=YEAR, area_mu=200)
    ParkLand.objects.create(region=pw, year=YEAR, area_mu=100)
    rows = mu_tax.evaluate(YEAR)
    assert [(r.park.name, r.rank, r.tax, r.per_mu) for r in rows] == [
        ("潘湾化工园区", 1, Decimal(500), Decimal("5.00")),
        ("咸宁高新区", 2, Decimal(600), Decimal("3.00")),
    ]
    assert mu_tax.coverage(rows) == (2, 2)


def test_hg_a_1_the_tax_bureaus_figure_wins_over_the_statistics_for_the_same_month(regions, parks):
    gxq, _ = parks
    firm(gxq, regions["咸安区"], {1: ("tax", 80)}).monthly.create(month=dt.date(YEAR, 1, 1), source="stats", tax=70)
    ParkLand.objects.create(region=gxq, year=YEAR, area_mu=40)
    row = next(r for r in mu_tax.evaluate(YEAR) if r.park == gxq)
    assert (row.tax, row.per_mu) == (Decimal(80), Decimal("2.00"))  # not 150


def test_hg_a_1_a_park_without_land_area_is_listed_not_evaluated(regions, parks):
    gxq, pw = parks
    firm(gxq, regions["咸安区"], {1: ("tax", 10)})
    ParkLand.objects.create(region=pw, year=YEAR, area_mu=50)  # land but no tax
    rows = {r.park.name: r for r in mu_tax.evaluate(YEAR)}
    assert rows["咸宁高新区"].per_mu is None and rows["咸宁高新区"].missing == "未导入用地面积"
    assert rows["潘湾化工园区"].missing == "园区企业没有税收数据" and rows["潘湾化工园区"].rank is None
    assert mu_tax.coverage(list(rows.values())) == (0, 2)


def test_the_land_import_converts_units_refuses_bad_rows_and_writes_nothing(users, parks):
    bad = csv_bytes([["园区", "年度", "用地面积(公顷)"], ["高新区", "2024", "10"], ["不存在园区", "24", "0"]])
    out = run_import("park_land", data=bad, filename="用地.csv", user=users["admin"])
    assert out.batch.status == ImportBatch.Status.INVALID and ParkLand.objects.count() == 0
    messages = {(e["row"], e["message"]) for e in out.batch.errors}
    assert (3, "政策包中没有这个园区（请写园区全称或简称）") in messages
    assert (3, "年度应为四位数字，如 2024") in messages and (3, "用地面积应大于0") in messages
    good = csv_bytes([["园区", "年度", "用地面积(公顷)"], ["高新区", "2024", "10"], ["潘湾化工园区", "2024", "2.5"]])
    out = run_import("park_land", data=good, filename="用地.csv", user=users["admin"])
    assert out.batch.status == ImportBatch.Status.DONE
    assert dict(ParkLand.objects.values_list("region__name", "area_mu")) == {
        "咸宁高新区": Decimal("150.00"),  # 10 公顷 = 150 亩
        "潘湾化工园区": Decimal("37.50"),
    }
    again = run_import("park_land", data=good, filename="用地.csv", user=users["admin"])
    assert again.batch.status == ImportBatch.Status.DONE and ParkLand.objects.count() == 2
    officer = run_import("park_land", data=good, filename="用地.csv", user=users["xianan"])
    assert officer.batch.status != ImportBatch.Status.DONE  # city administrators only


def test_page_and_export_show_the_same_figures_and_other_packs_have_no_page(regions, parks, users, client):
    from openpyxl import load_workbook

    pw = parks[1]
    firm(pw, regions["嘉鱼县"], {6: ("tax", 500)})
    ParkLand.objects.create(region=pw, year=YEAR, area_mu=100)
    client.force_login(users["viewer"])
    page = client.get(f"/assessment/mu-tax/?year={YEAR}").content.decode()
    assert "潘湾化工园区" in page and "5.00" in page and "已评价 1 / 2 个园区" in page
    ws = load_workbook(io.BytesIO(client.get(f"/assessment/mu-tax/export.xlsx?year={YEAR}").content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == (1, "潘湾化工园区") and Decimal(str(rows[0][5])) == Decimal("5.00")
    assert rows[1][1] == "咸宁高新区" and rows[1][6] == "未导入用地面积"
    from chanye.core.access import SYSTEM
    from chanye.industry.services import do_load_pack
    from tests.conftest import ROOT

    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml")  # 鄂州's text has no park evaluation
    assert client.get("/assessment/mu-tax/").status_code == 404


def test_hg_a_1_a_county_level_park_counts_the_firms_registered_under_it(regions, parks):
    """黄冈 龙感湖管理区 is a park that is a county-level unit: its firms have it as their county, not as a park."""
    gxq, _ = parks
    gxq.is_county_level = True
    gxq.save(update_fields=["is_county_level"])
    firm(None, gxq, {1: ("tax", 120)})  # registered under the park as its county-level unit
    firm(gxq, regions["咸安区"], {2: ("tax", 30)})  # and one in the park by its park column
    ParkLand.objects.create(region=gxq, year=YEAR, area_mu=50)
    row = next(r for r in mu_tax.evaluate(YEAR) if r.park == gxq)
    assert (row.firms, row.tax, row.per_mu) == (2, Decimal(150), Decimal("3.00"))

"""XN-RD-4 研发强度引导名单: firms whose R&D intensity reaches 2× the 高企 standard of their revenue band are listed
(“研发投入占比达到高新技术企业认定标准2倍以上” — 以上 includes 2×). The bands are the national 认定办法's, stated in
the 咸宁 packs as a platform default: ≤5000万元（含） 5%, 5000万元–2亿元（含） 4%, >2亿元 3%. A pack without them lists
nobody.

Hand-built firms, 统计 monthly figures of 2024 (万元; R&D booked in the quarter months 3, 6, 9, 12), in 咸安 unless
said otherwise. 营业收入 ÷ 研发费用 → intensity; band → line (2 × band); listed?

  五千万整        8×400 + 4×450 = 5000; 4×125 = 500               → 10 %;           5 % → 10 %: yes (2.00×)
  五千万零一元    7×400 + 400.0001 + 4×450 = 5000.0001; 399.5     → 7.98999984 %;   4 % → 8 %:  no
  五千万零一元八  the same 5000.0001; 3×100 + 100.0001 = 400.0001 → 8.00000200 %;   4 % → 8 %:  yes
  两亿整          8×1600 + 4×1800 = 20000; 4×400 = 1600           → 8 %;            4 % → 8 %:  yes (2.00×)
  两亿零一元      7×1600 + 1600.0001 + 4×1800 = 20000.0001;
                  3×300 + 300.0001 = 1200.0001                    → 6.00000047 %;   3 % → 6 %:  yes
  三亿差一点      12×2500 = 30000; 4×449.25 = 1797                → 5.99 %;         3 % → 6 %:  no
  无研发          12×100 = 1200; no R&D figures                                                  no
  嘉鱼主营 (嘉鱼) 主营业务收入 only, 12×100 = 1200; 4×30 = 120     → 10 %;           5 % → 10 %: yes (2.00×)
  前年研发        2023 only: 12×100 = 1200; 4×60 = 240            → 20 % in 2023 (4.00×); not in 2024

The line is compared exactly: 五千万零一元八 has 400.0001 × 100 = 40000.01 ≥ 2 × 4 × 5000.0001 = 40000.0008. Every
listed firm but the two “just over” ones sits exactly on 2.00×.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chanye.analytics.services import refresh_month_summaries
from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.cultivation import rd_guidance
from chanye.cultivation.rd_guidance import guidance_list, last_full_year
from chanye.enterprises.models import MonthlyFigure
from chanye.industry import schema
from chanye.industry.models import Pack, Threshold
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT
from tests.factories import EnterpriseFactory, UserFactory
from tests.helpers import mini_pack_data, pack_problems

pytestmark = pytest.mark.django_db
YEAR = 2024
D = Decimal
XIANNING = [ROOT / "packs" / "xianning-2025.yaml", ROOT / "packs" / "xianning-2025-draft.yaml"]
OTHER_CITIES = [ROOT / "packs" / f"{p}.yaml" for p in ("ezhou-2027", "huanggang-2025", "yiyang-2025")]


def firm(name, county, revenue, rd=None, *, year=YEAR, main_only=False):
    """A firm with 12 months of 统计 revenue (`revenue`: 12 amounts) and R&D in the quarter months (`rd`: 4 amounts)."""
    e = EnterpriseFactory(name=name, county=county, is_above_scale=True)
    for m, v in enumerate(revenue, start=1):
        q = m // 3 - 1 if m % 3 == 0 else None
        MonthlyFigure.objects.create(
            enterprise=e,
            month=dt.date(year, m, 1),
            revenue=None if main_only else D(v),
            main_revenue=D(v) if main_only else None,
            rd_expense=D(rd[q]) if rd is not None and q is not None else None,
        )
    return e


@pytest.fixture
def firms(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    five_k = ["400"] * 8 + ["450"] * 4
    five_k_and_one = ["400"] * 7 + ["400.0001"] + ["450"] * 4
    out = {
        "五千万整": firm("五千万整", xa, five_k, ["125"] * 4),
        "五千万零一元": firm("五千万零一元", xa, five_k_and_one, ["0", "0", "0", "399.5"]),
        "五千万零一元八": firm("五千万零一元八", xa, five_k_and_one, ["100", "100", "100", "100.0001"]),
        "两亿整": firm("两亿整", xa, ["1600"] * 8 + ["1800"] * 4, ["400"] * 4),
        "两亿零一元": firm(
            "两亿零一元", xa, ["1600"] * 7 + ["1600.0001"] + ["1800"] * 4, ["300", "300", "300", "300.0001"]
        ),
        "三亿差一点": firm("三亿差一点", xa, ["2500"] * 12, ["449.25"] * 4),
        "无研发": firm("无研发", xa, ["100"] * 12),
        "嘉鱼主营": firm("嘉鱼主营", jy, ["100"] * 12, ["30"] * 4, main_only=True),
        "前年研发": firm("前年研发", xa, ["100"] * 12, ["60"] * 4, year=YEAR - 1),
    }
    refresh_month_summaries()
    return out


def listed(user, **kw):
    return {r.name: (r.band.min_share, r.intensity, r.reached) for r in guidance_list(user=user, year=YEAR, **kw).rows}


def test_xn_rd_4_boundaries_of_the_bands_and_of_the_line(firms, users):
    assert listed(users["admin"]) == {
        "五千万整": (D(5), D("10.00"), D("2.00")),  # 5000万元（含） is in the 5 % band; 10 % is the line itself
        "五千万零一元八": (D(4), D("8.00"), D("2.00")),  # 5000万零1元 is in the 4 % band: 8 % is enough
        "两亿整": (D(4), D("8.00"), D("2.00")),  # 2亿元（含） is in the 4 % band; 8 % is the line itself
        "两亿零一元": (D(3), D("6.00"), D("2.00")),  # above 2亿: 3 % band, 6 % line
        "嘉鱼主营": (D(5), D("10.00"), D("2.00")),  # 主营业务收入 stands in for the missing 营业收入
    }  # not 五千万零一元 (7.99 % < 8 %), 三亿差一点 (5.99 % < 6 %), 无研发 (no R&D), 前年研发 (2023 only)


def test_xn_rd_4_rows_carry_the_figures_and_the_band(firms, users):
    rows = {r.name: r for r in guidance_list(user=users["admin"], year=YEAR).rows}
    r = rows["五千万零一元八"]
    assert (r.revenue, r.rd, r.months, r.required) == (D("5000.0001"), D("400.0001"), 12, D(8))
    assert r.band.label == "5000万元至2亿元（含），不低于4%" and r.county == "咸安区"
    assert rows["五千万整"].band.label == "5000万元（含）以下，不低于5%"
    assert rows["两亿零一元"].band.label == "2亿元以上，不低于3%"


def test_xn_rd_4_other_years_read_their_own_figures(firms, users):
    rows = guidance_list(user=users["admin"], year=YEAR - 1).rows
    assert [(r.name, r.intensity, r.reached) for r in rows] == [("前年研发", D("20.00"), D("4.00"))]


def test_xn_rd_4_the_multiple_and_its_comparator_come_from_the_pack(firms, users):
    Threshold.objects.filter(key="rd_intensity_guidance_multiple").update(comparator=">")  # 2倍以上, not included
    assert set(listed(users["admin"])) == {"五千万零一元八", "两亿零一元"}  # only those just over 2×
    Threshold.objects.filter(key="rd_intensity_guidance_multiple").update(value=D("1.5"), comparator=">=")
    assert "五千万零一元" in listed(users["admin"])  # 7.99 % ≥ 1.5 × 4 % = 6 %


def test_xn_rd_4_default_year_is_the_last_full_calendar_year(firms):
    assert last_full_year() == YEAR  # the latest 统计 month is 2024-12
    e = EnterpriseFactory(name="新年数据")
    MonthlyFigure.objects.create(enterprise=e, month=dt.date(YEAR + 1, 11, 1), revenue=D(1))
    refresh_month_summaries()
    assert last_full_year() == YEAR  # 2025 is not complete until its December
    MonthlyFigure.objects.create(enterprise=e, month=dt.date(YEAR + 1, 12, 1), revenue=D(1))
    refresh_month_summaries()
    assert last_full_year() == YEAR + 1


def test_xn_rd_4_without_figures_the_default_year_is_the_year_before_today(mini_pack):
    assert last_full_year(dt.date(2026, 5, 1)) == 2025


def test_xn_rd_4_a_county_officer_sees_only_its_county(firms, users, login):
    assert set(listed(users["jiayu"])) == {"嘉鱼主营"}
    assert "嘉鱼主营" not in listed(users["xianan"]) and len(listed(users["xianan"])) == 4
    assert set(listed(users["admin"], unit=firms["嘉鱼主营"].county)) == {"嘉鱼主营"}
    xa_code = firms["五千万整"].county.code
    page = login(users["jiayu"]).get(f"/cultivation/rd-guidance/?year={YEAR}&county={xa_code}").content.decode()
    assert "嘉鱼主营" in page and "五千万整" not in page  # ?county= is ignored for an officer


def test_xn_rd_4_page_shows_the_list_and_its_basis(firms, users, login):
    resp = login(users["admin"]).get(f"/cultivation/rd-guidance/?year={YEAR}")
    text = resp.content.decode()
    assert resp.status_code == 200 and "研发强度引导名单（XN-RD-4）" in text
    assert "列入 5 家" in text and "2024年1—12月" in text and "2倍以上（含2倍）" in text
    assert "5000万元（含）以下，不低于5%；5000万元至2亿元（含），不低于4%；2亿元以上，不低于3%" in text
    assert "国科发火〔2016〕32号" in text and "仅作引导" in text
    assert "五千万整" in text and "五千万零一元</a>" not in text and "无研发</a>" not in text


def test_xn_rd_4_export_has_the_rows_of_the_page(firms, users, login):
    client = login(users["xianan"])
    resp = client.get(f"/cultivation/rd-guidance.xlsx?year={YEAR}")
    assert resp.status_code == 200
    sheet = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert sheet[0][3] == "2024年营业收入(万元)" and sheet[0][8] == "达到高企标准倍数"
    expected = [r.name for r in guidance_list(user=users["xianan"], year=YEAR).rows]
    assert [row[1] for row in sheet[1:]] == expected and len(expected) == 4
    page = client.get(f"/cultivation/rd-guidance/?year={YEAR}").content.decode()
    assert all(f">{name}</a>" in page for name in expected)
    by_name = {row[1]: row for row in sheet[1:]}
    assert by_name["两亿整"][3:10] == (20000, 1600, 8, "5000万元至2亿元（含），不低于4%", 8, 2, 12)
    assert AuditLog.objects.filter(action="export", message__startswith="导出研发强度引导名单2024").exists()


def test_xn_rd_4_the_tier_page_links_the_list(firms, users, login):
    assert 'id="link-rd-guidance"' in login(users["viewer"]).get("/tiers/").content.decode()


def test_xn_rd_4_xianning_packs_state_the_national_bands_and_the_multiple():
    for path in XIANNING:
        spec = schema.read(path)
        bands = spec.high_tech_rd_bands
        assert bands is not None and bands.rule == "XN-RD-4" and "国科发火〔2016〕32号" in bands.source
        assert [(b.revenue_max, b.min_share) for b in bands.bands] == [(5000, 5), (20000, 4), (None, 3)]
        (multiple,) = [t for t in spec.thresholds if t.key == "rd_intensity_guidance_multiple"]
        assert (multiple.value, multiple.comparator, multiple.rule) == (2, ">=", "XN-RD-4")


def test_xn_rd_4_pack_schema_checks_the_bands():
    d = mini_pack_data()
    d["high_tech_rd_bands"]["bands"] = [
        {"revenue_max": 20000, "min_share": 4},
        {"revenue_max": 5000, "min_share": 5},
        {"min_share": 3},
    ]
    assert any("逐档递增" in p for p in pack_problems(d))
    d["high_tech_rd_bands"]["bands"] = [{"min_share": 5}, {"revenue_max": 5000, "min_share": 4}]
    assert any("只有最后一档" in p for p in pack_problems(d))
    d["high_tech_rd_bands"]["bands"] = [{"revenue_max": 5000, "min_share": 0}, {"min_share": 3}]
    assert any("研发费用占比" in p for p in pack_problems(d))
    d["high_tech_rd_bands"] = {"rule": "XN-RD-4", "bands": []}
    assert any("不能为空" in p for p in pack_problems(d))


def test_xn_rd_4_a_pack_without_the_bands_lists_nobody(firms, users, login):
    pack = Pack.objects.get(is_active=True)
    pack.content = {k: v for k, v in pack.content.items() if k != "high_tech_rd_bands"}
    pack.save()
    result = guidance_list(user=users["admin"], year=YEAR)
    assert not result.configured and result.rows == [] and result.missing == [rd_guidance.NO_BANDS]
    client = login(users["admin"])
    page = client.get(f"/cultivation/rd-guidance/?year={YEAR}").content.decode()
    assert 'id="rd-guidance-not-configured"' in page and "high_tech_rd_bands" in page and "五千万整" not in page
    assert "rd-guidance.xlsx" not in page
    assert client.get(f"/cultivation/rd-guidance.xlsx?year={YEAR}").status_code == 404


def test_xn_rd_4_a_pack_without_the_multiple_lists_nobody(firms, users):
    Threshold.objects.filter(key="rd_intensity_guidance_multiple").delete()
    result = guidance_list(user=users["admin"], year=YEAR)
    assert not result.configured and result.rows == [] and result.missing == [rd_guidance.NO_MULTIPLE]


@pytest.mark.parametrize("path", OTHER_CITIES, ids=lambda p: p.stem)
def test_xn_rd_4_other_cities_packs_state_neither_and_get_no_list(empty_db, client, path):
    do_load_pack(actor=SYSTEM, path=path)
    std, missing = rd_guidance.standard()
    assert std is None and missing == [rd_guidance.NO_BANDS, rd_guidance.NO_MULTIPLE]
    client.force_login(UserFactory(username="other-city", role="city_admin"))
    resp = client.get("/cultivation/rd-guidance/")
    assert resp.status_code == 200 and 'id="rd-guidance-not-configured"' in resp.content.decode()
    assert client.get("/cultivation/rd-guidance.xlsx").status_code == 404

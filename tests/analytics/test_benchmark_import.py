"""Benchmark regions from statistical yearbooks (issue 6 §6): a regions × divisions table read with its unit and year,
every problem reported by row and column in Chinese, imported all or nothing by the city, and stacked under the
counties' matrix for the relatedness page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from chanye.analytics.benchmarks.importer import BenchmarkImporter, template_xlsx
from chanye.analytics.benchmarks.matrix import merge_benchmarks, relatedness_matrix
from chanye.analytics.benchmarks.table import BenchmarkError, parse_benchmark_xlsx
from chanye.analytics.models import BenchmarkFigure
from chanye.core.models import AuditLog
from chanye.enterprises.models import MonthlyFigure
from chanye.industry.models import IndustryCode
from tests.factories import EnterpriseFactory
from tests.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

TITLE = ["2023年各地区规模以上工业分行业总产值"]
UNIT = ["单位：亿元"]
HEADER = ["地区", "13 农副食品加工业", "化学原料和化学制品制造业", "C39", "合计"]


def book(*rows, title=TITLE, unit=UNIT, header=HEADER) -> bytes:
    return xlsx([title, unit, header, *rows])


def test_a_yearbook_table_is_read_with_codes_or_names_and_converted_to_wanyuan(db):
    data = book(
        ["武 汉 市", 1200.5, "800", 3000, 5000.5],
        ["长沙市", "—", 400, 1500, 1900],
        ["合计", 1200.5, 1200, 4500, 6900.5],
        ["注：本表为规模以上工业企业数据。"],
    )
    regions, industries, x = parse_benchmark_xlsx(data)
    assert regions == ["武汉市", "长沙市"]
    assert industries == ["13", "26", "39"]  # 合计 left out; 化学原料… found by its GB/T 4754 name
    np.testing.assert_allclose(x, [[12_005_000, 8_000_000, 30_000_000], [0, 4_000_000, 15_000_000]])


def test_a_table_printed_the_other_way_round_divisions_down_regions_across_reads_the_same(db):
    data = xlsx(
        [
            TITLE,
            UNIT,
            ["行业", "武汉市", "长沙市"],
            ["13 农副食品加工业", 1200.5, "—"],
            ["化学原料和化学制品制造业", "800", 400],
            ["C39", 3000, 1500],
            ["合计", 5000.5, 1900],
        ]
    )
    regions, industries, x = parse_benchmark_xlsx(data)
    assert regions == ["武汉市", "长沙市"]
    assert industries == ["13", "26", "39"]
    np.testing.assert_allclose(x, [[12_005_000, 8_000_000, 30_000_000], [0, 4_000_000, 15_000_000]])


def test_a_table_of_small_whole_figures_is_not_mistaken_for_one_printed_the_other_way_round(db):
    rows = [[f"地区{i}", 10 + i, 20 + i, 30 + i, 60 + 3 * i] for i in range(12)]  # figures look like division codes
    regions, industries, x = parse_benchmark_xlsx(book(*rows))
    assert regions[:2] == ["地区0", "地区1"] and industries == ["13", "26", "39"]
    assert x[1, 0] == 110_000  # 11 亿元


def test_problems_of_a_table_printed_the_other_way_round_are_reported_at_the_cells_as_printed(db):
    data = xlsx(
        [
            TITLE,
            UNIT,
            ["行业", "武汉市", "长沙市"],
            ["13 农副食品加工业", "一千", 1],
            ["化学原料和化学制品制造业", 800, 2],
            ["C39", 3000, -3],
        ]
    )
    with pytest.raises(BenchmarkError) as e:
        parse_benchmark_xlsx(data)
    got = {(x.row, x.column, x.value, x.message) for x in e.value.errors}
    assert (4, "B列·13 农副食品加工业", "一千", "不是数字") in got  # the cell B4 of the file
    assert (6, "C列·C39", "-3", "不能为负数") in got  # the cell C6


def test_every_problem_is_reported_with_row_column_value_and_reason(db):
    data = book(
        ["武汉市", "一千", 800, -3, 1],
        ["", 1, 2, 3, 6],
        ["武汉市", 1, 2, 3, 6],
    )
    with pytest.raises(BenchmarkError) as e:
        parse_benchmark_xlsx(data)
    got = {(x.row, x.column, x.value, x.message) for x in e.value.errors}
    assert (4, "13 农副食品加工业", "一千", "不是数字") in got
    assert (4, "C39", "-3", "不能为负数") in got
    assert (5, "地区", "", "缺少地区名称") in got
    assert (6, "地区", "武汉市", "与第4行的地区重复") in got
    assert str(e.value).startswith("第4行［13 农副食品加工业］值“一千”：不是数字")


def test_a_table_without_unit_or_with_classes_finer_than_divisions_is_refused(db):
    with pytest.raises(BenchmarkError, match="请在标题或表头中注明产值单位"):
        parse_benchmark_xlsx(book(["武汉市", 1, 2, 3, 6], unit=[""]))
    with pytest.raises(BenchmarkError, match="“1351”不是两位的国民经济行业大类代码"):
        parse_benchmark_xlsx(book(["武汉市", 1, 2, 3], header=["地区", "13", "1351", "39"]))
    with pytest.raises(BenchmarkError, match="找不到行业表头"):
        parse_benchmark_xlsx(xlsx([["地区", "产值"], ["武汉市", 1]]))


def test_the_template_reads_back_as_an_empty_table_of_every_manufacturing_division(db):
    regions, industries, x = parse_benchmark_xlsx(template_xlsx(2023))
    assert regions == ["武汉市", "岳阳市"] and industries == [f"{c}" for c in range(13, 44)] and x.sum() == 0


def test_wanyuan_tables_and_csv_files_are_read_too(db):
    data = csv_bytes([["2022年 工业总产值(万元)"], ["地区", "13", "39"], ["黄石市", "1,200", "300"]])
    regions, industries, x = parse_benchmark_xlsx(data, filename="年鉴.csv")
    assert (regions, industries, x.tolist()) == (["黄石市"], ["13", "39"], [[1200.0, 300.0]])


def run(user, data, **options):
    return BenchmarkImporter(user=user, options=options).run(data, "湖北统计年鉴2024.xlsx")


def test_the_city_imports_benchmarks_all_or_nothing_and_audited(users):
    data = book(["武汉市", 1200.5, 800, 3000, 5000.5], ["长沙市", 0, 400, 1500, 1900])
    out = run(users["admin"], data)
    assert out.ok and (out.batch.created, out.batch.updated, out.batch.unchanged) == (6, 0, 0)
    f = BenchmarkFigure.objects.get(region="武汉市", industry_code="13")
    assert (f.year, f.output, f.source, f.batch) == (2023, Decimal("12005000"), "湖北统计年鉴2024", out.batch)
    assert AuditLog.objects.filter(action="import", object_id=str(out.batch.pk)).count() == 1
    again = run(users["admin"], book(["武汉市", 1300, 800, 3000, 5100], ["长沙市", 0, 400, 1500, 1900]))
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 1, 5)
    bad = run(users["admin"], book(["武汉市", 9, 9, 9, 27], ["长沙市", "x9", 9, 9, 27]))
    assert not bad.ok and BenchmarkFigure.objects.get(region="武汉市", industry_code="13").output == 13_000_000


def test_only_the_city_imports_and_the_citys_own_counties_are_not_benchmarks(users):
    out = run(users["xianan"], book(["武汉市", 1, 2, 3, 6]))
    assert not out.ok and "只有市级管理员" in out.errors[0].message
    out = run(users["admin"], book(["嘉鱼县", 1, 2, 3, 6], ["武汉市", 1, 2, 3, 6]))
    assert [(e.row, e.value) for e in out.errors] == [(4, "嘉鱼县")] and "对标地区应为市外地区" in out.errors[0].message
    out = run(users["admin"], book(["武汉市", 1, 2, 3, 6], title=["各地区工业总产值"]))
    assert "请在标题中注明数据年份" in out.errors[0].message
    assert run(users["admin"], book(["武汉市", 1, 2, 3, 6], title=["各地区工业总产值"]), year="2021").ok
    assert not BenchmarkFigure.objects.exclude(year=2021).exists()


def test_merging_puts_counties_first_over_the_union_of_divisions():
    regions, cols, x = merge_benchmarks(
        ["咸安区", "嘉鱼县"], ["13", "26"], np.array([[1.0, 2.0], [3.0, 4.0]]),
        ["武汉市", "咸安区"], ["13", "39"], np.array([[10.0, 20.0], [99.0, 99.0]]),
    )  # fmt: skip
    assert regions == ["咸安区", "嘉鱼县", "武汉市"] and cols == ["13", "26", "39"]
    assert x.tolist() == [[1, 2, 0], [3, 4, 0], [10, 0, 20]]


def test_the_relatedness_matrix_and_page_include_the_latest_benchmark_year(regions, users, login):
    month = dt.date(2025, 6, 1)
    for county, code, output in (("咸安区", "1311", 900), ("嘉鱼县", "2611", 800), ("咸宁高新区", "3911", 700)):
        e = EnterpriseFactory(county=regions[county], industry_code=IndustryCode.objects.get(code=code))
        MonthlyFigure.objects.create(enterprise=e, month=month, source="stats", output=Decimal(output))
    for region, code, output in (("武汉市", "13", 500), ("武汉市", "36", 900), ("武汉市", "06", 50), ("旧年", "13", 1)):
        BenchmarkFigure.objects.create(region=region, year=2023 if region != "旧年" else 2020, industry_code=code,
                                       output=Decimal(output))  # fmt: skip
    m = relatedness_matrix(until=month)
    assert m.regions == ["咸安区", "嘉鱼县", "咸宁高新区", "武汉市"] and m.benchmark_year == 2023
    assert [d for d, _ in m.divisions] == ["13", "26", "36", "39"]  # 06 (mining) is not in the matrix
    assert dict(m.divisions)["36"] == "汽车制造业"
    assert m.x[3].tolist() == [500, 0, 900, 0] and m.county_output == 2400
    page = login(users["admin"]).get("/relatedness/").content.decode()
    assert "纳入2023年1个对标地区" in page and "咸宁高新区" in page


def test_a_table_printed_the_other_way_round_without_a_corner_heading_reports_cells_and_words_as_printed(users):
    data = xlsx(
        [
            TITLE,
            UNIT,
            [None, "武汉市", "长沙市", "武汉市"],
            ["13 农副食品加工业", 1, None, 3],
            ["C39", 2, 5, 4],
            ["注：资料来源于统计年鉴"],
        ]
    )
    with pytest.raises(BenchmarkError) as e:
        parse_benchmark_xlsx(data)
    assert [(x.row, x.column, x.value, x.message) for x in e.value.errors] == [
        (3, "D列", "武汉市", "与B列的地区重复")  # the cell D3 names it again; B is the column of the first
    ]
    warnings = {(x.row, x.column, x.message) for x in e.value.warnings}
    assert (3, "C列", "1个行业为空或“—”，按0计（未生产或未公布）") in warnings  # 行业, not 列业
    assert (6, "A列", "无法识别的行，已忽略") in warnings  # the note is a row of the file


def test_a_citys_own_county_in_a_table_printed_the_other_way_round_is_reported_at_its_cell(users):
    data = xlsx([TITLE, UNIT, ["行业", "武汉市", "嘉鱼县"], ["13 农副食品加工业", 1, 2], ["C39", 2, 5]])
    out = run(users["admin"], data)
    assert [(e.row, e.column, e.value) for e in out.errors] == [(3, "C列·行业", "嘉鱼县")]  # the cell C3


def test_the_upload_page_offers_the_yearbook_template(users, login):
    resp = login(users["admin"]).get("/imports/template/benchmarks.xlsx")
    assert resp.status_code == 200
    regions, industries, _x = parse_benchmark_xlsx(resp.content)
    assert regions == ["武汉市", "岳阳市"] and industries[0] == "13"

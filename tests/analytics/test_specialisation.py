"""Location quotients and the strong-cluster rule (docs/decisions/0015), worked out by hand on three units' firms.

Firms (万元, one month): 咸安区 13 900 + 39 100, 嘉鱼县 13 200 + 26 800, 咸宁高新区 39 700 + 26 300 — the mini pack's
three county-level units, so 3 regions are compared and the top quarter is ceil(0.75) = 1 region.

Against the city (13: 1100, 26: 1100, 39: 800 of 3000): 咸安 13 = 0.9 / (1100/3000) = 2.4545, 39 = 0.1 / (800/3000) =
0.375; 嘉鱼 13 = 0.5455, 26 = 2.1818; 高新区 39 = 2.625, 26 = 0.8182.

Against 湖北省 (benchmark 2024: 13 5000, 26 3000, 39 2000 of 10000) with 黄石市 (13 100, 26 100, 39 800) as a peer: 4
regions, top quarter 1; 咸安 13 = 1.8, 嘉鱼 26 = 2.6667, 高新区 39 = 3.5 but 黄石 39 = 4.0 ranks first.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from chanye.analytics.specialisation import location_quotients, specialisation, top_ranks
from tests.helpers import three_county_firms

pytestmark = pytest.mark.django_db
M = dt.date(2025, 6, 1)


@pytest.fixture
def firms(regions):
    three_county_firms(regions, M)


@pytest.fixture
def hubei(firms):
    from chanye.analytics.models import BenchmarkFigure

    for region, figures in {"湖北省": (5000, 3000, 2000), "黄石市": (100, 100, 800)}.items():
        for code, v in zip(("13", "26", "39"), figures, strict=True):
            BenchmarkFigure.objects.create(region=region, year=2024, industry_code=code, output=Decimal(v))
    BenchmarkFigure.objects.create(region="湖北省", year=2026, industry_code="13", output=Decimal(1))  # after M: unused


def _lq(s, unit, division):
    c = next(c for c in s.cells if c.region.name == unit and c.division == division)
    return c


def test_location_quotients_against_the_city_by_hand(firms):
    s = specialisation(until=M)
    assert s.reference == "全市" and s.reference_year is None
    assert math.isclose(_lq(s, "咸安区", "13").lq, 0.9 / (1100 / 3000))
    assert math.isclose(_lq(s, "咸安区", "39").lq, 0.375)
    assert math.isclose(_lq(s, "嘉鱼县", "26").lq, 0.8 / (1100 / 3000))
    assert math.isclose(_lq(s, "咸宁高新区", "39").lq, 2.625)
    assert _lq(s, "咸安区", "13").share_of_county == pytest.approx(90.0)
    assert _lq(s, "咸安区", "13").reference_share is None  # only against a benchmark region


def test_strong_clusters_are_specialised_and_in_the_top_quarter(firms):
    s = specialisation(until=M)
    strong = {(c.region.name, c.division) for c in s.strong()}
    assert strong == {("咸安区", "13"), ("嘉鱼县", "26"), ("咸宁高新区", "39")}
    # second in 13 of three regions: outside the top quarter (1 of 3), and below 1 anyway
    assert _lq(s, "嘉鱼县", "13").rank == 2 and not _lq(s, "嘉鱼县", "13").strong
    assert _lq(s, "咸安区", "13").compared == 3


def test_against_a_benchmark_region_with_its_share_and_peers(hubei):
    s = specialisation(until=M, reference="湖北省")
    assert (s.reference, s.reference_year, s.peers) == ("湖北省", 2024, ["黄石市"])
    assert math.isclose(_lq(s, "咸安区", "13").lq, 1.8)
    assert math.isclose(_lq(s, "嘉鱼县", "26").lq, 0.8 / 0.3)
    assert math.isclose(_lq(s, "咸宁高新区", "26").lq, 1.0)
    assert _lq(s, "咸安区", "13").reference_share == pytest.approx(18.0)  # 900 of 湖北's 5000
    assert _lq(s, "咸宁高新区", "39").reference_share == pytest.approx(35.0)
    # 4 regions compared (3 units + 黄石), top quarter = 1: 黄石 leads 39 (4.0 > 3.5), so 高新区 is not strong there
    assert _lq(s, "咸宁高新区", "39").rank == 2 and _lq(s, "咸宁高新区", "39").compared == 4
    assert {(c.region.name, c.division) for c in s.strong()} == {("咸安区", "13"), ("嘉鱼县", "26")}


def test_an_unknown_reference_falls_back_to_the_city(hubei):
    s = specialisation(until=M, reference="火星")
    assert s.reference == "全市" and s.references == ["湖北省", "黄石市"]


def test_ties_share_the_better_rank_and_lq_is_zero_without_output():
    import numpy as np

    x = np.array([[10.0, 0.0], [10.0, 0.0], [0.0, 5.0]])
    assert top_ranks(location_quotients(x))[:, 0].tolist() == [1, 1, 3]
    assert location_quotients(np.zeros((2, 2))).tolist() == [[0, 0], [0, 0]]


def test_page_export_and_officer_scope_show_the_same_figures(hubei, users, login):
    from openpyxl import load_workbook

    admin = login(users["admin"])
    page = admin.get("/specialisation/?reference=湖北省").content.decode()
    assert "区县产业专业化" in page and "占湖北省(%)" in page and "优势集群（2个）" in page
    resp = admin.get("/specialisation/export.xlsx?reference=湖北省")
    rows = list(load_workbook(__import__("io").BytesIO(resp.content)).active.iter_rows(values_only=True))
    xianan = next(r for r in rows if r[0] == "咸安区" and r[1] == "13")
    assert xianan[5] == pytest.approx(1.8) and xianan[7] == pytest.approx(18.0) and xianan[8] == "是"
    officer = login(users["jiayu"]).get("/specialisation/").content.decode()
    assert "嘉鱼县" in officer and "咸安区" not in officer  # another county's division total can be one firm's output
    assert login(users["auditor"]).get("/specialisation/").status_code == 404


def test_the_api_gives_the_pages_figures_and_an_officer_its_own_unit(hubei, users, login):
    body = login(users["admin"]).get("/api/v1/specialisation?reference=湖北省&month=2025-06").json()
    assert (body["reference"], body["reference_year"], body["until"]) == ("湖北省", 2024, "2025-06")
    xianan = next(c for c in body["cells"] if c["county"] == "咸安区" and c["division"] == "13")
    assert (xianan["lq"], xianan["reference_share"], xianan["strong"]) == (1.8, 18.0, True)
    page = specialisation(until=M, reference="湖北省")
    assert len(body["cells"]) == len(page.cells)
    officer = login(users["jiayu"]).get("/api/v1/specialisation?month=2025-06").json()
    assert {c["county"] for c in officer["cells"]} == {"嘉鱼县"}

"""County assessment (HG-A-1, YY-P-3): share-of-target capped scoring, rank scoring, ranking, exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.targets.assessment import do_compute_assessment
from chanye.targets.models import IndicatorValue

pytestmark = pytest.mark.django_db
DEC = dt.date(2025, 12, 1)


def put(indicator, region, v, period=DEC, **kw):
    IndicatorValue.objects.create(indicator=indicator, period=period, region=region, value=Decimal(str(v)), **kw)


@pytest.fixture
def data(regions):
    xa, jy, gx = regions["咸安区"], regions["嘉鱼县"], regions["咸宁高新区"]
    put("above_scale_new_count", xa, 54)  # 54/45 = 1.2 → capped at 1.2 → 72
    put("above_scale_new_count", jy, 25)  # 25/50 = 0.5 → 30
    put("above_scale_new_count", gx, 10)  # no county target → 0
    put("above_scale_output", xa, 100)
    put("above_scale_output", jy, 300)  # rank 1 → 40
    put("above_scale_output", gx, 200)  # rank 2 → 20
    put("above_scale_output", xa, 999, period=dt.date(2025, 6, 1))  # an earlier month of the year is not used
    return {"xa": xa, "jy": jy, "gx": gx}


def test_hg_a_1_scores_by_share_capped_and_by_rank(data):
    run = do_compute_assessment(actor=SYSTEM, year=2025)
    s = {x.region.name: x for x in run.scores.select_related("region")}
    assert s["咸安区"].total == Decimal("72.00") and s["嘉鱼县"].total == Decimal("70.00")
    assert s["咸宁高新区"].total == Decimal("20.00")
    assert [s["咸安区"].rank, s["嘉鱼县"].rank, s["咸宁高新区"].rank] == [1, 2, 3]
    share = next(d for d in s["咸安区"].details if d["indicator"] == "above_scale_new_count")
    assert share["share"] == "1.2000" and share["target"] == "45.0000"
    assert (
        next(d for d in s["咸宁高新区"].details if d["indicator"] == "above_scale_new_count")["note"] == "未设区县目标"
    )


def test_yy_p_3_year_over_year_rank_change_and_recompute_is_idempotent(data):
    for r, v in ((data["xa"], 500), (data["jy"], 10), (data["gx"], 20)):
        put("above_scale_output", r, v, period=dt.date(2024, 12, 1))
    do_compute_assessment(actor=SYSTEM, year=2024)
    run = do_compute_assessment(actor=SYSTEM, year=2025)
    run = do_compute_assessment(actor=SYSTEM, year=2025)
    s = {x.region.name: x for x in run.scores.select_related("region")}
    assert s["嘉鱼县"].previous_rank is not None and s["嘉鱼县"].rank_change == s["嘉鱼县"].previous_rank - 2
    assert run.scores.count() == 3


def test_ties_share_the_better_rank(regions):
    for r in ("咸安区", "嘉鱼县", "咸宁高新区"):
        put("above_scale_output", regions[r], 100)
    run = do_compute_assessment(actor=SYSTEM, year=2025)
    assert sorted(run.scores.values_list("rank", flat=True)) == [1, 1, 1]


def test_pack_without_assessment_is_refused(regions):
    from chanye.industry.models import Pack

    p = Pack.objects.get()
    p.content = {**p.content, "assessment": None}
    p.save()
    with pytest.raises(ValidationError, match="没有规定年度考核"):
        do_compute_assessment(actor=SYSTEM, year=2025)


def test_pages_and_exports(client, users, data, login):
    c = login(users["admin"])
    assert c.post("/assessment/", {"year": 2025}).status_code == 302
    page = c.get("/assessment/?year=2025").content.decode()
    assert "咸安区" in page and "72.00" in page
    wb = load_workbook(io.BytesIO(c.get("/assessment/2025/export.xlsx").content))
    assert wb["排名"]["B3"].value == "咸安区" and wb["分项得分"].max_row == 7
    doc = Document(io.BytesIO(c.get("/assessment/2025/export.docx").content))
    assert "2025年区县产业集群年度考核结果" in doc.paragraphs[0].text
    assert doc.tables[0].rows[1].cells[1].text == "咸安区"
    card = c.get("/assessment/2025/421202/").content.decode()
    assert "得分卡" in card and "72.00" in card


def test_county_officer_sees_the_ranking_but_only_their_own_score_card(client, users, data, login):
    from chanye.targets.assessment import do_compute_assessment as compute

    compute(actor=SYSTEM, year=2025)
    c = login(users["jiayu"])
    assert "咸安区" in c.get("/assessment/?year=2025").content.decode()
    assert c.get("/assessment/2025/421221/").status_code == 200
    assert c.get("/assessment/2025/421202/").status_code == 404
    assert c.post("/assessment/", {"year": 2025}).status_code == 404


def test_the_page_opens_on_the_latest_computed_year_and_a_pack_without_assessment_says_so(client, users, data, login):
    from chanye.core.access import SYSTEM
    from chanye.industry.services import do_load_pack
    from tests.conftest import ROOT

    c = login(users["admin"])
    do_compute_assessment(actor=SYSTEM, year=2024)
    page = c.get("/assessment/").content.decode()
    assert "2024年" in page and 'id="compute"' in page and "尚未计算" not in page
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml")  # 鄂州's text sets no assessment
    page = c.get("/assessment/?year=2026").content.decode()
    assert "本市政策包没有规定年度考核" in page and 'id="compute"' not in page

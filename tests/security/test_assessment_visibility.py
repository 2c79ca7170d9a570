"""One rule for the assessment page, its score cards and its exports (issue 11, hole 4; HG-A-1, YY-P-3).

The ranking (total, rank, change) is published to every unit; the itemised score card of a county is for the city and
for that county only — on the page, in the .xlsx and in the .docx alike (`targets.selectors.assessment_view`).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.targets.assessment import do_compute_assessment
from chanye.targets.models import IndicatorValue

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def run(regions):
    for name, value in (("咸安区", 40), ("嘉鱼县", 25)):
        IndicatorValue.objects.create(
            indicator="above_scale_new_count", period=dt.date(YEAR, 12, 1), region=regions[name], value=value
        )
    return do_compute_assessment(actor=SYSTEM, year=YEAR)


def _xlsx(client):
    wb = load_workbook(io.BytesIO(client.get(f"/assessment/{YEAR}/export.xlsx").content))
    ranking = [r[1] for r in wb["排名"].iter_rows(min_row=3, values_only=True)]
    detail = {r[0] for r in wb["分项得分"].iter_rows(min_row=2, values_only=True)}
    return ranking, detail


def _docx(client):
    doc = Document(io.BytesIO(client.get(f"/assessment/{YEAR}/export.docx").content))
    ranking = [row.cells[1].text for row in doc.tables[0].rows[1:]]
    return ranking, "\n".join(p.text for p in doc.paragraphs)


def test_hole_4_a_county_officer_gets_every_rank_but_only_their_own_detail(users, login, run):
    c = login(users["xianan"])
    ranking, detail = _xlsx(c)
    assert {"咸安区", "嘉鱼县"} <= set(ranking)
    assert detail == {"咸安区"}
    ranking, text = _docx(c)
    assert {"咸安区", "嘉鱼县"} <= set(ranking)
    assert "咸安区：总分" in text and "嘉鱼县：总分" not in text
    page = c.get(f"/assessment/?year={YEAR}").content.decode()
    assert f"/assessment/{YEAR}/421202/" in page and f"/assessment/{YEAR}/421221/" not in page


def test_hole_4_the_card_of_another_county_is_not_found_and_audited(users, login, run):
    c = login(users["xianan"])
    assert c.get(f"/assessment/{YEAR}/421202/").status_code == 200
    assert c.get(f"/assessment/{YEAR}/421221/").status_code == 404
    assert AuditLog.objects.filter(
        action="denied", user=users["xianan"], object_type="targets.assessmentscore"
    ).exists()


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_city_wide_users_get_every_detail(users, login, run, who):
    c = login(users[who])
    _, detail = _xlsx(c)
    assert {"咸安区", "嘉鱼县"} <= detail
    _, text = _docx(c)
    assert "咸安区：总分" in text and "嘉鱼县：总分" in text
    assert c.get(f"/assessment/{YEAR}/421221/").status_code == 200

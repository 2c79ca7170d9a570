"""One fact, one figure (issue 13): each headline figure — 规上 count, new 规上, 规上 output of the year, projects by
colour, growth points, 技改, open alerts — read from every place that shows it (the dashboard, the 目标/indicator
values, the 月通报 page and its .xlsx/.docx, the API, the exports) for the same month and scope, and compared. A
difference is a definition written twice.

The world is this month's: the dashboard reads today's registry, the indicators and the bulletin the month's end, so
they must agree when nothing happened between the two."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.cultivation.analysis import analyze
from chanye.enterprises.models import MonthlyFigure, ScalePeriod
from chanye.projects.services import do_grade_month
from chanye.targets import indicators
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)
Y0 = dt.date(MONTH.year, 1, 1)


def months() -> list[dt.date]:
    return [dt.date(MONTH.year, m, 1) for m in range(1, MONTH.month + 1)]


@pytest.fixture
def world(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    firms = []
    for county, output, since in (
        (xa, 1000, dt.date(2020, 1, 1)),
        (xa, 700, dt.date(2021, 3, 1)),
        (jy, 500, dt.date(2019, 5, 1)),
        (jy, 300, Y0),
    ):  # the last: new this year
        e = EnterpriseFactory(county=county, is_above_scale=True)
        ScalePeriod.objects.create(enterprise=e, entered_on=since)
        for m in months():
            MonthlyFigure.objects.create(enterprise=e, month=m, output=Decimal(output))
        firms.append(e)
    near = EnterpriseFactory(county=xa, is_above_scale=False)  # invoices at 90 % of the 2000万元 line: approaching
    for m in [MONTH] + [
        dt.date(MONTH.year - (MONTH.month <= k), (MONTH.month - k - 1) % 12 + 1, 1) for k in range(1, 6)
    ]:
        MonthlyFigure.objects.create(enterprise=near, month=m, source="tax", invoice_sales=Decimal(300))
    from chanye.analytics.services import refresh_month_summaries

    refresh_month_summaries()
    early = Y0 if MONTH.month > 1 else MONTH
    for county, kw in (
        (xa, {"expected_output": Decimal(5000)}),  # a growth point (≥ 2000万元)
        (xa, {"started_on": early, "kind": "upgrade", "investment": Decimal("0.08")}),  # 技改 ≥ 500万元, building
        (jy, {"expected_output": Decimal(2500), "started_on": early}),
        (jy, {}),
    ):
        ProjectFactory(county=county, signed_on=early, **kw)
    do_grade_month(actor=SYSTEM, month=MONTH)
    indicators.refresh(MONTH)
    analyze(MONTH)
    return firms


def city(code: str) -> Decimal:
    return next(
        r.value for r in indicators.compute(MONTH) if r.indicator == code and r.region_id is None and not r.params_key
    )


def xlsx_rows(data: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


def test_above_scale_count_new_entries_and_output(world, users, login):
    c = login(users["admin"])
    kpis = c.get("/").context["kpis"]
    assert kpis["above"] == city("above_scale_count") == 4
    assert kpis["new"] == city("above_scale_new_count") == 1
    assert round(kpis["ytd_output"], 4) == city("above_scale_output") == Decimal(2500 * MONTH.month) / 10000
    api = c.get("/api/v1/enterprises/", {"above_scale": "1"}).json()
    assert api["count"] == 4
    export = xlsx_rows(c.get("/enterprises/export.xlsx").content)
    assert sum(1 for r in export if "是" in r) == 4


def test_projects_by_colour_on_the_board_the_bulletin_its_files_and_the_api(world, users, login):
    c = login(users["admin"])
    board = {t["colour"]: t["n"] for t in c.get("/projects/").context["board"]["totals"]}
    page = c.get("/projects/bulletin/", {"month": f"{MONTH:%Y-%m}"}).context["d"]
    bulletin = dict(page["board"]["totals"])
    assert board == {k: bulletin.get(k, 0) for k in board}
    assert sum(board.values()) == page["board"]["total"] == 4
    for colour, n in board.items():
        assert c.get("/api/v1/projects/", {"colour": colour}).json()["count"] == n
    sheet = [
        r
        for r in xlsx_rows(c.get("/projects/bulletin.xlsx", {"month": f"{MONTH:%Y-%m}"}).content)
        if r and r[0] == "合计"
    ]
    assert sheet[0][1 : 1 + len(board)] == tuple(board[k] for k in ("green", "blue", "yellow", "red"))
    doc = Document(io.BytesIO(c.get("/projects/bulletin.docx", {"month": f"{MONTH:%Y-%m}"}).content))
    total_row = [cell.text for cell in doc.tables[0].rows[-1].cells]
    assert total_row == ["合计", *(str(board[k]) for k in ("green", "blue", "yellow", "red")), str(sum(board.values()))]


def test_growth_points_and_tech_upgrades_on_their_pages_and_the_bulletin(world, users, login):
    c = login(users["admin"])
    bulletin = c.get("/projects/bulletin/", {"month": f"{MONTH:%Y-%m}"}).context["d"]
    growth = c.get("/projects/growth-points/").context["g"]
    assert growth["n"] == bulletin["growth"]["n"] == 2
    assert growth["output"] == bulletin["growth"]["output"] == Decimal("0.75")  # (5000 + 2500) 万元
    tech = c.get("/projects/tech-upgrade/").context["t"]
    assert (
        (tech["n"], tech["investment"])
        == (bulletin["tech"]["n"], bulletin["tech"]["investment"])
        == (1, Decimal("0.08"))
    )


def test_open_alerts_on_the_page_the_api_and_the_export(world, users, login):
    for who in ("admin", "xianan"):
        c = login(users[who])
        counts = c.get("/alerts/").context["counts"]
        api = c.get("/api/v1/alerts/", {"status": "open"}).json()
        assert counts["approach"] == sum(1 for a in api if a["kind"] == "approach") == 1
        rows = xlsx_rows(c.get("/cultivation/alerts.xlsx").content)
        assert sum(1 for r in rows if r and "接近规上门槛" in r) == counts["approach"]

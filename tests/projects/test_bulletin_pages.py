"""The bulletin page and its exports (月通报, YY-P-3) are scoped like every project page — a county officer gets their
county, the city and viewers everything, auditors and enterprise users nothing (404) — and the CLI writes the same
document, refusing a bad month in Chinese with a non-zero exit."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from tests.factories import EnterpriseFactory, UserFactory
from tests.projects.portfolio import make_portfolio

pytestmark = pytest.mark.django_db
URL = "/projects/bulletin/?month=2025-06"


@pytest.fixture
def portfolio(regions):
    return make_portfolio(regions)


def _board(r):
    return {row["region"].name: row["total"] for row in r.context["d"]["board"]["rows"]}


def test_city_admin_and_viewer_see_every_county(portfolio, users, login):
    for who in ("admin", "viewer"):
        r = login(users[who]).get(URL)
        assert r.status_code == 200
        assert _board(r) == {"咸安区": 5, "嘉鱼县": 4, "咸宁高新区": 1}
        html = r.content.decode()
        assert "咸宁市工业项目建设月通报（2025年6月）" in html and 'id="chart-board"' in html
        # vendored, nothing loaded from elsewhere (a generated credit code may well contain the letters "cdn")
        assert "vendor/echarts/echarts.min.js" in html and not re.search(r'src="(https?:)?//', html)
        assert 'id="bulletin-chart-data"' in html


def test_a_county_officer_sees_only_their_county(portfolio, users, login):
    r = login(users["xianan"]).get(URL)
    assert r.status_code == 200 and _board(r) == {"咸安区": 5}
    html = r.content.decode()
    assert "P10项目" in html and "P5项目" not in html  # overdue projects of 嘉鱼 are not listed
    r = login(users["jiayu"]).get(URL)
    assert _board(r) == {"嘉鱼县": 4} and r.context["d"]["overdue"]["milestones"] == 14


@pytest.mark.parametrize("who", ["auditor", "sysadmin", "qiye"])
def test_other_roles_find_nothing(portfolio, users, login, regions, who):
    users["qiye"] = UserFactory(
        username="qiye", role="enterprise", enterprise=EnterpriseFactory(county=regions["咸安区"])
    )
    c = login(users[who])
    for url in (URL, "/projects/bulletin.docx?month=2025-06", "/projects/bulletin.xlsx?month=2025-06"):
        assert c.get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(client, portfolio):
    r = client.get(URL)
    assert r.status_code == 302 and "/accounts/login" in r["Location"]


def test_bad_and_future_months_are_refused_in_chinese(portfolio, users, login):
    c = login(users["admin"])
    r = c.get("/projects/bulletin/?month=2025-13")
    assert r.status_code == 200 and "月份“2025-13”无法识别" in r.content.decode()
    r = c.get("/projects/bulletin/?month=2099-01")
    assert "在未来" in r.content.decode()


def test_exports_are_scoped_and_audited(portfolio, users, login):
    c = login(users["xianan"])
    r = c.get("/projects/bulletin.docx?month=2025-06")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    doc = Document(io.BytesIO(r.content))
    names = {row.cells[0].text for t in doc.tables for row in t.rows}
    assert "咸安区" in names and "嘉鱼县" not in names
    r = c.get("/projects/bulletin.xlsx?month=2025-06")
    wb = load_workbook(io.BytesIO(r.content))
    cells = {v for ws in wb for row in ws.iter_rows(values_only=True) for v in row}
    assert "咸安区" in cells and "嘉鱼县" not in cells
    assert AuditLog.objects.filter(action="export", message__contains="月通报").count() == 2
    assert c.get("/projects/bulletin.pdf?month=2025-06").status_code == 404


def test_growth_point_and_tech_pages_are_scoped(portfolio, users, login):
    c = login(users["jiayu"])
    r = c.get("/projects/growth-points/?year=2025")
    assert r.status_code == 200 and [p.code for p in r.context["page"]] == ["P6"]
    r = c.get("/projects/tech-upgrade/?year=2025")
    assert [p.code for p in r.context["page"]] == ["P5"]
    assert login(users["auditor"]).get("/projects/growth-points/").status_code == 404


def test_cli_writes_the_bulletin(portfolio, tmp_path, capsys):
    out = tmp_path / "月通报.docx"
    call_command("report", "bulletin", "--month", "2025-06", "--out", str(out))
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "咸宁市工业项目建设月通报（2025年6月）"
    assert "在库项目10个" in capsys.readouterr().out
    xl = tmp_path / "b.bin"
    call_command(
        "report", "bulletin", "--month", "2025年6月", "--format", "xlsx", "--out", str(xl), "--region", "嘉鱼县"
    )
    wb = load_workbook(io.BytesIO(xl.read_bytes()))
    assert wb["项目四色分布"]["A1"].value == "咸宁市工业项目建设月通报（2025年6月）（嘉鱼县）"


def test_cli_refuses_a_bad_month_with_a_non_zero_exit(portfolio, tmp_path, capsys):
    from chanye.cli import main

    with pytest.raises(CommandError, match="月份“2025-13”无法识别"):
        call_command("report", "bulletin", "--month", "2025-13", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="在未来"):
        call_command("report", "bulletin", "--month", "2099-01", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="找不到区县"):
        call_command("report", "bulletin", "--month", "2025-06", "--out", str(tmp_path / "x.docx"), "--region", "火星")
    with pytest.raises(SystemExit) as e:
        main(["report", "bulletin", "--month", "abc", "--out", str(tmp_path / "x.docx")])
    assert e.value.code == 1 and "无法识别" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_the_page_costs_the_same_queries_for_ten_or_a_hundred_projects(portfolio, users, client, regions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chanye.projects.services import do_grade_month
    from tests.factories import ProjectFactory

    do_grade_month(actor=SYSTEM, month=dt.date(2025, 5, 1))
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 6, 1))
    client.force_login(users["admin"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(90):
        ProjectFactory(
            county=regions["嘉鱼县" if i % 2 else "咸安区"],
            signed_on=dt.date(2025, 1 + i % 6, 3),
            started_on=dt.date(2025, 6, 1) if i % 3 == 0 else None,
            expected_output=Decimal(3000),
        )
    # no query per project: 34, plus one or two per registered data source for the overdue-data sentence (数据更新)
    assert count() == before <= 48

"""YY-P-3 (益阳, seeds/004): “实行‘月通报’‘季调度’‘年考评’” — the 益阳 pack states `dispatch: quarter`; the 季调度
of a quarter gives per industry (the pack's top-level clusters, 千亿级产业) and per county: projects by colour at the
quarter end, new starts and productions in the quarter with their investment, the portfolio's investment, and the
issues raised and closed in the quarter (一单三制) — as a page, .docx and .xlsx built from the bulletin's functions.
Packs without the setting show nothing of it.

Hand-built, quarter 2025Q2 (04-01 … 06-30), month 2025-06 not graded (colours from the dates):

    d1  A  电容器产业 (→ 电子信息产业)  12亿  signed 01-10  started 04-01                → blue, Q2 start
    d2  A  新材料产业                   8亿  signed 02-01  started 02-15  producing 06-30 → green, Q2 production
    d3  B  电子信息产业                20亿  signed 03-31                                → yellow
    d4  B  (no cluster)                 5亿  signed 01-05  started 03-31  exited 05-20   → red, Q1 start, not live
    d5  A  新材料产业                   3亿  signed 07-01                                → not yet in the portfolio
    issues: i1 on d1 raised 03-31 closed 04-01 (closed in Q2); i2 on d3 raised 04-01 open; i3 on d2 raised 06-30
            closed 07-01 (open at the end of Q2); i4 on d4 raised 07-01 (after the quarter)

    total     G1 B1 Y1 R1 = 4, investment 40亿 (d1+d2+d3), starts 1 / 12亿, productions 1 / 8亿, issues 2 raised,
              1 closed, 2 open
    电子信息   B1 Y1 = 2, 32亿, starts 1 / 12亿, issues 1 raised (i2), 1 closed (i1), 1 open
    新材料     G1 = 1, 8亿, productions 1 / 8亿, issues 1 raised (i3), 0 closed, 1 open
    未归类产业 R1 = 1, 0亿
    A          G1 B1 = 2, 20亿, starts 1 / 12亿, productions 1 / 8亿, issues 1 raised (i3), 1 closed (i1), 1 open
    B          Y1 R1 = 2, 20亿, issues 1 raised (i2), 0 closed, 1 open
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.industry.models import Cluster
from chanye.industry.services import do_load_pack
from chanye.projects import dispatch as dispatch_mod
from chanye.projects import stats
from chanye.projects.bulletin_tables import number_text
from chanye.projects.models import ProjectIssue
from chanye.projects.quarters import Quarter
from chanye.regions.models import Region
from tests.conftest import ROOT
from tests.factories import ProjectFactory, UserFactory

PACKS = ROOT / "packs"
YIYANG = PACKS / "yiyang-2025.yaml"
WITHOUT = {
    "xianning": PACKS / "xianning-2025.yaml",
    "ezhou": PACKS / "ezhou-2027.yaml",
    "huanggang": PACKS / "huanggang-2025.yaml",
}
D = dt.date
Q2 = Quarter(2025, 2)


@pytest.fixture
def yiyang(empty_db):
    do_load_pack(actor=SYSTEM, path=YIYANG)
    a, b = list(Region.objects.county_level().order_by("sort_order", "code"))[:2]
    cl = {c.code: c for c in Cluster.objects.all()}
    d1 = ProjectFactory(
        name="电容一号", county=a, cluster=cl["yy-capacitors"], investment=Decimal(12), signed_on=D(2025, 1, 10),
        started_on=D(2025, 4, 1),
    )  # fmt: skip
    d2 = ProjectFactory(
        name="材料二号", county=a, cluster=cl["yy-new-materials"], investment=Decimal(8), signed_on=D(2025, 2, 1),
        started_on=D(2025, 2, 15), producing_on=D(2025, 6, 30),
    )  # fmt: skip
    d3 = ProjectFactory(
        name="电子三号", county=b, cluster=cl["yy-electronics"], investment=Decimal(20), signed_on=D(2025, 3, 31)
    )
    d4 = ProjectFactory(
        name="退出四号", county=b, investment=Decimal(5), signed_on=D(2025, 1, 5), started_on=D(2025, 3, 31),
        exited_on=D(2025, 5, 20), exit_reason="企业自身原因",
    )  # fmt: skip
    ProjectFactory(
        name="材料五号", county=a, cluster=cl["yy-new-materials"], investment=Decimal(3), signed_on=D(2025, 7, 1)
    )
    for project, raised, closed in (
        (d1, D(2025, 3, 31), D(2025, 4, 1)),
        (d3, D(2025, 4, 1), None),
        (d2, D(2025, 6, 30), D(2025, 7, 1)),
        (d4, D(2025, 7, 1), None),
    ):
        ProjectIssue.objects.create(
            project=project,
            raised_on=raised,
            content=f"{project.name}的问题",
            department="市工业和信息化局",
            closed_on=closed,
            status="closed" if closed else "assigned",
        )
    return {"a": a, "b": b}


def _figures(r):
    return (
        r["colours"],
        r["total"],
        r["investment"],
        (r["started"], r["started_investment"]),
        (r["producing"], r["producing_investment"]),
        (r["issues_raised"], r["issues_closed"], r["issues_open"]),
    )


def colours(green=0, blue=0, yellow=0, red=0):
    return {"green": green, "blue": blue, "yellow": yellow, "red": red}


def test_yy_p_3_yiyang_pack_states_the_quarterly_dispatch_with_the_text():
    text = YIYANG.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["projects"]["dispatch"] == "quarter"
    assert "季调度" in text


def test_yy_p_3_dispatch_per_industry_and_county_by_hand(yiyang):
    a, b = yiyang["a"], yiyang["b"]
    assert dispatch_mod.stated()
    d = dispatch_mod.dispatch(Q2)
    assert d["end"] == D(2025, 6, 30) and not d["graded"]
    z = Decimal(0)
    assert _figures(d["total"]) == (colours(1, 1, 1, 1), 4, Decimal(40), (1, Decimal(12)), (1, Decimal(8)), (2, 1, 2))
    ind = {r["name"]: _figures(r) for r in d["industries"]}
    assert list(ind)[:2] == ["电子信息产业", "新材料产业"] and list(ind)[-1] == dispatch_mod.UNCLASSIFIED
    assert ind["电子信息产业"] == (colours(blue=1, yellow=1), 2, Decimal(32), (1, Decimal(12)), (0, z), (1, 1, 1))
    assert ind["新材料产业"] == (colours(green=1), 1, Decimal(8), (0, z), (1, Decimal(8)), (1, 0, 1))
    assert ind[dispatch_mod.UNCLASSIFIED] == (colours(red=1), 1, z, (0, z), (0, z), (0, 0, 0))
    county = {r["region"].pk: _figures(r) for r in d["counties"]}
    assert county[a.pk] == (colours(green=1, blue=1), 2, Decimal(20), (1, Decimal(12)), (1, Decimal(8)), (1, 1, 1))
    assert county[b.pk] == (colours(yellow=1, red=1), 2, Decimal(20), (0, z), (0, z), (1, 0, 1))
    # the rows add up to the total, both ways
    for rows in (d["industries"], d["counties"]):
        assert sum(r["total"] for r in rows) == 4 and sum(r["issues_raised"] for r in rows) == 2


def test_yy_p_3_same_definitions_as_the_monthly_bulletin(yiyang):
    """One fact, one definition: the quarter's colours are the bulletin's board at the quarter's last month, and its
    starts, productions and issues are the three months' bulletin figures added up."""
    sc = stats.scope()
    d = dispatch_mod.dispatch(Q2)
    board = stats.colour_board(sc, D(2025, 6, 1))
    assert d["total"]["colours"] == board["totals"]
    for row in d["counties"]:
        assert row["colours"] == next(r["counts"] for r in board["rows"] if r["region"].pk == row["region"].pk)
    months = [D(2025, m, 1) for m in (4, 5, 6)]
    mv = [stats.movements(sc, m)["totals"] for m in months]
    assert d["total"]["started"] == sum(x["started"] for x in mv)
    assert d["total"]["producing"] == sum(x["producing"] for x in mv)
    assert d["total"]["started_investment"] == sum(x["started_investment"] for x in mv)
    iss = [stats.issues(sc, m) for m in months]
    assert d["total"]["issues_raised"] == sum(x["raised"] for x in iss)
    assert d["total"]["issues_closed"] == sum(x["closed"] for x in iss)
    assert d["total"]["issues_open"] == iss[-1]["open"]


def _docx_rows(content: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(content))
    return [[c.text for c in row.cells] for t in doc.tables for row in t.rows]


def _xlsx_rows(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content))
    return [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]


def test_yy_p_3_page_docx_and_xlsx_show_the_same_figures(yiyang, client):
    client.force_login(UserFactory(username="yy-admin", role="city_admin"))
    page = client.get("/projects/dispatch/?quarter=2025Q2")
    assert page.status_code == 200
    html = page.content.decode()
    docx = client.get("/projects/dispatch.docx?quarter=2025Q2")
    xlsx = client.get("/projects/dispatch.xlsx?quarter=2025Q2")
    assert docx.status_code == xlsx.status_code == 200
    docx_rows, xlsx_rows = _docx_rows(docx.content), _xlsx_rows(xlsx.content)
    d = dispatch_mod.dispatch(Q2)
    tables = [t for s in dispatch_mod.sections(d) for t in s["tables"]]
    assert len(tables) == 2
    for t in tables:
        for row in [*t["rows"], t["total"]]:
            text = [number_text(v) for v in row]
            assert text in docx_rows, text
            assert [float(v) if isinstance(v, Decimal) else v for v in row] in [r[: len(row)] for r in xlsx_rows], row
            page_row = "".join(f"<td>{v}</td>" for v in text)
            assert page_row in html, page_row
    assert dispatch_mod.summary(d) in html
    assert "在库总投资40亿元" in dispatch_mod.summary(d)
    assert AuditLog.objects.filter(action="export", message__contains="季调度").count() == 2


def test_yy_p_3_county_officer_sees_only_their_county(yiyang, client):
    a, b = yiyang["a"], yiyang["b"]
    officer = UserFactory(username="yy-officer", role="county_officer", region=a)
    d = dispatch_mod.dispatch(Q2, user=officer)
    assert [r["region"].pk for r in d["counties"]] == [a.pk]
    assert d["total"]["total"] == 2 and d["total"]["investment"] == Decimal(20)
    assert d["total"]["issues_raised"] == 1 and d["total"]["issues_closed"] == 1
    ind = {r["name"]: r for r in d["industries"]}
    assert ind["电子信息产业"]["total"] == 1 and ind[dispatch_mod.UNCLASSIFIED]["total"] == 0
    client.force_login(officer)
    html = client.get("/projects/dispatch/?quarter=2025Q2").content.decode()
    assert b.name not in html and a.name in html
    for fmt in ("docx", "xlsx"):
        resp = client.get(f"/projects/dispatch.{fmt}?quarter=2025Q2")
        assert resp.status_code == 200
        rows = _docx_rows(resp.content) if fmt == "docx" else _xlsx_rows(resp.content)
        assert not any(b.name in str(v) for r in rows for v in r)


def test_yy_p_3_board_and_bulletin_link_the_page(yiyang, client):
    client.force_login(UserFactory(username="yy-admin2", role="city_admin"))
    assert 'id="link-dispatch"' in client.get("/projects/").content.decode()
    assert 'id="link-dispatch"' in client.get("/projects/bulletin/?month=2025-06").content.decode()


@pytest.mark.parametrize("name", list(WITHOUT))
def test_yy_p_3_packs_without_the_setting_show_nothing_of_it(empty_db, client, name):
    do_load_pack(actor=SYSTEM, path=WITHOUT[name])
    assert not dispatch_mod.stated()
    client.force_login(UserFactory(username="no-dispatch", role="city_admin"))
    for url in ("/projects/dispatch/", "/projects/dispatch.xlsx", "/projects/dispatch.docx"):
        assert client.get(url).status_code == 404, url
    assert "季调度" not in client.get("/projects/").content.decode()
    assert "季调度" not in client.get("/projects/bulletin/?month=2025-06").content.decode()


def test_yy_p_3_page_docx_and_xlsx_carry_the_same_colour_charts(yiyang, client):
    """One chart definition (`dispatch.colour_charts`) per table: ECharts data on the page, a picture in the .docx, a
    native stacked chart beside the table in the .xlsx — each the table's colour columns."""
    client.force_login(UserFactory(username="yy-admin", role="city_admin"))
    d = dispatch_mod.dispatch(Q2)
    sections = dispatch_mod.sections(d)
    specs = dispatch_mod.colour_charts(d, sections)
    assert [c["id"] for c in specs] == ["industries", "counties"]
    counties = next(t for s in sections for t in s["tables"] if t.get("chart") == "counties")
    green = next(s for s in specs[1]["series"] if s["code"] == "green")
    assert specs[1]["categories"] == [r[0] for r in counties["rows"]]
    assert green["values"] == [r[1] for r in counties["rows"]]  # the table's 绿色 column

    html = client.get("/projects/dispatch/?quarter=2025Q2").content.decode()
    assert 'id="chart-industries"' in html and 'id="chart-counties"' in html and "cadence_charts.js" in html
    doc = Document(io.BytesIO(client.get("/projects/dispatch.docx?quarter=2025Q2").content))
    assert len(doc.inline_shapes) == 2
    wb = load_workbook(io.BytesIO(client.get("/projects/dispatch.xlsx?quarter=2025Q2").content))
    assert sum(len(ws._charts) for ws in wb.worksheets) == 2

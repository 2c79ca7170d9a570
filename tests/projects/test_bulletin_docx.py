"""The bulletin documents (月通报, YY-P-3): the .docx opens with python-docx and holds the title, the tables with the
hand-computed numbers (tests/projects/portfolio.py) and the charts as pictures — also on a machine without a CJK
font; the .xlsx opens with openpyxl and carries native bar charts."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from chanye.projects import bulletin, charts, reports
from tests.projects.portfolio import JUNE, make_portfolio

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def d(regions):
    make_portfolio(regions)
    return bulletin.bulletin(JUNE)


def _tables(doc):
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def _find(tables, header):
    return next(t for t in tables if t[0][: len(header)] == header)


def test_yy_p_3_docx_title_tables_and_pictures(d):
    doc = Document(io.BytesIO(reports.bulletin_docx(d)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "咸宁市工业项目建设月通报（2025年6月）"
    assert "数据截至2025年06月30日" in text
    for heading in ("一、总体情况", "二、项目四色分布", "五、节点逾期", "六、建设速度"):
        assert heading in text
    # a document sent out carries no rule IDs (issue 13); the page keeps them as small references
    cells = [c for t in _tables(doc) for row in t for c in row]
    assert not re.search(r"[A-Z]{2}-[A-Z]{1,4}-\d", text + "".join(cells)), "rule IDs in the .docx"
    tables = _tables(doc)
    board = _find(tables, ["区县", "绿", "蓝", "黄", "红", "合计"])
    assert ["咸安区", "2", "2", "1", "0", "5"] in board and ["嘉鱼县", "0", "0", "3", "1", "4"] in board
    assert board[-1] == ["合计", "2", "2", "5", "1", "10"]
    overdue = _find(tables, ["区县", "逾期节点", "涉及项目"])
    assert ["嘉鱼县", "14", "3"] in overdue and overdue[-1] == ["合计", "20", "4"]
    speed = _find(tables, ["区县", "今年开工", "60天内", "超期", "平均天数"])
    assert speed[-1] == ["合计", "3", "2", "1", "56.7"]
    bands = _find(tables, ["总投资", "时限(月)"])
    assert ["5—10亿元（含5亿元）", "12", "1", "1", "0", "12"] in bands
    growth = _find(tables, ["区县", "今年入库", "年度目标", "预增产值(亿元)"])
    assert ["咸安区", "1", "25", "0.2"] in growth and growth[-1] == ["合计", "3", "50", "1"]
    tech = _find(tables, ["区县", "500万元以上", "年度目标", "1亿元以上"])
    assert ["嘉鱼县", "1", "60", "0", "10", "0.05"] in tech
    issues = _find(tables, ["责任单位", "问题数"])
    assert ["县自然资源局", "1", "0", "0", "—", "1", "1"] in issues
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(blobs) == 3 and all(b.startswith(PNG) for b in blobs)


def test_charts_render_without_a_cjk_font(d):
    images = reports.chart_images(d, cjk=False)
    assert set(images) == {"board", "changes", "overdue"} and all(v.startswith(PNG) for v in images.values())
    doc = Document(io.BytesIO(reports.bulletin_docx(d, cjk=False)))
    assert sum("image" in r.reltype for r in doc.part.rels.values()) == 3


def test_a_chart_with_no_categories_still_renders():
    png = charts.bar_chart(title=charts.Text("空", "empty"), categories=[], series=[], cjk=False)
    assert png.startswith(PNG)


def test_yy_p_3_xlsx_has_the_tables_and_native_charts(d):
    wb = load_workbook(io.BytesIO(reports.bulletin_xlsx(d)))
    assert wb.sheetnames[:3] == ["总体情况", "项目四色分布", "本月项目动态"]
    ws = wb["项目四色分布"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "咸宁市工业项目建设月通报（2025年6月）"
    assert ("咸安区", 2, 2, 1, 0, 5) in [r[:6] for r in rows]
    assert ("合计", 2, 2, 5, 1, 10) in [r[:6] for r in rows]
    assert len(ws._charts) == 1 and ws._charts[0].grouping == "stacked"
    assert len(wb["四色变化"]._charts) == 1 and len(wb["节点逾期"]._charts) == 1
    od = list(wb["节点逾期"].iter_rows(values_only=True))
    assert ("嘉鱼县", 14, 3) in [r[:3] for r in od]


def test_a_county_bulletin_names_its_county(regions, users):
    make_portfolio(regions)
    d = bulletin.bulletin(JUNE, user=users["jiayu"])
    doc = Document(io.BytesIO(reports.bulletin_docx(d)))
    assert doc.paragraphs[1].text == "（嘉鱼县）"
    board = _find(_tables(doc), ["区县", "绿", "蓝", "黄", "红", "合计"])
    assert [r[0] for r in board[1:]] == ["嘉鱼县", "合计"]

"""The monthly bulletin (月通报, YY-P-3) as documents — .docx (python-docx; tables and chart images from
`chanye.projects.charts`) and .xlsx (openpyxl with native bar charts) — and the growth-point (XN-GS-9) and 技改
(XN-JG-1/2) lists as .xlsx. The bulletin's sections and tables come from `chanye.projects.bulletin_tables`; everything
here formats what `chanye.projects.bulletin` computed; nothing is counted here."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chanye.core import xlsx
from chanye.projects import bulletin_tables, charts
from chanye.projects.bulletin_tables import number_text
from chanye.projects.charts import Series, Text

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
COLOUR_EN = {"green": "Green", "blue": "Blue", "yellow": "Yellow", "red": "Red"}
SECTIONS = "一二三四五六七八九十"


def _x(v: Any) -> Any:
    """A value for an .xlsx cell: Decimals as numbers."""
    return float(v) if isinstance(v, Decimal) else v


def chart_images(d: dict[str, Any], *, cjk: bool | None = None) -> dict[str, bytes]:
    """The three bulletin charts as PNG: colours × county (stacked), colour changes, overdue milestones by county."""
    b, ch, od = d["board"], d["changes"], d["overdue"]
    counties = [Text(r["region"].name, r["region"].code) for r in b["rows"]]
    return {
        "board": charts.bar_chart(
            title=Text("各区县项目四色分布", "Projects by colour and county"),
            categories=counties,
            series=[
                Series(Text(c["label"], COLOUR_EN[c["code"]]), [r["counts"][c["code"]] for r in b["rows"]], c["hex"])
                for c in d["colours"]
            ],
            stacked=True,
            unit=Text("个", "projects"),
            cjk=cjk,
        ),
        "changes": charts.bar_chart(
            title=Text("四色变化（与上月相比）", "Colour changes since last month"),
            categories=[Text(x["label"], f"{COLOUR_EN[x['from']]}->{COLOUR_EN[x['to']]}") for x in ch["transitions"]],
            series=[Series(Text("项目数", "projects"), [x["n"] for x in ch["transitions"]], "#6c757d")],
            unit=Text("个", "projects"),
            cjk=cjk,
        ),
        "overdue": charts.bar_chart(
            title=Text("各区县逾期节点", "Overdue milestones by county"),
            categories=[Text(r["region"].name, r["region"].code) for r in od["rows"]],
            series=[
                Series(Text("逾期节点", "milestones"), [r["milestones"] for r in od["rows"]], "#dc3545"),
                Series(Text("涉及项目", "projects"), [r["projects"] for r in od["rows"]], "#fd7e14"),
            ],
            unit=Text("个", "count"),
            cjk=cjk,
        ),
    }


def colour_chart_images(specs: Sequence[dict[str, Any]], *, cjk: bool | None = None) -> dict[str, bytes]:
    """PNG pictures of stacked colour charts (`dispatch.colour_charts`) for a .docx; category names fall back to
    numbers where no CJK font is installed."""
    return {
        c["id"]: charts.bar_chart(
            title=Text(c["title"], "Projects by colour"),
            categories=[Text(name, f"#{i + 1}") for i, name in enumerate(c["categories"])],
            series=[
                Series(Text(s["name"], COLOUR_EN.get(s["code"], s["code"])), s["values"], s["colour"])
                for s in c["series"]
            ],
            stacked=True,
            unit=Text("个", "projects"),
            cjk=cjk,
        )
        for c in specs
    }


def colour_charts_spec(specs: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same charts as native .xlsx charts beside their tables."""
    return {
        c["id"]: {
            "title": c["title"],
            "stacked": True,
            "colours": [s["colour"] for s in c["series"]],
            "cols": c["cols"],
        }
        for c in specs
    }


# ---------------------------------------------------------------- .docx


def _set_font(run: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _para(
    doc: Any,
    text: str,
    *,
    font: str = "仿宋",
    size: float = 12,
    bold: bool = False,
    align: Any = None,
    indent: bool = True,
) -> Any:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _set_font(p.add_run(text), font, size, bold)
    return p


def _docx_table(doc: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]], total: Sequence[Any] | None) -> Any:
    body = [list(r) for r in rows]
    if total is not None:
        body.append(list(total))
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(t.rows[0].cells, headers, strict=True):
        cell.text = ""
        _set_font(cell.paragraphs[0].add_run(h), "黑体", 10.5)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for k, r in enumerate(body):
        cells = t.add_row().cells
        for j, (cell, v) in enumerate(zip(cells, r, strict=True)):
            p = cell.paragraphs[0]
            _set_font(p.add_run(number_text(v)), "仿宋", 10.5, bold=total is not None and k == len(body) - 1)
            if j > 0 and (isinstance(v, int | float | Decimal) or v is None):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return t


def bulletin_docx(d: dict[str, Any], *, cjk: bool | None = None) -> bytes:
    """The bulletin as a Word document: title, scope, sections with tables, the three charts as pictures."""
    return sections_docx(
        title=d["title"],
        subtitle=d["subtitle"],
        end=d["end"],
        sections=bulletin_tables.tables(d),
        images=chart_images(d, cjk=cjk),
    )


def sections_docx(
    *, title: str, subtitle: str, end: Any, sections: Sequence[dict[str, Any]], images: dict[str, bytes] | None = None
) -> bytes:
    """A report (the 月通报, the 季调度 YY-P-3) as a Word document: title, scope, numbered sections of text and
    tables, a chart picture after a table that names one."""
    images = images or {}
    sections = distributable(sections)
    doc = Document()
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    doc.core_properties.title = title
    _para(doc, title, font="宋体", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if subtitle:
        _para(doc, f"（{subtitle}）", font="楷体", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(
        doc,
        f"数据截至{end:%Y年%m月%d日}　　生成于{timezone.localdate():%Y年%m月%d日}",
        font="楷体",
        size=11,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    for k, s in enumerate(sections):
        _para(doc, f"{_section_number(k)}、{s['title']}", font="黑体", size=14, indent=False)
        for text in s["text"]:
            _para(doc, text)
        for tbl in s["tables"]:
            if not tbl["rows"] and tbl.get("total") is None:
                continue
            if len(s["tables"]) > 1:
                _para(doc, tbl["name"], font="黑体", size=11, indent=False)
            _docx_table(doc, tbl["headers"], tbl["rows"], tbl.get("total"))
            if tbl.get("note"):
                _para(doc, tbl["note"], size=10, indent=False)
            if tbl.get("chart") in images:
                doc.add_picture(io.BytesIO(images[tbl["chart"]]), width=Cm(15.5))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


RULE_COLUMNS = ("依据", "规则", "规则编号")  # columns of rule IDs only: left out of documents sent out


def distributable(sections: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A report's sections as a document sent out shows them: without the platform's rule IDs (issue 13) in titles,
    text, table names, headers and notes; the page keeps them as small references."""
    from chanye.core.text import without_rule_ids as w

    def table(t: dict[str, Any]) -> dict[str, Any]:
        keep = [j for j, h in enumerate(t["headers"]) if h not in RULE_COLUMNS]

        def row(r: Sequence[Any]) -> list[Any]:
            return [w(r[j]) if isinstance(r[j], str) else r[j] for j in keep]

        out = {
            **t,
            "name": w(t.get("name", "")),
            "headers": [w(t["headers"][j]) for j in keep],
            "rows": [row(r) for r in t["rows"]],
        }
        if t.get("total") is not None:
            out["total"] = row(t["total"])
        if t.get("note"):
            out["note"] = w(t["note"])
        return out

    out = []
    for s in sections:
        tables = [table(t) for t in s["tables"]]
        out.append({**s, "title": w(s["title"]), "text": [w(x) for x in s["text"]], "tables": tables})
    return out


def _section_number(k: int) -> str:
    n = k + 1
    if n <= 10:
        return SECTIONS[n - 1]
    return "十" + SECTIONS[n - 11] if n < 20 else str(n)


# ---------------------------------------------------------------- .xlsx


def _ws_table(
    ws: Any, row: int, headers: Sequence[str], rows: Iterable[Sequence[Any]], total: Sequence[Any] | None = None
) -> tuple[int, int, int]:
    """Write a table at `row`; returns (header row, last data row without the total, next free row)."""
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=j, value=h)
        c.font, c.fill = BOLD, HEADER_FILL
        c.alignment = Alignment(horizontal="center")
    r = row
    for data in rows:
        r += 1
        for j, v in enumerate(data, start=1):
            ws.cell(row=r, column=j, value=_x(v))
    last = r
    if total is not None:
        r += 1
        for j, v in enumerate(total, start=1):
            ws.cell(row=r, column=j, value=_x(v)).font = BOLD
    return row, last, r + 2


def _bar(
    ws: Any,
    *,
    title: str,
    header_row: int,
    last_row: int,
    min_col: int,
    max_col: int,
    anchor: str,
    stacked: bool = False,
    colours: Sequence[str] = (),
    y_title: str = "个",
) -> None:
    """A native Excel column chart over a table written by `_ws_table` (categories in column A)."""
    if last_row <= header_row:
        return
    ch = BarChart()
    ch.type = "col"
    ch.title = title
    ch.y_axis.title = y_title
    ch.height, ch.width = 7.5, 16
    if stacked:
        ch.grouping, ch.overlap = "stacked", 100
    data = Reference(ws, min_col=min_col, max_col=max_col, min_row=header_row, max_row=last_row)
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row)
    ch.add_data(data, titles_from_data=True)
    ch.set_categories(cats)
    for s, colour in zip(ch.series, colours, strict=False):
        s.graphicalProperties.solidFill = colour.lstrip("#")
        s.graphicalProperties.line.solidFill = colour.lstrip("#")
    ws.add_chart(ch, anchor)


def bulletin_xlsx(d: dict[str, Any]) -> bytes:
    """The bulletin as a workbook: one sheet per section, native bar charts on the colour, change and overdue sheets."""
    charts_spec = {
        "board": {
            "title": "各区县项目四色分布",
            "stacked": True,
            "colours": [c["hex"] for c in d["colours"]],
            "cols": (2, 1 + len(d["colours"])),
        },
        "changes": {"title": "四色变化（与上月相比）", "colours": ["#6c757d"], "cols": (2, 2)},
        "overdue": {"title": "各区县逾期节点", "colours": ["#dc3545", "#fd7e14"], "cols": (2, 3)},
    }
    heading = d["title"] + (f"（{d['subtitle']}）" if d["subtitle"] else "")
    return sections_xlsx(heading=heading, sections=bulletin_tables.tables(d), charts_spec=charts_spec)


def sections_xlsx(
    *,
    heading: str,
    sections: Sequence[dict[str, Any]],
    charts_spec: dict[str, dict[str, Any]] | None = None,
    text_columns: Sequence[str] = ("项目编号",),
) -> bytes:
    """A report (the 月通报, the 季调度 YY-P-3, the quarterly concentrated starts HG-P-1) as a workbook: one sheet per
    section, its text, then its tables; a native bar chart beside a table that names one in `charts_spec`. Columns
    headed by a name in `text_columns` (project codes) are written as text."""
    charts_spec = charts_spec or {}
    sections = distributable(sections)
    wb = xlsx.workbook()
    first = True
    for s in sections:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = s["title"].split("（")[0][:31]
        ws.cell(row=1, column=1, value=heading).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1, value=s["title"]).font = BOLD
        row = 3
        for text in s["text"]:
            ws.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=False)
            row += 1
        row += 1
        chart_col = 1
        for tbl in s["tables"]:
            ws.cell(row=row, column=1, value=tbl["name"]).font = BOLD
            text_cols = [j for j, h in enumerate(tbl["headers"]) if h in text_columns]
            rows = tbl["rows"]
            if text_cols:
                rows = [[str(v) if j in text_cols and v is not None else v for j, v in enumerate(r)] for r in rows]
            header_row, last, row = _ws_table(ws, row + 1, tbl["headers"], rows, tbl.get("total"))
            chart_col = max(chart_col, len(tbl["headers"]) + 2)
            spec = charts_spec.get(tbl.get("chart", ""))
            if spec:
                _bar(
                    ws,
                    title=spec["title"],
                    header_row=header_row,
                    last_row=last,
                    min_col=spec["cols"][0],
                    max_col=spec["cols"][1],
                    anchor=f"{get_column_letter(chart_col)}{header_row}",
                    stacked=spec.get("stacked", False),
                    colours=spec["colours"],
                )
        ws.column_dimensions["A"].width = 18
        for j in range(2, 10):
            ws.column_dimensions[get_column_letter(j)].width = 13
    return xlsx.to_bytes(wb)


def list_xlsx(
    *,
    title: str,
    county_headers: Sequence[str],
    county_rows: Sequence[Sequence[Any]],
    chart_cols: tuple[int, int],
    chart_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    text_columns: Sequence[int] = (0,),
) -> bytes:
    """A growth-point or 技改 list: a per-county sheet against the targets with a native chart, then the projects."""
    wb = xlsx.workbook()
    ws = wb.active
    ws.title = "分区县"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    header_row, last, _ = _ws_table(ws, 3, county_headers, county_rows)
    _bar(
        ws,
        title=chart_title,
        header_row=header_row,
        last_row=last,
        min_col=chart_cols[0],
        max_col=chart_cols[1],
        anchor=f"{get_column_letter(len(county_headers) + 2)}3",
        colours=["#0d6efd", "#adb5bd", "#198754", "#ced4da"],
    )
    ws.column_dimensions["A"].width = 16
    lst = wb.create_sheet("项目清单")
    for j, h in enumerate(headers, start=1):
        c = lst.cell(row=1, column=j, value=h)
        c.font, c.fill = BOLD, HEADER_FILL
        lst.column_dimensions[get_column_letter(j)].width = 30 if "名称" in h else 14
    for i, data in enumerate(rows, start=2):
        for j, v in enumerate(data):
            c = lst.cell(row=i, column=j + 1, value=_x(v) if j not in text_columns else (None if v is None else str(v)))
            if j in text_columns:
                c.number_format = "@"
    lst.freeze_panes = "A2"
    return xlsx.to_bytes(wb)

"""The monthly bulletin (月通报, YY-P-3) as documents — .docx (python-docx; tables and chart images from
`chanye.projects.charts`) and .xlsx (openpyxl with native bar charts) — and the growth-point (XN-GS-9) and 技改
(XN-JG-1/2) lists as .xlsx. Everything here formats what `chanye.projects.stats` computed; nothing is counted here."""

from __future__ import annotations

import datetime as dt
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
from chanye.projects import charts
from chanye.projects.charts import Series, Text

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
COLOUR_EN = {"green": "Green", "blue": "Blue", "yellow": "Yellow", "red": "Red"}
SECTIONS = "一二三四五六七八九十"


def _n(v: Any) -> str:
    """A number for a document cell: no trailing zeros, — for none."""
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        v = v.quantize(Decimal("0.01")) if v.as_tuple().exponent < -2 else v  # type: ignore[operator]
        return f"{v.normalize():f}"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _x(v: Any) -> Any:
    """A value for an .xlsx cell: Decimals as numbers."""
    return float(v) if isinstance(v, Decimal) else v


def _month_label(m: dt.date) -> str:
    return f"{m.year}年{m.month}月"


# ---------------------------------------------------------------- the sections, once for both formats


def _tables(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The bulletin as titled sections of text and tables (headers, rows, a total row), shared by .docx and .xlsx."""
    out: list[dict[str, Any]] = []
    b, mv, ch, od = d["board"], d["movements"], d["changes"], d["overdue"]
    colours = d["colours"]
    out.append({"key": "summary", "title": "总体情况", "text": [d["summary"]], "tables": []})
    out.append(
        {
            "key": "board",
            "title": "项目四色分布（XN-XM-4）",
            "text": [
                f"按{_month_label(d['month'])}末状态统计：绿色为建成投产，蓝色为开工在建，黄色为签约或入库未开工，红色为退出。"
                + (
                    "本月已评定，采用月度评定结果。"
                    if b["graded"]
                    else "本月尚未评定，按项目签约、开工、投产、退出日期推算。"
                )
            ],
            "tables": [
                {
                    "name": "四色分布",
                    "headers": ["区县", *[c["label"] for c in colours], "合计"],
                    "rows": [
                        [r["region"].name, *[r["counts"][c["code"]] for c in colours], r["total"]] for r in b["rows"]
                    ],
                    "total": ["合计", *[b["totals"][c["code"]] for c in colours], b["total"]],
                    "chart": "board",
                }
            ],
        }
    )
    t = mv["totals"]
    out.append(
        {
            "key": "movements",
            "title": "本月项目动态",
            "text": [
                f"本月新签约{t['signed']}个、新开工{t['started']}个、新投产{t['producing']}个、退出{t['exited']}个。"
            ],
            "tables": [
                {
                    "name": "本月动态",
                    "headers": ["区县", "新签约", "新开工", "新投产", "退出"],
                    "rows": [
                        [r["region"].name, r["signed"], r["started"], r["producing"], r["exited"]] for r in mv["rows"]
                    ],
                    "total": ["合计", t["signed"], t["started"], t["producing"], t["exited"]],
                }
            ],
        }
    )
    ct = ch["totals"]
    prev_note = "" if ch["previous_graded"] else "（上月未评定，按日期推算）"
    out.append(
        {
            "key": "changes",
            "title": "四色变化",
            "text": [
                f"与{_month_label(ch['previous'])}末{prev_note}相比，颜色变化的项目{ch['changed']}个：升色{ct['up']}个、"
                f"降色{ct['down']}个（其中转红{ct['to_red']}个）；本月新入库{ct['new']}个。"
            ],
            "tables": [
                {
                    "name": "变化类型",
                    "headers": ["变化", "项目数"],
                    "rows": [[x["label"], x["n"]] for x in ch["transitions"]],
                    "total": ["合计", ch["changed"]],
                    "chart": "changes",
                },
                {
                    "name": "分区县",
                    "headers": ["区县", "升色", "降色", "其中转红", "新入库"],
                    "rows": [[r["region"].name, r["up"], r["down"], r["to_red"], r["new"]] for r in ch["rows"]],
                    "total": ["合计", ct["up"], ct["down"], ct["to_red"], ct["new"]],
                },
                {
                    "name": "变化项目",
                    "headers": ["项目编号", "项目名称", "区县", "总投资(亿元)", "上月", "本月"],
                    "rows": [
                        [p["code"], p["name"], p["county_name"], p["investment"], p["was_label"], p["now_label"]]
                        for p in ch["projects"]
                    ],
                    "note": f"按总投资列前{len(ch['projects'])}个。" if ch["changed"] > len(ch["projects"]) else "",
                },
            ],
        }
    )
    out.append(
        {
            "key": "overdue",
            "title": "节点逾期",
            "text": [
                f"截至月末，计划完成日期已过仍未完成的节点{od['milestones']}个，涉及项目{od['project_count']}个"
                "（已退出项目不计）。"
            ],
            "tables": [
                {
                    "name": "分区县",
                    "headers": ["区县", "逾期节点", "涉及项目"],
                    "rows": [[r["region"].name, r["milestones"], r["projects"]] for r in od["rows"]],
                    "total": ["合计", od["milestones"], od["project_count"]],
                    "chart": "overdue",
                },
                {
                    "name": "分节点",
                    "headers": ["节点", "逾期个数"],
                    "rows": [[m["name"], m["n"]] for m in od["by_milestone"]],
                },
                {
                    "name": "逾期较多的项目",
                    "headers": ["项目编号", "项目名称", "区县", "逾期节点"],
                    "rows": [[p["code"], p["name"], p["county"], p["n"]] for p in od["projects"]],
                },
            ],
        }
    )
    ss, ps = d["start_speed"], d["production_speed"]
    avg = f"，平均{_n(ss['ytd']['avg_days'])}天" if ss["ytd"]["avg_days"] is not None else ""
    out.append(
        {
            "key": "speed",
            "title": "建设速度（XN-XM-1、XN-XM-2）",
            "text": [
                f"签约到开工（{ss['limit']}天内）：今年开工{ss['ytd']['n']}个，{ss['limit']}天内开工{ss['ytd']['within']}个、"
                f"超期{ss['ytd']['over']}个{avg}；本月开工{ss['month']['n']}个，{ss['limit']}天内{ss['month']['within']}个。",
                f"开工到投产（按总投资分档时限）：今年投产{ps['n']}个，按期{ps['within']}个、超期{ps['over']}个"
                + (f"，平均用时{_n(ps['avg_months'])}个月" if ps["avg_months"] is not None else "")
                + "。",
            ],
            "tables": [
                {
                    "name": "签约到开工",
                    "headers": ["区县", "今年开工", f"{ss['limit']}天内", "超期", "平均天数"],
                    "rows": [
                        [r["region"].name, r["ytd"]["n"], r["ytd"]["within"], r["ytd"]["over"], r["ytd"]["avg_days"]]
                        for r in ss["rows"]
                    ],
                    "total": ["合计", ss["ytd"]["n"], ss["ytd"]["within"], ss["ytd"]["over"], ss["ytd"]["avg_days"]],
                },
                {
                    "name": "开工到投产",
                    "headers": ["总投资", "时限(月)", "今年投产", "按期", "超期", "平均用时(月)"],
                    "rows": [
                        [x["label"], x["months"], x["n"], x["within"], x["over"], x["avg_months"]] for x in ps["bands"]
                    ],
                    "total": ["合计", None, ps["n"], ps["within"], ps["over"], ps["avg_months"]],
                },
            ],
        }
    )
    kp = d["key_projects"]
    kt = kp["targets"]
    target_text = ""
    if kt.get("landed") is not None or kt.get("producing") is not None:
        target_text = (
            f"年度目标：新增落地{_n(kt.get('landed'))}个、建成投产{_n(kt.get('producing'))}个"
            + (f"、新开工{_n(kt.get('started'))}个" if kt.get("started") is not None else "")
            + "。"
        )
    kt_ = kp["totals"]
    out.append(
        {
            "key": "key_projects",
            "title": "重点工业项目（XN-GS-8）",
            "text": [
                f"今年新增落地（签约）{kt_['landed']}个、新开工{kt_['started']}个、建成投产{kt_['producing']}个、"
                f"新入库储备{kt_['reserve']}个。{target_text}"
            ],
            "tables": [
                {
                    "name": "重点项目",
                    "headers": ["区县", "落地(签约)", "开工", "投产", "储备(入库)", "储备目标"],
                    "rows": [
                        [r["region"].name, r["landed"], r["started"], r["producing"], r["reserve"], r["reserve_target"]]
                        for r in kp["rows"]
                    ],
                    "total": ["合计", kt_["landed"], kt_["started"], kt_["producing"], kt_["reserve"], None],
                }
            ],
        }
    )
    g = d["growth"]
    gt = ""
    if g["target_n"] is not None:
        gt = f"年度目标：入库{_n(g['target_n'])}个、预增产值{_n(g['target_output'])}亿元。"
    out.append(
        {
            "key": "growth",
            "title": "工业增长点（XN-GS-9）",
            "text": [
                f"预计新增产值{_n(g['threshold'])}万元及以上的项目为工业增长点。今年入库{g['n']}个，预增产值{_n(g['output'])}亿元。{gt}"
            ],
            "tables": [
                {
                    "name": "增长点",
                    "headers": ["区县", "今年入库", "年度目标", "预增产值(亿元)"],
                    "rows": [[r["region"].name, r["n"], r["target"], r["output"]] for r in g["rows"]],
                    "total": ["合计", g["n"], g["target_sum"], g["output"]],
                }
            ],
        }
    )
    te = d["tech"]
    out.append(
        {
            "key": "tech",
            "title": "技术改造（XN-JG-1、XN-JG-2）",
            "text": [
                f"今年入库投资{_n(te['threshold_wan'])}万元以上的技改项目{te['n']}个，其中{_n(te['major_threshold'])}亿元以上"
                f"{te['major']}个，总投资{_n(te['investment'])}亿元"
                + (f"；年度目标{_n(te['target_n'])}个" if te["target_n"] is not None else "")
                + "。"
            ],
            "tables": [
                {
                    "name": "技改",
                    "headers": [
                        "区县",
                        f"{_n(te['threshold_wan'])}万元以上",
                        "年度目标",
                        f"{_n(te['major_threshold'])}亿元以上",
                        "年度目标",
                        "总投资(亿元)",
                    ],
                    "rows": [
                        [r["region"].name, r["n"], r["target"], r["major"], r["major_target"], r["investment"]]
                        for r in te["rows"]
                    ],
                    "total": ["合计", te["n"], None, te["major"], None, te["investment"]],
                }
            ],
        }
    )
    if d["targets"]:
        out.append(
            {
                "key": "targets",
                "title": "年度目标完成情况",
                "text": ["每年目标按当年已过时间折算应达进度。"],
                "tables": [
                    {
                        "name": "目标",
                        "headers": ["规则", "目标", "范围", "目标值", "当前值", "完成(%)", "应达", "状态"],
                        "rows": [
                            [
                                r["target"].rule,
                                r["target"].label,
                                r["scope"],
                                r["target"].value,
                                r["value"],
                                r["percent"],
                                r["expected"],
                                r["status_label"],
                            ]
                            for r in d["targets"]
                        ],
                    }
                ],
            }
        )
    i = d["issues"]
    out.append(
        {
            "key": "issues",
            "title": "问题办理（一单三制，YY-P-2）",
            "text": [
                f"截至月末累计交办问题{i['total']}个，已销号{i['closed_total']}个（销号率{_n(i['rate'])}%），"
                f"未销号{i['open']}个，其中超过办结时限{i['overdue']}个；本月新提出{i['raised']}个、销号{i['closed']}个。"
            ],
            "tables": [
                {
                    "name": "分责任单位",
                    "headers": ["责任单位", "问题数", "已销号", "销号率(%)", "平均办结天数", "未销号", "超期"],
                    "rows": [
                        [
                            x["department"],
                            x["total"],
                            x["closed_total"],
                            x["rate"],
                            x["avg_days"],
                            x["open"],
                            x["overdue"],
                        ]
                        for x in i["departments"]
                    ],
                }
            ],
        }
    )
    return out


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
            _set_font(p.add_run(_n(v)), "仿宋", 10.5, bold=total is not None and k == len(body) - 1)
            if j > 0 and (isinstance(v, int | float | Decimal) or v is None):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return t


def bulletin_docx(d: dict[str, Any], *, cjk: bool | None = None) -> bytes:
    """The bulletin as a Word document: title, scope, sections with tables, the three charts as pictures."""
    doc = Document()
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    doc.core_properties.title = d["title"]
    _para(doc, d["title"], font="宋体", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if d["subtitle"]:
        _para(doc, f"（{d['subtitle']}）", font="楷体", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(
        doc,
        f"数据截至{d['end']:%Y年%m月%d日}　　生成于{timezone.localdate():%Y年%m月%d日}",
        font="楷体",
        size=11,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    images = chart_images(d, cjk=cjk)
    for k, s in enumerate(_tables(d)):
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
    wb = xlsx.workbook()
    first = True
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
    for s in _tables(d):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = s["title"].split("（")[0][:31]
        ws.cell(row=1, column=1, value=d["title"] + (f"（{d['subtitle']}）" if d["subtitle"] else "")).font = Font(
            bold=True, size=13
        )
        ws.cell(row=2, column=1, value=s["title"]).font = BOLD
        row = 3
        for text in s["text"]:
            ws.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=False)
            row += 1
        row += 1
        chart_col = 1
        for tbl in s["tables"]:
            ws.cell(row=row, column=1, value=tbl["name"]).font = BOLD
            header_row, last, row = _ws_table(ws, row + 1, tbl["headers"], tbl["rows"], tbl.get("total"))
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

"""Assessment exports: .xlsx (ranking and detail sheets) and .docx (a document to circulate)."""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl.styles import Font, PatternFill

from chanye.core import xlsx
from chanye.core.text import without_rule_ids
from chanye.targets.models import AssessmentRun, AssessmentScore

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _change(s) -> str:
    c = s.rank_change
    if c is None:
        return "—"
    return f"↑{c}" if c > 0 else (f"↓{-c}" if c < 0 else "持平")


def assessment_xlsx(run: AssessmentRun, scores: list[AssessmentScore], detailed: set[int]) -> bytes:
    """The ranking of every unit (published, HG-A-1) and the detail of the units in `detailed` (region ids: a county
    officer's own unit, every unit for the city — `selectors.assessment_view`, the rule the pages follow too)."""
    wb = xlsx.workbook()
    ws = wb.active
    ws.title = "排名"
    ws.append([f"{run.year}年{run.name}（{run.config.get('rule', '')}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["名次", "区县", "总分", "上年名次", "名次变化"])
    for c in ws[2]:
        c.font, c.fill = Font(bold=True), HEADER_FILL
    for s in scores:
        ws.append([s.rank, s.region.name, float(s.total), s.previous_rank, _change(s)])
    d = wb.create_sheet("分项得分")
    d.append(["区县", "指标", "权重", "计分方式", "实际值", "目标值", "完成比例", "排名", "得分", "说明"])
    for c in d[1]:
        c.font, c.fill = Font(bold=True), HEADER_FILL
    for s in scores:
        if s.region_id not in detailed:
            continue
        for x in s.details:
            d.append(
                [
                    s.region.name,
                    x["label"],
                    float(x["weight"]),
                    "完成比例（封顶）" if x["scoring"] == "share_capped" else "排名",
                    _number(x.get("actual")),
                    _number(x.get("target")),
                    _number(x.get("share")),
                    x.get("rank"),
                    float(x["score"]),
                    x.get("note", ""),
                ]
            )
    for sheet, widths in ((ws, [8, 14, 10, 10, 10]), (d, [12, 28, 8, 16, 14, 12, 10, 8, 10, 14])):
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(65 + i)].width = w
    return xlsx.to_bytes(wb)


def _font(doc: Document) -> None:
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def assessment_docx(run: AssessmentRun, scores: list[AssessmentScore], detailed: set[int]) -> bytes:
    """The ranking of every unit and the detail of the units in `detailed` (as `assessment_xlsx`)."""
    doc = Document()
    _font(doc)
    title = doc.add_heading(f"{run.year}年{run.name}结果", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # a document sent out: no rule IDs (issue 13); the page shows them as references
    doc.add_paragraph(
        f"计算时间：{run.computed_at:%Y年%m月%d日}。"
        "各项指标按政策包配置的权重计分：完成比例类指标以区县目标为基准（封顶），排名类指标按区县间排名计分。"
    )
    doc.add_heading("一、总分排名", level=2)
    t = doc.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ["名次", "区县", "总分", "较上年"], strict=True):
        cell.text = text
    for s in scores:
        row = t.add_row().cells
        row[0].text, row[1].text, row[2].text, row[3].text = str(s.rank), s.region.name, f"{s.total}", _change(s)
    doc.add_heading("二、分项得分", level=2)
    if len(detailed) < len(scores):
        doc.add_paragraph("（分项得分只含本单位；其他区县的分项得分由市级发布。）")
    for s in scores:
        if s.region_id not in detailed:
            continue
        doc.add_paragraph(f"{s.region.name}：总分 {s.total}，第{s.rank}名", style="List Bullet")
        dt_ = doc.add_table(rows=1, cols=6)
        dt_.style = "Table Grid"
        for cell, text in zip(dt_.rows[0].cells, ["指标", "权重", "实际值", "目标值", "得分", "说明"], strict=True):
            cell.text = text
        for x in s.details:
            r = dt_.add_row().cells
            r[0].text, r[1].text = without_rule_ids(x["label"]), x["weight"]
            r[2].text, r[3].text = _shown(x.get("actual")), _shown(x.get("target"))
            r[4].text, r[5].text = x["score"], without_rule_ids(x.get("note", ""))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _number(v: object) -> float | None:
    """A figure stored as text in the score card ("228.5018") as a number the spreadsheet can sum and sort."""
    return None if v in (None, "") else float(str(v))


def _shown(v: object) -> str:
    """The same figure for the Word table: "24.0000" → "24", "228.5018" → "228.5"."""
    if v in (None, ""):
        return "—"
    d = Decimal(str(v)).quantize(Decimal("0.01"))
    return f"{d.normalize():f}"

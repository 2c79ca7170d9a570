"""Exports of rewards: the finance bureau's list (.xlsx) and the publication notice (.docx)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from chanye.core import xlsx
from chanye.rewards.models import Entitlement

HEADERS = [
    "年度",
    "规则编号",
    "奖补项目",
    "统一社会信用代码",
    "企业/集群",
    "区县",
    "项目",
    "金额(万元)",
    "状态",
    "公示日期",
    "异议截止",
    "审核日期",
    "拨付日期",
    "凭证号",
    "资金",
    "收款户名",
    "开户银行",
    "银行账号",
    "测算说明",
]


def recipient(e: Entitlement) -> str:
    if e.enterprise is not None:
        return e.enterprise.name
    return f"{e.cluster.name}（所在地{e.county.name}）" if e.cluster is not None else e.county.name


def entitlements_xlsx(rows: Iterable[Entitlement], *, title: str) -> bytes:
    """One row per entitlement with its status, payment and explanation: what the finance bureau pays from."""
    return xlsx.table(
        HEADERS,
        (
            [
                e.year,
                e.rule,
                e.label,
                e.enterprise.uscc if e.enterprise is not None else "",
                recipient(e),
                e.county.name,
                e.subject,
                float(e.amount),
                e.get_status_display(),
                e.published_on,
                e.objection_until,
                e.approved_on,
                e.paid_on,
                e.voucher_no,
                str(e.fund) if e.fund is not None else "",
                e.account_name,
                e.account_bank,
                e.account_no,
                e.explanation,
            ]
            for e in rows
        ),
        title=title,
        text_columns=(3, 13, 17),
        widths=[6, 10, 30, 22, 34, 10, 16, 11, 10, 11, 11, 11, 11, 14, 20, 24, 20, 22, 80],
        sheet_name="奖补兑现",
    )


def notice_docx(rows: list[Entitlement], *, city: str, year: int, until: dt.date | None, total: Decimal) -> bytes:
    """The publication notice (公示): the list with amounts, the period and where to object."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = h.add_run(f"{city}{year}年度产业政策奖补拟兑现名单公示")
    r.bold, r.font.size = True, Pt(16)
    doc.add_paragraph(
        f"根据相关产业政策规定，经数据比对测算，拟对以下{len(rows)}项奖补予以兑现，合计{total.normalize():f}万元（免申即享，"
        "企业无需申报）。现予公示"
        + (f"，公示期至{until:%Y年%m月%d日}" if until else "")
        + "。公示期内如有异议，请以书面形式向市产业主管部门反映，或由企业登录平台在奖补详情页提出。"
    )
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    for cell, text in zip(
        t.rows[0].cells, ["序号", "企业/集群", "所在区县", "奖补项目", "规则", "金额(万元)"], strict=True
    ):
        cell.text = text
    for i, e in enumerate(rows, start=1):
        cells = t.add_row().cells
        for cell, text in zip(
            cells, [str(i), recipient(e), e.county.name, e.label, e.rule, f"{e.amount.normalize():f}"], strict=True
        ):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""Chain templates written to files (XN-SYS-4, XN-CL-5): YAML in a pack's full chain form plus ``cluster``, and the
.xlsx workbook (sheets 产业链, 环节 and 填写说明) written through the one spreadsheet writer `core.xlsx.workbook()`.
What is exported imports back unchanged (`chain_io`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from django.db.models import QuerySet
from django.utils import timezone

from chanye.core import xlsx
from chanye.industry import schema

from . import services
from .chain_format import CHAIN_COLUMNS, CHAIN_SHEET, LINK_COLUMNS, LINK_SHEET, NOTES, Col
from .models import Chain


def chains_for_export(chain: Chain | None = None) -> QuerySet[Chain]:
    qs = Chain.objects.select_related("cluster")
    return qs.filter(pk=chain.pk) if chain is not None else qs.filter(is_active=True)


def chain_document(chain: Chain) -> dict[str, Any]:
    """One chain as a pack writes it in full, plus its cluster's code."""
    spec = services.chain_to_spec(chain).model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {"code": spec.pop("code"), "name": spec.pop("name", chain.name)}
    if chain.cluster_id:
        out["cluster"] = chain.cluster.code  # type: ignore[union-attr]
    out.update(spec)  # links keep their code even where it is their name: renaming one in the file keeps the link
    return out


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (gbt4754: ['1351', '1353']), as packs write them."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def export_yaml(chains: Iterable[Chain]) -> str:
    docs = [chain_document(c) for c in chains]
    head = (
        f"# 产业链模板（{timezone.localdate():%Y-%m-%d} 导出，共{len(docs)}条）。格式与政策包中产业链的完整写法相同，"
        "另加 cluster（所属产业集群编号）。\n"
        "# 修改后可在“导入产业链”页面上传：按 code 更新已有产业链，新的 code 新建产业链。\n"
    )
    body = yaml.dump({"chains": docs}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    return head + body


def _sheet(
    wb: xlsx.SafeWorkbook, title: str, columns: Sequence[Col], rows: Iterable[Sequence[Any]], first: bool
) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.label)
        cell.font = xlsx.BOLD
        cell.fill = xlsx.REQUIRED_FILL if col.required else xlsx.HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    n = 1
    for n, row in enumerate(rows, start=2):
        for i, (col, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(row=n, column=i, value=value)
            if col.text:
                cell.number_format = xlsx.TEXT_FORMAT
    for i, col in enumerate(columns, start=1):  # room for rows people add, identifiers kept as text
        if col.text:
            for r in range(n + 1, n + 200):
                ws.cell(row=r, column=i).number_format = xlsx.TEXT_FORMAT
    ws.freeze_panes = "A2"


def _join(values: Sequence[str]) -> str:
    return "、".join(values)


def export_xlsx(chains: Iterable[Chain]) -> bytes:
    from openpyxl.styles import Font

    chain_rows: list[list[Any]] = []
    link_rows: list[list[Any]] = []
    for chain in chains:
        spec = services.chain_to_spec(chain)
        chain_rows.append(
            [
                chain.code,
                chain.name,
                chain.cluster.code if chain.cluster_id else "",  # type: ignore[union-attr]
                chain.cluster.name if chain.cluster_id else "",  # type: ignore[union-attr]
                chain.description,
                chain.rule,
                chain.source_text,
            ]
        )
        for link in spec.links:
            link_rows.append(
                [
                    chain.code,
                    link.code,
                    link.name,
                    schema.STAGE_LABELS.get(link.stage or "", ""),
                    link.description,
                    _join(link.gbt4754),
                    _join(link.products),
                    "是" if link.key else "否",
                    "是" if link.chokepoint else "否",
                    "" if link.next is None else (_join(link.next) or "无"),
                    link.min_enterprises,
                ]
            )
    wb = xlsx.workbook()
    _sheet(wb, CHAIN_SHEET, CHAIN_COLUMNS, chain_rows, first=True)
    _sheet(wb, LINK_SHEET, LINK_COLUMNS, link_rows, first=False)
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["产业链模板填写说明"])
    help_ws["A1"].font = Font(bold=True, size=13)
    for note in NOTES:
        help_ws.append([note])
    help_ws.append([])
    help_ws.append(["工作表", "列名", "是否必填", "说明"])
    for c in help_ws[help_ws.max_row]:
        c.font, c.fill = xlsx.BOLD, xlsx.HEADER_FILL
    for sheet, cols in ((CHAIN_SHEET, CHAIN_COLUMNS), (LINK_SHEET, LINK_COLUMNS)):
        for col in cols:
            help_ws.append([sheet, col.label, "必填" if col.required else "选填", col.help])
    for letter, w in zip("ABCD", (10, 26, 10, 90), strict=True):
        help_ws.column_dimensions[letter].width = w
    return xlsx.to_bytes(wb)

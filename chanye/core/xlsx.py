"""Writing .xlsx files for people: templates, exports and error reports."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chanye.core.imports.base import Column

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
BOLD = Font(bold=True)
TEXT_FORMAT = "@"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    text_columns: Sequence[int] = (),
    widths: Sequence[int] | None = None,
    sheet_name: str = "Sheet1",
) -> bytes:
    """A streamed single-sheet workbook (fast for large exports); identifiers stay text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name)
    for i, _ in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1] if widths and i - 1 < len(widths) else 16
    if title:
        c = WriteOnlyCell(ws, value=title)
        c.font = Font(bold=True, size=13)
        ws.append([c])
    hdr = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill = BOLD, HEADER_FILL
        hdr.append(c)
    ws.append(hdr)
    text_set = set(text_columns)
    for row in rows:
        out = []
        for i, v in enumerate(row):
            if i in text_set:
                c = WriteOnlyCell(ws, value=None if v is None else str(v))
                c.number_format = TEXT_FORMAT
                out.append(c)
            else:
                out.append(v)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template(
    columns: Sequence[Column],
    *,
    title: str,
    notes: Sequence[str],
    text_keys: Sequence[str],
    example_rows: Sequence[dict[str, Any]] = (),
) -> bytes:
    """An import template: header row (required columns highlighted), text-formatted id columns, an
    instructions sheet listing each column, its meaning and accepted values."""
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    for i, col in enumerate(columns, start=1):
        header = col.label + (f"({next(iter(col.units))})" if col.units else "")
        cell = ws.cell(row=1, column=i, value=header)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, len(header) * 2 + 2)
        if col.key in text_keys:
            for r in range(2, 2001):
                ws.cell(row=r, column=i).number_format = TEXT_FORMAT
    for r, ex in enumerate(example_rows, start=2):
        for i, col in enumerate(columns, start=1):
            if col.key in ex:
                ws.cell(row=r, column=i, value=ex[col.key])
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    help_ws.append([title])
    help_ws["A1"].font = Font(bold=True, size=13)
    for n in notes:
        help_ws.append([n])
    help_ws.append([])
    help_ws.append(["列名", "是否必填", "说明", "示例"])
    for c in help_ws[help_ws.max_row]:
        c.font, c.fill = BOLD, HEADER_FILL
    for col in columns:
        header = col.label + (f"({next(iter(col.units))})" if col.units else "")
        aliases = f"；也可写作：{'、'.join(col.aliases)}" if col.aliases else ""
        help_ws.append([header, "必填" if col.required else "选填", (col.help or "") + aliases, col.example])
    for letter, w in zip("ABCD", (24, 10, 70, 24), strict=True):
        help_ws.column_dimensions[letter].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

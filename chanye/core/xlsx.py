"""Writing .xlsx files for people: templates, exports and error reports — the one way chanye writes a spreadsheet.

Every workbook is made by `workbook()` and turned into bytes by `to_bytes()` (or its own `save`): both go through
`SafeWorkbook`, which neutralises every text cell before it is written (OWASP "CSV injection", which applies to
.xlsx as much as to .csv). A name such as ``=HYPERLINK("http://x","点我")`` or ``=cmd|' /C calc'!A0`` typed into
the platform must come back as the text it is, never as a live formula: openpyxl turns any string beginning with
"=" into a formula cell, and Excel re-reads a text starting with ``+ - @`` (or a tab/CR) as a formula once someone
edits the cell. So a text cell that begins — after leading blanks — with one of ``= + - @``, or whose first
character is a tab or carriage return, is written as an explicit string cell carrying Excel's own "quote prefix"
(what Excel stores when a person types an apostrophe before the text). The text itself is unchanged — no apostrophe
is added to it (docs/decisions/0007-spreadsheet-formula-injection.md) — so it reads, prints and re-imports intact.
Numbers (negative ones too), dates and booleans are left as they are; no export writes formulas.

tests/core/test_xlsx_writer_is_the_only_one.py fails when code outside this module creates an openpyxl Workbook.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from chanye.core.imports.base import Column

if TYPE_CHECKING:
    from openpyxl.cell import Cell

# openpyxl (and numpy, which it imports) loads when the first spreadsheet is made, not when Django starts: the
# styles and the workbook classes below are made on first use (module attributes HEADER_FILL, REQUIRED_FILL, BOLD
# and SafeWorkbook still work).
TEXT_FORMAT = "@"
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet program take this text for a formula (OWASP: = + - @ tab CR, leading blanks ignored)?"""
    return text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def guard(cell: Cell) -> None:
    """Make a text cell literal text: never a formula (openpyxl's type "f") or an error value ("e"), and marked
    with Excel's quote prefix when it begins like a formula."""
    value = cell._value
    if not isinstance(value, str):
        return  # numbers, dates, booleans, rich text; an explicit openpyxl formula object is not a str either
    if cell.data_type in ("f", "e") or looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


@functools.cache
def _styles() -> dict[str, Any]:
    from openpyxl.styles import Font, PatternFill

    return {
        "HEADER_FILL": PatternFill("solid", fgColor="DDEBF7"),
        "REQUIRED_FILL": PatternFill("solid", fgColor="FCE4D6"),
        "BOLD": Font(bold=True),
    }


@functools.cache
def _safe_workbook_class() -> type:
    """SafeWorkbook, defined when first needed (it subclasses openpyxl's Workbook)."""
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

    class _GuardedWriteOnlyWorksheet(WriteOnlyWorksheet):
        """A streamed sheet whose rows are guarded cell by cell as they are written."""

        def _values_to_row(self, values: Iterable[Any], row_idx: int) -> Iterator[Cell]:
            for cell in super()._values_to_row(values, row_idx):
                guard(cell)
                yield cell

    class SafeWorkbook(Workbook):
        """An openpyxl workbook that cannot write a formula from text: streamed sheets guard each row as it is
        appended, ordinary sheets are guarded cell by cell when the workbook is saved."""

        def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
            if self.write_only:
                ws = _GuardedWriteOnlyWorksheet(parent=self, title=title)
                self._add_sheet(sheet=ws, index=index)
                return ws
            return super().create_sheet(title, index)

        def save(self, filename: Any) -> None:
            for ws in self.worksheets:
                if isinstance(ws, Worksheet):
                    for cell in ws._cells.values():
                        guard(cell)
            super().save(filename)

    return SafeWorkbook


def __getattr__(name: str) -> Any:
    if name in ("HEADER_FILL", "REQUIRED_FILL", "BOLD"):
        return _styles()[name]
    if name == "SafeWorkbook":
        return _safe_workbook_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def workbook(*, write_only: bool = False) -> Any:
    """A new workbook (a SafeWorkbook) for an export (write_only streams rows: use it for long tables)."""
    return _safe_workbook_class()(write_only=write_only)


def to_bytes(wb: Any) -> bytes:
    """The .xlsx file of a workbook made by `workbook()`."""
    if not isinstance(wb, _safe_workbook_class()):
        raise TypeError("make spreadsheets with chanye.core.xlsx.workbook(), which neutralises formula-like text")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = workbook(write_only=True)
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
        c.font, c.fill = _styles()["BOLD"], _styles()["HEADER_FILL"]
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
    return to_bytes(wb)


def template_unit(units: dict[str, Any]) -> str:
    """The unit a template's header shows: the one the platform stores and every page speaks (factor 1, e.g. 万元)."""
    return next((u for u, f in units.items() if f == 1), next(iter(units)))


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
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = workbook()
    ws = wb.active
    ws.title = "数据"
    for i, col in enumerate(columns, start=1):
        header = col.label + (f"({template_unit(col.units)})" if col.units else "")
        cell = ws.cell(row=1, column=i, value=header)
        cell.font = _styles()["BOLD"]
        cell.fill = _styles()["REQUIRED_FILL" if col.required else "HEADER_FILL"]
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
        c.font, c.fill = _styles()["BOLD"], _styles()["HEADER_FILL"]
    for col in columns:
        header = col.label + (f"({template_unit(col.units)})" if col.units else "")
        aliases = f"；也可写作：{'、'.join(col.aliases)}" if col.aliases else ""
        help_ws.append([header, "必填" if col.required else "选填", (col.help or "") + aliases, col.example])
    for letter, w in zip("ABCD", (24, 10, 70, 24), strict=True):
        help_ws.column_dimensions[letter].width = w
    return to_bytes(wb)

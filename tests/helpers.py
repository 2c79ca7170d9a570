"""Building real .xlsx/.csv files for import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx(
    rows: Sequence[Sequence[Any]], *, merges: Sequence[str] = (), text_cols: Sequence[int] = (), sheet: str = ""
) -> bytes:
    """A workbook whose first sheet (named `sheet` if given) holds `rows` from A1; `merges` like "A1:D1"; text_cols
    get the @ format."""
    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for rng in merges:
        ws.merge_cells(rng)
    for c in text_cols:
        for row in ws.iter_rows(min_col=c + 1, max_col=c + 1):
            for cell in row:
                cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode(encoding)

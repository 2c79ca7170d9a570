"""Too many rows (issue 11, hole 8): the reader counts rows while it streams the file and stops as soon as the count
passes CHANYE_IMPORT_MAX_ROWS — before the rest is read, and before anything is kept — for .xlsx and .csv; a sheet
that declares a larger size is refused before a single row is read."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from chanye.core.imports.reader import SheetTooLong, read_sheet
from chanye.core.imports.runner import run_import
from tests.helpers import csv_bytes, xlsx

LIMIT = 100


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.CHANYE_IMPORT_MAX_ROWS = LIMIT


def rows(n: int) -> list[list[object]]:
    return [["统一社会信用代码", "年月", "工业总产值(万元)"]] + [[f"X{i}", "2025-01", i] for i in range(1, n)]


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its sheet XML passed through `change` (to drop or falsify what it declares)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            dst.writestr(info, change(part) if info.filename == "xl/worksheets/sheet1.xml" else part)
    return out.getvalue()


def without_dimension(part: bytes) -> bytes:
    return re.sub(rb"<dimension[^>]*/>", b"", part)


def test_a_long_csv_is_refused_at_the_first_row_past_the_limit():
    with pytest.raises(SheetTooLong, match=f"文件超过 {LIMIT} 行") as e:
        read_sheet(csv_bytes(rows(10_000)), "月报.csv")
    assert e.value.rows_read == LIMIT + 1  # of 10,000


def test_a_long_xlsx_is_refused_while_its_xml_is_streamed():
    data = rewrite_sheet(xlsx(rows(10_000)), without_dimension)
    with pytest.raises(SheetTooLong) as e:
        read_sheet(data, "月报.xlsx")
    assert e.value.rows_read == LIMIT + 1  # of 10,000: the rest of the sheet was never read


def test_a_sheet_that_declares_more_rows_than_allowed_is_refused_before_reading_a_row():
    with pytest.raises(SheetTooLong) as e:
        read_sheet(xlsx(rows(10_000)), "月报.xlsx")
    assert e.value.rows_read == 0


def test_rows_are_counted_by_their_number_not_by_how_many_are_written():
    """A sheet with row 1 and row 5000 only is 5000 rows long for the reader (calamine fills the gap)."""
    data = xlsx([["年月"]])
    data = rewrite_sheet(
        data,
        lambda p: without_dimension(p).replace(
            b"</sheetData>", b'<row r="5000"><c r="A5000" t="n"><v>1</v></c></row></sheetData>'
        ),
    )
    with pytest.raises(SheetTooLong) as e:
        read_sheet(data, "稀疏.xlsx")
    assert e.value.rows_read == 2


@pytest.mark.parametrize(("name", "make"), [("月报.csv", csv_bytes), ("月报.xlsx", xlsx)])
def test_a_file_of_exactly_the_limit_is_read(name, make):
    assert len(read_sheet(make(rows(LIMIT)), name).rows) == LIMIT
    with pytest.raises(SheetTooLong):
        read_sheet(make(rows(LIMIT + 1)), name)


def test_a_csv_whose_quoted_cells_hold_line_breaks_is_counted_by_rows_not_lines():
    data = csv_bytes([["名称", "说明"]] + [[f"甲{i}", "第一行\n第二行"] for i in range(LIMIT - 1)])
    assert data.count(b"\n") > LIMIT and len(read_sheet(data, "x.csv").rows) == LIMIT


@pytest.mark.django_db
def test_the_import_reports_the_limit_in_words(users):
    out = run_import("monthly", data=csv_bytes(rows(LIMIT * 3)), filename="月报.csv", user=users["admin"])
    assert [e.message for e in out.errors] == [f"文件超过 {LIMIT} 行，请拆分后分批导入。"]
    assert out.batch.status == "invalid"

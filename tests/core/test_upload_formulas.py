"""Formula cells in uploaded .xlsx files (issue 11, hole 3): read as the value Excel saved with them; a formula with
no saved value is refused at its row and column, in words, and nothing is written. A .csv has no formulas: "=1+1" in
a .csv is the text "=1+1"."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from chanye.core.imports.reader import FORMULA_WITHOUT_VALUE, SheetFormulaError, read_sheet
from chanye.core.imports.runner import run_import
from chanye.core.uscc_gen import make_uscc
from chanye.enterprises.models import Enterprise, MonthlyFigure
from tests.factories import EnterpriseFactory
from tests.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def with_cached_values(data: bytes, values: dict[str, tuple[str, str | None]]) -> bytes:
    """The workbook with the saved values Excel would have written for some formula cells: {"C2": ("20000", None),
    "B3": ("湖北某公司", "str")} (openpyxl writes formulas with an empty <v>, as a program that never calculates)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = part.decode()
                for ref, (value, kind) in values.items():
                    t = f' t="{kind}"' if kind else ""
                    text, n = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                        rf'<c r="{ref}"\1{t}><f>\2</f><v>{value}</v>',
                        text,
                    )
                    assert n == 1, ref
                part = text.encode()
            dst.writestr(info, part)
    return out.getvalue()


@pytest.fixture
def firm(regions):
    return EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)


def test_a_formula_without_a_saved_value_is_refused_at_its_row_and_column(firm, users):
    data = xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [firm.uscc, "2025-01", "=10000*2"]], text_cols=[0])
    with pytest.raises(SheetFormulaError) as e:
        read_sheet(data, "月报.xlsx")
    assert [(c.row, c.column, c.formula) for c in e.value.cells] == [(2, "C", "=10000*2")]
    assert "第2行C列" in str(e.value)
    out = run_import("monthly", data=data, filename="月报.xlsx", user=users["admin"])
    assert [(x.row, x.column, x.value, x.message) for x in out.errors] == [
        (2, "C列", "=10000*2", FORMULA_WITHOUT_VALUE)
    ]
    assert "请在 Excel 中打开并保存后再导入" in FORMULA_WITHOUT_VALUE and not MonthlyFigure.objects.exists()


def test_formulas_with_saved_values_are_read_as_those_values(firm, users):
    data = xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [firm.uscc, "2025-01", "=10000*2"]], text_cols=[0])
    data = with_cached_values(data, {"C2": ("20000", None)})
    assert read_sheet(data, "月报.xlsx").rows[1][2] == 20000
    out = run_import("monthly", data=data, filename="月报.xlsx", user=users["admin"])
    assert out.ok, out.errors
    assert MonthlyFigure.objects.get().output == 20000


def test_a_text_formula_is_read_as_its_saved_text_and_an_empty_text_result_is_allowed(regions, users):
    data = xlsx(
        [
            ["统一社会信用代码", "企业名称", "所属区县", "地址"],
            ["91421200MA4F000001", '="湖北"&"示例科技有限公司"', "咸安区", '=""'],
        ],
        text_cols=[0],
    )
    data = with_cached_values(data, {"B2": ("湖北示例科技有限公司", "str"), "D2": ("", "str")})
    out = run_import("enterprises", data=data, filename="名录.xlsx", user=users["admin"], dry_run=True)
    assert not any(e.message == FORMULA_WITHOUT_VALUE for e in out.errors)
    assert read_sheet(data, "名录.xlsx").rows[1][1] == "湖北示例科技有限公司"


def test_every_formula_without_a_value_is_listed_not_only_the_first(firm, users):
    rows = [["统一社会信用代码", "年月", "工业总产值(万元)", "营业收入(万元)"]]
    rows += [[firm.uscc, f"2025-0{m}", f"=A{m}", f"=B{m}"] for m in range(1, 4)]
    out = run_import("monthly", data=xlsx(rows, text_cols=[0]), filename="m.xlsx", user=users["admin"])
    assert [(e.row, e.column) for e in out.errors] == [
        (2, "C列"),
        (2, "D列"),
        (3, "C列"),
        (3, "D列"),
        (4, "C列"),
        (4, "D列"),
    ]


def test_formula_text_in_a_csv_is_plain_text(regions, users):
    code = make_uscc(random.Random(7), "421202")
    data = csv_bytes([["统一社会信用代码", "企业名称", "所属区县"], [code, "=1+1", "咸安区"]])
    assert read_sheet(data, "名录.csv").rows[1][1] == "=1+1"
    assert run_import("enterprises", data=data, filename="名录.csv", user=users["admin"]).ok
    assert Enterprise.objects.get(uscc=code).name == "=1+1"

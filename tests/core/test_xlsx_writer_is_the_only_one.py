"""One writer path: only chanye/core/xlsx.py makes openpyxl workbooks, so no export can forget to neutralise text that
a spreadsheet program would run as a formula (issue 11, hole 3)."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from chanye.core import xlsx

CHANYE = Path(__file__).resolve().parents[2] / "chanye"
WRITER = CHANYE / "core" / "xlsx.py"


def _workbook_makers(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            found += [
                f"{path.name}:{node.lineno} from {node.module} import {a.name}"
                for a in node.names
                if "Workbook" in a.name
            ]
        elif isinstance(node, ast.Attribute) and node.attr in ("Workbook", "load_workbook"):
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
    return found


def test_no_module_but_core_xlsx_makes_an_openpyxl_workbook():
    found = [m for p in CHANYE.rglob("*.py") if p != WRITER for m in _workbook_makers(p)]
    assert found == []


def test_a_plain_openpyxl_workbook_is_refused_by_to_bytes():
    with pytest.raises(TypeError, match="workbook"):
        xlsx.to_bytes(Workbook())


@pytest.mark.parametrize("write_only", [False, True])
def test_both_kinds_of_workbook_write_formula_like_text_as_text(write_only):
    wb = xlsx.workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    ws.append(['=HYPERLINK("http://x","点我")', "@SUM(1)", " -1+2", "#DIV/0!", "正常", -1, 2.5])
    cells = list(load_workbook(io.BytesIO(xlsx.to_bytes(wb))).worksheets[0][1])
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ('=HYPERLINK("http://x","点我")', "s", True),
        ("@SUM(1)", "s", True),
        (" -1+2", "s", True),
        ("#DIV/0!", "s", True),  # not an error value either
        ("正常", "s", False),
        (-1, "n", False),
        (2.5, "n", False),
    ]

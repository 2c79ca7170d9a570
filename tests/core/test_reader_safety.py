"""Files that must be refused with a clear message: zip bombs, XML entities, oversize, wrong formats."""

import io
import zipfile

import pytest
from django.test import override_settings

from chanye.core.imports.reader import SheetError, read_sheet
from tests.helpers import xlsx


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_is_refused():
    data = _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"0" * 50_000_000}
    )
    with pytest.raises(SheetError, match="压缩"):
        read_sheet(data, "bomb.xlsx")


def test_billion_laughs_entity_declaration_is_refused():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<workbook>&lol2;</workbook>"
    )
    base = zipfile.ZipFile(io.BytesIO(xlsx([["a"]])))
    parts = {n: base.read(n) for n in base.namelist()}
    parts["xl/workbook.xml"] = evil
    with pytest.raises(SheetError, match="不安全"):
        read_sheet(_zip(parts), "evil.xlsx")


@override_settings(CHANYE_IMPORT_MAX_BYTES=1000)
def test_oversized_file_is_refused():
    with pytest.raises(SheetError, match="MB"):
        read_sheet(b"x" * 2000, "big.csv")


@pytest.mark.parametrize(("name", "match"), [("old.xls", "另存为"), ("doc.pdf", "不支持"), ("fake.xlsx", "不是有效")])
def test_wrong_formats_are_explained(name, match):
    with pytest.raises(SheetError, match=match):
        read_sheet(b"not a spreadsheet", name)


def test_merged_cells_are_filled_with_their_top_left_value():
    sheet = read_sheet(xlsx([["表头A", None, "C"], ["x", "y", "z"]], merges=["A1:B1"]), "m.xlsx")
    assert sheet.rows[0][:2] == ["表头A", "表头A"]

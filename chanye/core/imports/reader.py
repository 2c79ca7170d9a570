"""Reading .xlsx/.csv files people made in Excel, safely and quickly.

.xlsx files are zip archives of XML. Before reading one we check the archive (size, entry count,
compression ratio: a zip bomb is refused) and parse its XML parts through defusedxml (a DTD or entity
declaration is refused), then read the cells with python-calamine (Rust, fast, does not expand
entities). Merged cells are filled with their top-left value, which is how a person reads them.

Size is checked before anything is parsed: the upload's bytes, the archive's declared uncompressed size, the first
sheet's declared dimension, and then its rows counted while its XML is streamed (a few kilobytes at a time, nothing
kept), so a sheet of more than CHANYE_IMPORT_MAX_ROWS rows is refused as soon as its row CHANYE_IMPORT_MAX_ROWS + 1
goes by, before calamine reads a cell. A .csv file is counted the same way while it is parsed, before its rows are
kept. Formula cells are read as the value Excel saved with them; a formula without a saved value (a file written by
a program, never opened in Excel) is refused at its row and column — reading it as empty would import wrong data.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings

MAX_RATIO = 200  # uncompressed/compressed; real sheets compress ~5–20x
MAX_ENTRIES = 10_000


class SheetError(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


class SheetTooLong(SheetError):
    """More rows than CHANYE_IMPORT_MAX_ROWS; `rows_read` says how many were looked at before stopping."""

    def __init__(self, limit: int, rows_read: int) -> None:
        self.limit, self.rows_read = limit, rows_read
        super().__init__(f"文件超过 {limit} 行，请拆分后分批导入。")


FORMULA_WITHOUT_VALUE = "该单元格是公式且没有计算结果，请在 Excel 中打开并保存后再导入，或复制为数值"


@dataclass
class FormulaCell:
    row: int  # Excel row number (1-based)
    column: str  # Excel column letters
    formula: str


class SheetFormulaError(SheetError):
    """Formula cells without a saved value, each with its row and column."""

    def __init__(self, cells: list[FormulaCell]) -> None:
        self.cells = cells
        first = "、".join(f"第{c.row}行{c.column}列" for c in cells[:5])
        more = f"等{len(cells)}个单元格" if len(cells) > 5 else ""
        super().__init__(f"{first}{more}：{FORMULA_WITHOUT_VALUE}。")


@dataclass
class Sheet:
    rows: list[list[Any]]  # rows[i] is Excel row i+1
    name: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1), 0-based inclusive


def _check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise SheetError(
            "文件不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的 .xls/.csv）。请在 Excel 中另存为 .xlsx 后重试。"
        ) from e
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise SheetError("文件结构异常（压缩包内文件过多），已拒绝。")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > settings.CHANYE_IMPORT_MAX_UNCOMPRESSED:
        raise SheetError(
            f"文件解压后超过 {settings.CHANYE_IMPORT_MAX_UNCOMPRESSED // 2**20} MB，已拒绝。请拆分后分批导入。"
        )
    if total / packed > MAX_RATIO:
        raise SheetError("文件压缩比异常（疑似“压缩炸弹”），已拒绝。")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SheetError("文件不是 Excel 工作簿（.xlsx）。")
    # Every XML part goes through defusedxml; sheet data is large, so for those only the prologue is checked.
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as fh:
            if info.filename.startswith("xl/worksheets/") or info.file_size > 2 * 2**20:
                head = fh.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise SheetError("文件包含不安全的 XML 声明（DTD/实体），已拒绝。")
                continue
            try:
                SafeET.fromstring(fh.read())
            except DefusedXmlException as e:
                raise SheetError("文件包含不安全的 XML 声明（DTD/实体），已拒绝。") from e
            except SafeET.ParseError as e:
                raise SheetError(f"文件内部 XML 损坏（{info.filename}），请在 Excel 中另存后重试。") from e


_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix some writers use (<x:row>)
_ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row\b([^>]*)>")
_R_ATTR = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
_FORMULA_TAG = re.compile(rb"<" + _PREFIX + rb"f[\s>/]")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"dimension\s+ref\s*=\s*[\"']\$?[A-Z]*\$?(\d+)(?::\$?[A-Z]*\$?(\d+))?[\"']")
_CHUNK = 1 << 16
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet_part(zf: zipfile.ZipFile) -> str | None:
    """The archive path of the workbook's first sheet (the one calamine reads), from workbook.xml and its rels."""
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):
        return None
    first = next((e for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"), None)
    if first is None:
        return None
    rid = first.get(_REL)
    for rel in rels.iter():
        if rel.get("Id") == rid and rel.get("Target"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return path if path in zf.namelist() else None
    return None


def _stream(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes a chunk at a time; a chunk starts at a tag boundary, so no tag is split between two."""
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            buf = carry + chunk
            cut = buf.rfind(b"<")
            if cut <= 0:
                carry = buf[-4096:] if len(buf) > 4096 else buf
                continue
            yield buf[:cut]
            carry = buf[cut:]
    if carry:
        yield carry


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> bool:
    """Count the sheet's rows while streaming its XML and stop past CHANYE_IMPORT_MAX_ROWS; returns whether the sheet
    holds any formula. Nothing is kept: the memory used is one chunk, whatever the size of the sheet."""
    limit = settings.CHANYE_IMPORT_MAX_ROWS
    last = seen = 0
    formulas = False
    first = True
    for chunk in _stream(zf, part):
        if first:
            first = False
            dim = _DIMENSION.search(chunk)
            if dim:
                declared = int(dim.group(2) or dim.group(1))
                if declared > limit:  # the sheet says so itself: refuse before reading a row
                    raise SheetTooLong(limit, 0)
        for m in _ROW_TAG.finditer(chunk):
            r = _R_ATTR.search(m.group(1))
            last = int(r.group(1)) if r else last + 1
            seen += 1
            if last > limit:
                raise SheetTooLong(limit, seen)
        if not formulas and _FORMULA_TAG.search(chunk):
            formulas = True
    return formulas


def _formulas_without_value(zf: zipfile.ZipFile, part: str) -> list[FormulaCell]:
    """Formula cells with no saved value (no <v>, or an empty one for a non-text result). Only run on a sheet that
    holds formulas; elements are cleared as they are read."""
    found: list[FormulaCell] = []
    row_no = 0
    with zf.open(part) as fh:
        for _event, el in SafeET.iterparse(fh, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "row":
                el.clear()
                continue
            if tag != "c":
                continue
            f = v = None
            for child in el:
                ctag = child.tag.rsplit("}", 1)[-1]
                if ctag == "f":
                    f = child
                elif ctag == "v":
                    v = child
            if f is not None and (v is None or (not v.text and el.get("t") != "str")):
                ref = el.get("r") or ""
                m = re.match(r"([A-Z]+)(\d+)$", ref)
                col, row_no = (m.group(1), int(m.group(2))) if m else ("?", row_no)
                found.append(FormulaCell(row_no, col, "=" + (f.text or "")))
                if len(found) >= 1000:
                    break
            el.clear()
    return found


def _check_sheet(data: bytes) -> None:
    """Rows counted and formulas checked on the first sheet's XML, before calamine parses it."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    part = _first_sheet_part(zf)
    if part is None:
        return  # calamine says what is wrong with the workbook
    try:
        if _scan_sheet(zf, part):
            cells = _formulas_without_value(zf, part)
            if cells:
                raise SheetFormulaError(cells)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # e.g. a part whose declared size or checksum lies
        raise SheetError("文件已损坏（压缩内容与声明不符），已拒绝。请在 Excel 中另存后重试。") from e
    except SafeET.ParseError as e:
        raise SheetError(f"文件内部 XML 损坏（{part}），请在 Excel 中另存后重试。") from e


def _read_xlsx(data: bytes) -> Sheet:
    from python_calamine import CalamineWorkbook

    _check_zip(data)
    _check_sheet(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if not names:
            raise SheetError("工作簿中没有工作表。")
        ws = wb.get_sheet_by_name(names[0])
        if ws.end is not None and ws.end[0] + 1 > settings.CHANYE_IMPORT_MAX_ROWS:  # cells placed past their <row>
            raise SheetTooLong(settings.CHANYE_IMPORT_MAX_ROWS, 0)
        rows = ws.to_python(skip_empty_area=False)  # a list of lists, rows[i] is Excel row i + 1
        merged = []
        try:
            for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []:
                merged.append((r0, c0, r1, c1))
        except Exception:
            merged = []
    except SheetError:
        raise
    except Exception as e:  # calamine raises its own error types
        raise SheetError(f"无法读取该 Excel 文件：{e}") from e
    return Sheet(rows=rows, name=names[0], merged=merged)


def _csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, checked a megabyte at a time (the file is never decoded whole)."""
    for enc in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            for i in range(0, len(data), 1 << 20):
                decoder.decode(data[i : i + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return enc
    raise SheetError("无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030）。")


def _csv_rows(data: bytes, enc: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=enc, newline=""), delimiter=delimiter)


def _read_csv(data: bytes) -> Sheet:
    enc = _csv_encoding(data)
    try:
        sample = data[:8192].decode(enc, errors="ignore")
        delimiter = csv.Sniffer().sniff(sample[:4096], delimiters=",\t;，").delimiter
    except csv.Error:
        delimiter = ","
    limit = settings.CHANYE_IMPORT_MAX_ROWS
    if data.count(b"\n") >= limit:  # perhaps too long (a quoted cell may hold line breaks): count, keeping nothing
        for seen, _ in enumerate(_csv_rows(data, enc, delimiter), start=1):
            if seen > limit:
                raise SheetTooLong(limit, seen)
    rows = []
    for row in _csv_rows(data, enc, delimiter):
        rows.append(row)
        if len(rows) > limit:
            raise SheetTooLong(limit, len(rows))
    return Sheet(rows=rows, name="csv")


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read the first worksheet of an .xlsx file, or a .csv file, into rows of cell values."""
    if len(data) > settings.CHANYE_IMPORT_MAX_BYTES:
        raise SheetError(f"文件超过 {settings.CHANYE_IMPORT_MAX_BYTES // 2**20} MB，请拆分后分批导入。")
    if not data:
        raise SheetError("文件是空的。")
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheet = _read_xlsx(data)
    elif suffix in (".csv", ".txt"):
        sheet = _read_csv(data)
    elif suffix == ".xls":
        raise SheetError("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后重试。")
    else:
        raise SheetError(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件。")
    if len(sheet.rows) > settings.CHANYE_IMPORT_MAX_ROWS:  # already refused while reading; kept as the rule
        raise SheetTooLong(settings.CHANYE_IMPORT_MAX_ROWS, len(sheet.rows))
    fill_merged(sheet)
    return sheet


def fill_merged(sheet: Sheet) -> None:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(sheet.rows):
            continue
        top = sheet.rows[r0]
        value = top[c0] if c0 < len(top) else None
        if value in (None, ""):
            continue
        for r in range(r0, min(r1, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            for c in range(c0, c1 + 1):
                while len(row) <= c:
                    row.append(None)
                if row[c] in (None, ""):
                    row[c] = value

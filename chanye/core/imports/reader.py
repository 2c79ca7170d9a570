"""Reading .xlsx/.csv files people made in Excel, safely and quickly.

.xlsx files are zip archives of XML. Before reading one we check the archive (size, entry count,
compression ratio: a zip bomb is refused) and parse its XML parts through defusedxml (a DTD or entity
declaration is refused), then read the cells with python-calamine (Rust, fast, does not expand
entities). Merged cells are filled with their top-left value, which is how a person reads them.
"""

from __future__ import annotations

import csv
import io
import zipfile
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


def _read_xlsx(data: bytes) -> Sheet:
    from python_calamine import CalamineWorkbook

    _check_zip(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if not names:
            raise SheetError("工作簿中没有工作表。")
        ws = wb.get_sheet_by_name(names[0])
        rows = ws.to_python(skip_empty_area=False)
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
    return Sheet(rows=[list(r) for r in rows], name=names[0], merged=merged)


def _read_csv(data: bytes) -> Sheet:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030）。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [list(r) for r in reader]
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
    if len(sheet.rows) > settings.CHANYE_IMPORT_MAX_ROWS:
        raise SheetError(f"文件超过 {settings.CHANYE_IMPORT_MAX_ROWS} 行，请拆分后分批导入。")
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

"""Benchmark regions (对标地区) for the relatedness analysis (issue 6 §6): output by GB/T 4754 manufacturing division
(大类) of regions outside the city, as statistical yearbooks print it, imported into `BenchmarkFigure` and stacked
under the counties' own matrix so that revealed comparative advantage is measured against a wider economy than the
city alone.

The yearbook table is a matrix: one row per region, one column per division. What is accepted:

* the header row is the row (within the first 15) with the most division columns; a division column is headed by its
  2-digit code with or without its name (``13``, ``C13``, ``13 农副食品加工业``) or by the name alone
  (``农副食品加工业``); 合计/总计 columns and unknown columns are left out with a note;
* the region names are in the first non-division column left of the divisions (``地区``, or a blank corner cell);
* the unit (亿元 or 万元) must be written in the title, in a header cell or in a ``单位：亿元`` line; figures are
  stored in 万元 like the counties' monthly figures;
* the year is the ``2023年`` of the title unless given as an option;
* ``—``/``-``/blank cells (not produced, or not published) count as 0; 合计/小计 rows and ``注：`` lines are skipped.
* a table printed the other way round (divisions down the first column, regions across) is read transposed, and
  its problems are reported at the cells as printed (row of the division, column letter of the region);
* headings are recognised from text first, so a row of two-digit figures is never taken for division codes.

Every problem is reported with its row, column, value and reason, in Chinese, and nothing is written unless the whole
file is clean.

This module reads the table; `importer` stores it and `matrix` reads the stored figures back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from chanye.core.imports.base import HEADER_SCAN_ROWS, RowError
from chanye.core.imports.reader import SheetError, read_sheet
from chanye.core.imports.values import CellError, display, parse_decimal
from chanye.core.text import clean_cell, squash, to_halfwidth

if TYPE_CHECKING:
    import numpy as np

UNITS = {"亿元": Decimal(10000), "万元": Decimal(1)}  # → 万元
MANUFACTURING = (13, 43)  # the divisions the relatedness matrix holds (GB/T 4754 门类 C)
REGION_HEADERS = {"地区", "地区名称", "区域", "省份", "省(区、市)", "省区市", "城市", "市州", "县市区", "地市"}
_CODE = re.compile(r"^[A-Za-z]?(\d{2,4})(?!\d|\s*年)[.、．:：\s]*(.*)$")
_UNIT_IN = re.compile(r"(亿元|万元)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TOTAL = re.compile(r"^(合计|总计|小计|总值|工业总产值|全部工业|规模以上工业|规上工业|制造业|工业|总产值)$")
_NOTE = re.compile(r"^(注|说明|备注|资料来源|数据来源)\s*[:：]")
_STRIP_UNIT = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$")


class BenchmarkError(ValueError):
    """The table cannot be used; `errors` says where and why, in Chinese."""

    def __init__(self, errors: list[RowError], warnings: list[RowError] | None = None) -> None:
        self.errors = errors
        self.warnings = warnings or []
        super().__init__("；".join(str(e) for e in errors[:5]))


@dataclasses.dataclass
class BenchmarkTable:
    regions: list[str]
    industries: list[str]  # 2-digit GB/T 4754 大类 codes, in column order
    values: list[list[Decimal]]  # regions × industries, 万元
    year: int | None
    unit: str
    rows: list[int]  # the table row of each region (the file's row, or its column for a table printed across)
    warnings: list[RowError]
    region_label: str = "地区"  # the heading of the region names
    transposed_from: tuple[list[list[Any]], int] | None = None  # (table, header) of a table printed the other way

    def as_printed(self, problems: list[RowError]) -> list[RowError]:
        """Problems found in the table (e.g. by the importer's own checks) at the cells of the file as printed."""
        return _as_printed(problems, *self.transposed_from) if self.transposed_from else problems

    def matrix(self) -> np.ndarray:
        import numpy as np

        return np.array([[float(v) for v in row] for row in self.values], dtype=float).reshape(
            len(self.regions), len(self.industries)
        )


def _division_names() -> dict[str, str]:
    """Division name → code, for headers that give the name only (GB/T 4754-2017 大类 from the database)."""
    from chanye.industry.models import IndustryCode

    return {squash(name): code for code, name in IndustryCode.objects.filter(level=2).values_list("code", "name")}


def _column_division(text: str, names: Mapping[str, str]) -> tuple[str | None, str]:
    """(division code, problem) for a header cell; (None, "") when the column is not a division at all."""
    h = squash(text)
    h = _STRIP_UNIT.sub("", h) or h
    if not h:
        return None, ""
    m = _CODE.match(h)
    if m:
        code = m.group(1)
        if len(code) != 2:
            return None, f"“{code}”不是两位的国民经济行业大类代码（年鉴表应按大类汇总，如 13、39）"
        if not 1 <= int(code) <= 97:
            return None, f"“{code}”不是有效的国民经济行业大类代码（01—97）"
        return code, ""
    code = names.get(h)
    return (code, "") if code else (None, "")


def parse_benchmark_table(
    data: bytes,
    *,
    filename: str = "benchmarks.xlsx",
    names: Mapping[str, str] | None = None,
    year: int | None = None,
    need_year: bool = True,
) -> BenchmarkTable:
    """Read a yearbook table (regions × divisions); raises `BenchmarkError` with every problem found. The year is
    `year`, else the one in the title (an error when `need_year` and there is none)."""
    names = _division_names() if names is None else {squash(k): v for k, v in names.items()}
    try:
        sheet = read_sheet(data, filename)
    except SheetError as e:
        raise BenchmarkError([RowError(0, "", "", str(e))]) from e
    rows = sheet.rows

    # header: the row with the most division columns
    # (text headings first, so that a row of two-digit figures is not taken for codes; then codes typed as numbers)
    best, best_n = -1, 0
    for labels_only in (True, False):
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            n = sum(
                1
                for c in row
                if c is not None and (_is_label(c) or not labels_only) and _column_division(display(c), names)[0]
            )
            if n > best_n:
                best, best_n = i, n
        if best_n >= 2:
            break
    # a table printed the other way round (divisions down a column, regions across) is read transposed; problems are
    # then reported at the cell of the file as printed (see `_as_printed`)
    transposed = False
    width = max((len(r) for r in rows), default=0)
    for j in range(min(width, HEADER_SCAN_ROWS)):
        n = sum(1 for r in rows if j < len(r) and _is_label(r[j]) and _column_division(display(r[j]), names)[0])
        if n > best_n and n >= 2:
            transposed, best, best_n = True, j, n
    if transposed:
        rows = [[r[j] if j < len(r) else None for r in rows] for j in range(width)]
        try:
            t = _parse_rows(rows, names=names, year=year, need_year=need_year, sheet_name=sheet.name, best=best)
        except BenchmarkError as e:
            raise BenchmarkError(_as_printed(e.errors, rows, best), _as_printed(e.warnings, rows, best)) from None
        t.transposed_from = (rows, best)
        t.warnings = t.as_printed(t.warnings)
        return t
    return _parse_rows(
        rows, names=names, year=year, need_year=need_year, sheet_name=sheet.name, best=best, best_n=best_n
    )


def _is_label(cell: Any) -> bool:
    """A text cell that is not just a number (figures such as 12 or "35" must not pass for division codes)."""
    return isinstance(cell, str) and not re.fullmatch(r"[\d.,\s]+", cell.strip())


_ACROSS = {"注释行": "注释列", "合计行": "合计列", "合计列": "合计行", "无法识别的列": "无法识别的行"}
_ACROSS_WORDS = re.compile("|".join(_ACROSS))


def _as_printed(problems: list[RowError], rows: list[list[Any]], header: int) -> list[RowError]:
    """Problems found in a transposed table, moved back to the cells of the file as printed: the table's row i is
    the file's column i, and a division column is the file's row of that division."""
    from openpyxl.utils import get_column_letter

    cells = rows[header] if header < len(rows) else []
    row_of = {
        display(clean_cell(c)): j + 1 for j, c in enumerate(cells) if clean_cell(c) is not None
    }  # as `_parse_rows`

    def across(message: str) -> str:  # the table's rows are the file's columns, and the other way round
        message = re.sub(r"第(\d+)行", lambda m: f"{get_column_letter(int(m.group(1)))}列", message)
        return _ACROSS_WORDS.sub(lambda m: _ACROSS[m.group(0)], message)

    out = []
    for e in problems:
        if not e.row:
            out.append(e)
            continue
        column = f"{get_column_letter(e.row)}列"
        if e.column in row_of and e.row != header + 1:  # a cell: the division's row, the region's column
            out.append(RowError(row_of[e.column], f"{column}·{e.column}", e.value, across(e.message)))
        elif e.row == header + 1:  # a heading of a division: the file's row of that division, in the first column
            out.append(RowError(row_of.get(e.column, 0), column, e.value or e.column, across(e.message)))
        else:  # a region as a whole (its name): the cell that names it, in the region's column
            cells = rows[e.row - 1] if e.row <= len(rows) else []
            at = next(
                (k + 1 for k, c in enumerate(cells) if e.value and c is not None and squash(display(c)) == e.value), 0
            )
            out.append(RowError(at, column, e.value, across(e.message)))
    return sorted(out, key=lambda e: (e.row, e.column))


def _parse_rows(
    rows: list[list[Any]],
    *,
    names: Mapping[str, str],
    year: int | None,
    need_year: bool,
    sheet_name: str | None,
    best: int,
    best_n: int = 2,
) -> BenchmarkTable:
    errors: list[RowError] = []
    warnings: list[RowError] = []
    if best < 0 or best_n < 2:
        raise BenchmarkError(
            [
                RowError(
                    0,
                    "",
                    "",
                    f"在前{HEADER_SCAN_ROWS}行中找不到行业表头：表头应是至少两个国民经济行业大类，"
                    "写代码（如 13、39）或名称（如 农副食品加工业），第一列为地区。",
                )
            ]
        )
    header = rows[best]
    columns = _division_columns(header, best, names, errors, warnings)
    region_col = _region_column(rows, best, columns[0][0] if columns else 0)
    if region_col < 0:
        errors.append(RowError(best + 1, "地区", "", "第一列应为地区名称，行业列放在其后"))

    # unit and year from the title rows and the header
    head_text = " ".join(
        to_halfwidth(str(c)) for row in rows[: best + 1] for c in row if c is not None and str(c).strip()
    )
    unit = _head_unit(head_text, errors)
    year = _head_year(head_text, year, need_year, sheet_name, errors)
    if errors:
        raise BenchmarkError(errors, warnings)

    header_label = str(clean_cell(header[region_col]) or "地区")
    body = _Body(rows, best, columns, region_col, header_label, UNITS[unit], errors, warnings)
    if not body.regions and not errors:
        errors.append(RowError(0, "", "", "表头下面没有地区数据行"))
    if errors:
        raise BenchmarkError(sorted(errors, key=lambda e: (e.row, e.column)), warnings)
    return BenchmarkTable(
        body.regions, [c for _, c in columns], body.values, year, unit, body.where, warnings, header_label
    )


def _division_columns(
    header: list[Any], best: int, names: Mapping[str, str], errors: list[RowError], warnings: list[RowError]
) -> list[tuple[int, str]]:
    """The header's division columns as (index, code); unknown, total and duplicate columns are reported."""
    columns: list[tuple[int, str]] = []  # (index, code)
    seen: dict[str, int] = {}
    for j, cell in enumerate(header):
        text = clean_cell(cell)
        if text is None:
            continue
        text = display(text)
        code, problem = _column_division(text, names)
        label = squash(_STRIP_UNIT.sub("", squash(text)) or text)
        if problem:
            errors.append(RowError(best + 1, text, text, problem))
        elif code is None:
            if not columns:
                continue  # left of the divisions: the region column or a label
            why = "合计列，已忽略（关联分析按各行业分别计算）" if _TOTAL.match(label) else "无法识别的列，已忽略"
            warnings.append(RowError(best + 1, text, "", why))
        elif code in seen:
            errors.append(RowError(best + 1, text, text, f"行业大类{code}与第{seen[code] + 1}列重复"))
        else:
            seen[code] = j
            columns.append((j, code))
    return columns


def _region_column(rows: list[list[Any]], best: int, first: int) -> int:
    """The column of region names left of the first division column `first`; -1 when there is none."""
    header = rows[best]
    region_col = next(
        (j for j in range(first) if clean_cell(header[j]) is not None and squash(str(header[j])) in REGION_HEADERS),
        None,
    )
    if region_col is not None:
        return region_col
    # no 地区 heading: the column nearest the divisions that names most rows below
    body = [r for r in rows[best + 1 :] if any(clean_cell(c) is not None for c in r)]
    filled = [
        j for j in range(first) if sum(1 for r in body if j < len(r) and clean_cell(r[j]) is not None) * 2 >= len(body)
    ]
    return filled[-1] if filled else (0 if first > 0 else -1)


def _head_unit(head_text: str, errors: list[RowError]) -> str:
    """The one unit (亿元/万元) named in the title rows and the header; "" (and an error) otherwise."""
    units = set(_UNIT_IN.findall(head_text))
    if len(units) > 1:
        errors.append(RowError(0, "单位", "、".join(sorted(units)), "标题和表头中的单位不一致，请统一为亿元或万元"))
    elif not units:
        errors.append(RowError(0, "单位", "", "请在标题或表头中注明产值单位，例如“单位：亿元”或“工业总产值(万元)”"))
    else:
        return units.pop()
    return ""


def _head_year(
    head_text: str, year: int | None, need_year: bool, sheet_name: str | None, errors: list[RowError]
) -> int | None:
    """The data year: the one given, else the one named in the title (or the sheet name) when it is needed."""
    if year is None and need_year:
        years = sorted(set(_YEAR.findall(head_text + " " + (sheet_name or ""))))
        if len(years) == 1:
            year = int(years[0])
        elif len(years) > 1:
            errors.append(RowError(0, "年份", "、".join(years), "标题中有多个年份：请只保留数据所属年份，或导入时指定"))
        else:
            errors.append(RowError(0, "年份", "", "请在标题中注明数据年份（如“2023年”），或在导入时指定年份"))
    if year is not None and not 1990 <= year <= timezone.localdate().year:
        errors.append(RowError(0, "年份", str(year), f"年份应在1990—{timezone.localdate().year}之间"))
    return year


_NOT_PUBLISHED = {"…", "...", "x", "X", "×"}


class _Body:
    """The region rows below the header: names, file rows and values in 万元; problems go to `errors`/`warnings`."""

    def __init__(
        self,
        rows: list[list[Any]],
        best: int,
        columns: list[tuple[int, str]],
        region_col: int,
        header_label: str,
        factor: Decimal,
        errors: list[RowError],
        warnings: list[RowError],
    ) -> None:
        self.header = rows[best]
        self.columns = columns
        self.region_col = region_col
        self.header_label = header_label
        self.factor = factor
        self.errors = errors
        self.warnings = warnings
        self.regions: list[str] = []
        self.where: list[int] = []
        self.values: list[list[Decimal]] = []
        self.first_row: dict[str, int] = {}
        for i in range(best + 1, len(rows)):
            self._read_row(i, rows[i])

    def _read_row(self, i: int, raw: list[Any]) -> None:
        name = self._region_name(i, raw)
        if name is None:
            return
        self.first_row[name] = i + 1
        row_values: list[Decimal] = []
        blanks = 0
        for j, _code in self.columns:
            cell = clean_cell(raw[j]) if j < len(raw) else None
            if cell is None or (isinstance(cell, str) and cell in _NOT_PUBLISHED):
                row_values.append(Decimal(0))
                blanks += 1
                continue
            try:
                v = parse_decimal(cell)
            except CellError as e:
                self.errors.append(RowError(i + 1, display(self.header[j]), display(cell), str(e)))
                continue
            row_values.append(v * self.factor)
        if blanks:
            self.warnings.append(
                RowError(i + 1, self.header_label, name, f"{blanks}个行业为空或“—”，按0计（未生产或未公布）")
            )
        self.regions.append(name)
        self.where.append(i + 1)
        self.values.append(row_values)

    def _region_name(self, i: int, raw: list[Any]) -> str | None:
        """The row's region name; None for blank, note and total rows and for unusable names (reported)."""
        texts = [str(c) for c in (clean_cell(x) for x in raw) if c is not None]
        if not texts:
            return None
        name_cell = clean_cell(raw[self.region_col]) if self.region_col < len(raw) else None
        name = squash(display(name_cell)) if name_cell is not None else ""
        label = self.header_label
        if _NOTE.match(squash(texts[0])):
            self.warnings.append(RowError(i + 1, "", texts[0][:30], "识别为注释行，已跳过"))
            return None
        if _TOTAL.match(name) or re.match(r"^(合\s*计|总\s*计)", name):
            self.warnings.append(RowError(i + 1, label, name, "识别为合计行，已跳过"))
            return None
        problem = None
        if not name:
            problem = RowError(i + 1, label, "", "缺少地区名称")
        elif len(name) > 60:
            problem = RowError(i + 1, label, name[:30], "地区名称过长（最多60个字）")
        elif name in self.first_row:
            problem = RowError(i + 1, label, name, f"与第{self.first_row[name]}行的地区重复")
        if problem:
            self.errors.append(problem)
            return None
        return name


def parse_benchmark_xlsx(
    data: bytes, *, filename: str = "benchmarks.xlsx", names: Mapping[str, str] | None = None
) -> tuple[list[str], list[str], np.ndarray]:
    """(region names, 2-digit division codes, regions × divisions output in 万元) of a yearbook table; raises
    `BenchmarkError` (row/column/value/reason in Chinese) when anything in it cannot be used. `names` maps division
    names to codes for headers without a code (default: the GB/T 4754 大类 names in the database)."""
    t = parse_benchmark_table(data, filename=filename, names=names, need_year=False)
    return t.regions, t.industries, t.matrix()

"""Turning what Excel users type into clean values, or a Chinese reason why not."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from chanye.core.text import to_halfwidth


class CellError(ValueError):
    """A cell that cannot be used; the message is the reason shown to the user."""


EXCEL_EPOCH = dt.date(1899, 12, 30)


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_identifier(value: Any, label: str = "代码") -> str:
    """An identifier cell must be text: Excel keeps only 15 significant digits of a number."""
    if isinstance(value, bool):
        raise CellError(f"{label}应为文本")
    if isinstance(value, int | float):
        raise CellError(
            f"{label}以数字格式保存：Excel 数字只保留15位有效数字，18位代码可能已丢失末尾几位。"
            "请把该列设置为“文本”格式后重新输入（或从原始系统重新复制）。"
        )
    s = "".join(to_halfwidth(str(value)).split()).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", s):
        raise CellError(f"{label}是科学计数法（{s}），说明已被 Excel 当作数字丢失了位数，请将该列设为文本后重新输入。")
    return s


_NUM_CLEAN = re.compile(r"[,\s，'’]")


def parse_decimal(value: Any, *, allow_negative: bool = False) -> Decimal:
    """Numbers as numbers or as text: thousands separators, full-width digits, (123) for negatives."""
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("应为数字")
        d = Decimal(repr(value))
    else:
        s = _NUM_CLEAN.sub("", to_halfwidth(str(value)))
        negative = False
        if s.startswith("(") and s.endswith(")"):
            s, negative = s[1:-1], True
        if s.endswith("%"):
            raise CellError("应为数值，不要带百分号")
        try:
            d = Decimal(s)
        except InvalidOperation as e:
            raise CellError("不是数字") from e
        if not d.is_finite():
            raise CellError("不是数字")
        if negative:
            d = -d
    if d < 0 and not allow_negative:
        raise CellError("不能为负数")
    return d


_MONTH_PATTERNS = [
    re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?(?:[-/.]\s*\d{1,2}\s*日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
    ),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_year(value: Any, *, example: int = 2025) -> int:
    """A four-digit year between 2000 and 2100 (2024, 2024.0, “2024”), refused in words otherwise."""
    try:
        y = int(parse_decimal(value))
    except CellError:
        y = 0
    if not 2000 <= y <= 2100:
        raise CellError(f"年度应为四位数字，如 {example}")
    return y


def parse_month(value: Any, *, today: dt.date | None = None, allow_future: bool = False) -> dt.date:
    """A month as a date cell, an Excel date serial, 202503, 2025-03, 2025/3, 2025年3月 …; first day returned."""
    today = today or timezone.localdate()
    if isinstance(value, dt.datetime):
        d = value.date().replace(day=1)
    elif isinstance(value, dt.date):
        d = value.replace(day=1)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        n = int(value)
        if n != value:
            raise CellError("无法识别为年月")
        if 190001 <= n <= 210012:
            y, m = divmod(n, 100)
            if not 1 <= m <= 12:
                raise CellError("月份应在1—12之间")
            d = dt.date(y, m, 1)
        elif 1 <= n <= 80000:
            d = (EXCEL_EPOCH + dt.timedelta(days=n)).replace(day=1)  # Excel date serial
        else:
            raise CellError("无法识别为年月（示例：2025-03 或 2025年3月）")
    else:
        s = to_halfwidth(str(value)).strip()
        for pat in _MONTH_PATTERNS:
            found = pat.match(s)
            if found:
                y, mo = int(found.group(1)), int(found.group(2))
                if not 1 <= mo <= 12:
                    raise CellError("月份应在1—12之间")
                d = dt.date(y, mo, 1)
                break
        else:
            if s.isdigit() and 20000 <= int(s) <= 80000:
                d = (EXCEL_EPOCH + dt.timedelta(days=int(s))).replace(day=1)
            else:
                raise CellError("无法识别为年月（示例：2025-03 或 2025年3月）")
    if d.year < 2000:
        raise CellError("年份早于2000年，请检查")
    if not allow_future and d > today.replace(day=1):
        raise CellError(f"月份 {d:%Y-%m} 在未来（今天是 {today:%Y-%m-%d}）")
    return d


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        n = int(value)
        if 19000101 <= n <= 21001231:
            try:
                return dt.date(n // 10000, n // 100 % 100, n % 100)
            except ValueError as e:
                raise CellError("不是有效日期") from e
        if 1 <= n <= 80000:
            return EXCEL_EPOCH + dt.timedelta(days=n)
        raise CellError("无法识别为日期")
    s = to_halfwidth(str(value)).strip()
    m = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as e:
            raise CellError("不是有效日期") from e
    m = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    raise CellError("无法识别为日期（示例：2024-06-30）")


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "规上", "已入规"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "规下", "未入规"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError("应为“是”或“否”")
    s = to_halfwidth(str(value)).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError("应为“是”或“否”")


_SPLIT = re.compile(r"[、,，;；/|\n]+")


def split_list(value: Any) -> list[str]:
    return [p.strip() for p in _SPLIT.split(to_halfwidth(str(value))) if p.strip()]

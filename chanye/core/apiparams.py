"""Typed query parameters for the API and the Chinese words for a malformed one (422, never 500)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.http import HttpRequest
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def _month(value: Any) -> Any:
    """'2025-06' or '2025-06-01' → date(2025, 6, 1); '' → None; anything else is refused with the expected shape."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    m = _MONTH.match(text)
    try:
        if m is None:
            raise ValueError
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise PydanticCustomError("month", "应为月份 YYYY-MM（如 2025-06）或该月的日期 YYYY-MM-DD") from None
    return day.replace(day=1)


Month = Annotated[
    dt.date | None,
    BeforeValidator(_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{1,2}(-\d{1,2})?$", "examples": ["2025-06"]}),
]
"""A month as `YYYY-MM` (or a date in it, `YYYY-MM-DD`), given as the first of the month; empty means none."""

Year = Annotated[int, Field(ge=1900, le=2200)]
"""A calendar year, four digits."""


def _expected(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    words = {
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "bool_parsing": "应为 true 或 false（也可用 1 或 0）",
        "date_parsing": "应为日期 YYYY-MM-DD",
        "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
        "datetime_parsing": "应为日期时间 YYYY-MM-DDTHH:MM",
        "missing": "缺少该参数",
        "string_too_long": f"不能超过 {ctx.get('max_length')} 个字符",
        "string_too_short": f"至少 {ctx.get('min_length')} 个字符",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "less_than_equal": f"应不大于 {ctx.get('le')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "enum": f"应为以下之一：{ctx.get('expected')}",
        "literal_error": f"应为以下之一：{ctx.get('expected')}",
    }
    if kind in words:
        return words[kind]
    msg = str(error.get("msg", ""))
    if re.search(r"[\u4e00-\u9fff]", msg):
        return msg  # our own PydanticCustomError messages are Chinese already
    return "格式不正确"


_PLACE = {"query": "查询参数", "path": "路径参数", "body": "请求体字段", "form": "表单字段", "header": "请求头"}


def describe(request: HttpRequest, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """django-ninja's validation errors as {"detail": one Chinese sentence, "errors": [{param, in, message, value}]}."""
    items = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        where, name = (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("query", ".".join(loc))
        value = request.GET.get(name) if where == "query" else None
        if value is not None and len(value) > 100:
            value = value[:100] + "…"
        items.append({"param": name, "in": where, "message": _expected(e), "value": value})
    sentences = []
    for i in items:
        got = f"，收到“{i['value']}”" if i["value"] is not None else ""
        sentences.append(f"{_PLACE.get(str(i['in']), '参数')} {i['param']} {i['message']}{got}")
    return {"detail": "；".join(sentences) + "。", "errors": items}

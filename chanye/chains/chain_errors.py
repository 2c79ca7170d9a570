"""What is wrong with an uploaded chain file, in Chinese and placed (sheet, Excel row, column, value; or chain and
link for YAML): `ChainFileError`, `ChainImportError` (nothing was written), and pydantic's errors on a ChainSpec
turned into such errors (`spec_errors`, used by the file import and the chain edit form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydantic

from chanye.core.imports.values import display

from .chain_format import CHAIN_COLUMNS, LINK_COLUMNS


@dataclass
class ChainFileError:
    """One problem of an uploaded chain file: where it is (sheet and Excel row, or chain/link for YAML) and why."""

    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    value: str = ""
    where: str = ""  # YAML: 第1条产业链“…”·第2个环节“…”

    def __str__(self) -> str:
        place = self.where
        if self.sheet:
            place = f"工作表“{self.sheet}”" + (f"第{self.row}行" if self.row else "")
        col = f"［{self.column}］" if self.column else ""
        val = f"值“{self.value}”" if self.value else ""
        return f"{place or '文件'}{col}{val}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "where": self.where,
            "message": self.message,
        }


class ChainImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[ChainFileError]) -> None:
        self.errors = errors
        super().__init__("；".join(str(e) for e in errors[:5]))


LINK_FIELD_LABELS = {c.key: c.label.split("(")[0] for c in LINK_COLUMNS} | {"name": "环节名称", "code": "环节编号"}
CHAIN_FIELD_LABELS = {c.key: c.label for c in CHAIN_COLUMNS} | {"links": "环节"}


def _pydantic_message(err: Any) -> str:
    kind, msg = err.get("type", ""), str(err.get("msg", ""))
    field_name = err["loc"][-1] if err.get("loc") else ""
    if kind == "missing":
        return "不能为空"
    if kind == "literal_error" and field_name == "stage":
        return "应为 上游/中游/下游"
    if kind.startswith("bool"):
        return "应为“是”或“否”"
    if kind.startswith("int"):
        return "应为整数"
    if kind.startswith("string"):
        return "应为文本"
    if kind.startswith("list"):
        return "应为列表（多个值用顿号分隔）"
    if kind.startswith("dict") or kind == "model_type":
        return "格式不对（应为“名称: 值”的映射）"
    if kind == "extra_forbidden":
        return f"无法识别的字段“{field_name}”"
    msg = msg.removeprefix("Value error, ")
    return msg if not msg.isascii() else "格式不对"  # our validators speak Chinese; pydantic's own words do not


def spec_errors(
    e: pydantic.ValidationError,
    *,
    chain_place: dict[str, Any],
    link_place: Any,
    link_labels: dict[str, str] | None = None,
) -> list[ChainFileError]:
    """Turn pydantic's errors on a ChainSpec into Chinese ones placed at the chain (`chain_place`: ChainFileError
    keyword arguments) or the link (`link_place(index)` → keyword arguments); `link_labels` names the columns."""
    labels = LINK_FIELD_LABELS | (link_labels or {})
    out: list[ChainFileError] = []
    for err in e.errors():
        loc = list(err.get("loc") or ())
        value = err.get("input")
        message = _pydantic_message(err)
        if loc and loc[0] == "links" and len(loc) >= 2 and isinstance(loc[1], int):
            place = dict(link_place(loc[1]))
            field_name = str(loc[2]) if len(loc) > 2 else ""
            if field_name:
                place["column"] = labels.get(field_name, field_name)
            if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
                place["value"] = "、".join(str(v) for v in value)
            elif not isinstance(value, dict | list):
                place["value"] = display(value)
            out.append(ChainFileError(message, **place))
        elif loc:
            place = dict(chain_place)
            place["column"] = CHAIN_FIELD_LABELS.get(str(loc[0]), str(loc[0]))
            if not isinstance(value, dict | list):
                place["value"] = display(value)
            out.append(ChainFileError(message, **place))
        else:  # the chain as a whole (the graph checks of ChainSpec)
            for part in message.split("；"):
                out.append(ChainFileError(part, **chain_place))
    return out

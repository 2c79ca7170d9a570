"""Reading a pack: YAML parsed and validated, every problem reported in Chinese with its location (PackError)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chanye.industry.schema.pack import PackSpec

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（拼写错误？）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值对",
    "model_type": "应为键值对（映射）",
    "literal_error": "取值不在允许范围内",
    "too_short": "至少应有一项",
    "greater_than_equal": "数值小于允许的最小值",
    "less_than_equal": "数值大于允许的最大值",
}


class PackError(Exception):
    """A pack that cannot be loaded; `problems` lists every reason in Chinese with its location."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"政策包 {path} 有 {len(problems)} 处错误：\n" + "\n".join(f"  - {p}" for p in problems))


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(根)"


def parse(text: str, path: str = "<pack>") -> PackSpec:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise PackError(path, [f"YAML 格式错误 {where}：{getattr(e, 'problem', e)}"]) from e
    if not isinstance(data, dict):
        raise PackError(path, ["文件内容应为一个映射（键: 值）"])
    try:
        return PackSpec.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            msg = _MESSAGES.get(err["type"], err["msg"])
            if err["type"] in ("value_error", "assertion_error"):
                msg = str(err.get("ctx", {}).get("error", err["msg"]))
            if err["type"] == "literal_error":
                msg += f"（允许：{err.get('ctx', {}).get('expected', '')}）"
            loc = _loc(err["loc"])
            problems.append(
                f"{loc}：{msg}"
                + (
                    f"（实际值：{err['input']!r}）"
                    if err["type"] not in ("missing", "value_error") and not isinstance(err.get("input"), dict | list)
                    else ""
                )
            )
        raise PackError(path, problems) from e


def read(path: str | Path) -> PackSpec:
    p = Path(path)
    if not p.exists():
        raise PackError(str(path), [f"文件不存在：{path}"])
    return parse(p.read_text(encoding="utf-8"), str(path))

"""What every part of the pack schema shares: the strict base model and the rule-ID and code checks."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

RULE_ID = re.compile(r"^[A-Z]{2}-[A-Z]+-\d+$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_\-.]*$")


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_rule(v: str | None) -> str | None:
    if v and not RULE_ID.match(v):
        raise ValueError(f"规则编号“{v}”格式应如 XN-CL-1")
    return v


def check_code(v: str) -> str:
    if not CODE.match(v):
        raise ValueError("编号只能用小写字母、数字、- _ .")
    return v

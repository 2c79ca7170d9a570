"""The city and its industrial system: the city, the families of the industrial system, the regions
(GB/T 2260 codes) and the key industries."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from chanye.industry.schema.base import Base, check_code, check_rule


class City(Base):
    code: str
    name: str
    province: str = ""


class Family(Base):
    code: str
    name: str


class IndustrialSystem(Base):
    label: str = Field(description="e.g. 5+4")
    name: str = ""
    description: str = ""
    rule: str | None = None
    families: list[Family] = []

    _rule = field_validator("rule")(check_rule)


class RegionSpec(Base):
    code: str
    name: str
    short_name: str = ""
    level: Literal["province", "city", "county", "park"]
    county_level: bool = False
    parent: str | None = None
    stats_code: str = ""

    @field_validator("stats_code")
    @classmethod
    def _stats(cls, v: str) -> str:
        if v and not re.fullmatch(r"\d{12}", v):
            raise ValueError("统计用区划代码应为12位数字")
        return v

    @model_validator(mode="after")
    def _gb2260(self) -> RegionSpec:
        if self.level in ("province", "city", "county") and not re.fullmatch(r"\d{6}", self.code):
            raise ValueError(f"{self.name}：省、市、区县应使用6位 GB/T 2260 代码")
        if self.level == "park" and re.fullmatch(r"\d{6}", self.code):
            raise ValueError(f"{self.name}：园区没有 GB/T 2260 代码，请使用本地代码（如 421200-GX）")
        return self


class IndustrySpec(Base):
    code: str
    name: str
    rule: str | None = None
    gbt4754: list[str] = []

    _rule = field_validator("rule")(check_rule)

    _code = field_validator("code")(check_code)

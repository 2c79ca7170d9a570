"""Who does what: departments and the tasks they lead (EZ-ORG-1), the city leaders' liaison arrangement of each
千亿级产业 (YY-ORG-1), the enterprise ladder's criteria (XN-RD-6) and chain-leader selection (XN-LZ-1, XN-LZ-9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from chanye.industry.schema.base import Base, check_rule


class DepartmentSpec(Base):
    code: str
    name: str


Cadence = Literal["month", "quarter", "year"]


class TaskSpec(Base):
    """A task with its responsible units (EZ-ORG-1, YY-ORG-1), tracked on the 督办 pages.

    `lead`: the lead unit's name, "" for the pack's default (`task_defaults.lead`), "none" where the text names no
    lead (益阳 服务业 分工负责). `deadline`, `cadence` (how often each unit reports progress) and `key` (重点督办)
    default to `task_defaults`."""

    code: str
    label: str
    units: list[str]
    rule: str | None = None
    source_text: str = ""
    lead: str = ""
    deadline: dt.date | None = None
    cadence: Cadence | None = None
    key: bool | None = None

    _rule = field_validator("rule")(check_rule)


class TaskDefaults(Base):
    """What the text says of all its tasks at once: `lead: first` (益阳 “排第一的为牵头单位”), units co-responsible
    for every task (鄂州 “以下工作均需各区人民政府、葛店经开区、临空经济区管委会具体落实”), a reporting cadence,
    重点督办."""

    lead: Literal["first", "none"] = "none"
    co_responsible: list[str] = []
    cadence: Cadence | None = None
    key: bool = False


class LiaisonIndustry(Base):
    """One industry of the liaison arrangement (YY-ORG-1): a top-level cluster and its lead unit (牵头单位) as the text
    names it; `lead_unit` empty where the text names no single lead (益阳 服务业 “分工负责”), with `note` saying so."""

    cluster: str
    lead_unit: str = ""
    note: str = ""


class IndustryLiaisonSpec(Base):
    """The city-leader liaison arrangement of the key industries (YY-ORG-1, 益阳 四（三）“实行千亿级产业市级领导
    联系机制，按照‘两名市领导、一个牵头单位、一套工作班子’的工作模式”): per industry, how many city leaders (the text
    names none: the city fills them in), the lead unit, and a working team the city keeps. The lead units also keep
    the industry's monitoring catalogue (YY-M-1)."""

    rule: str | None = "YY-ORG-1"
    leaders_per_industry: int = Field(default=2, ge=1, le=9)
    source_text: str = ""
    industries: list[LiaisonIndustry] = Field(min_length=1)

    _rule = field_validator("rule")(check_rule)


class TierCriterion(Base):
    """Who may apply for the next tier of the ladder (XN-RD-6): the pack sets the bar, the platform lists firms."""

    tier: Literal["specialized", "little_giant", "single_champion"]
    label: str
    requires: Literal["innovative_sme", "specialized", "little_giant"]
    min_revenue: Decimal = Decimal(0)  # 万元, last 12 months
    min_rd_intensity: Decimal = Decimal(0)  # R&D expense ÷ revenue, %
    rule: str | None = None

    _rule = field_validator("rule")(check_rule)


class LeaderCriterion(Base):
    code: str
    label: str
    weight: Decimal


class ChainLeaderSpec(Base):
    """Chain-leader selection (XN-LZ-1, XN-LZ-9): how many per key industry, the review criteria, the notice."""

    rule: str = "XN-LZ-9"
    per_industry_min: int = 1
    per_industry_max: int = 3
    min_reviewers: int = 3
    pass_score: Decimal = Decimal(60)
    notice_days: int = 5
    criteria: list[LeaderCriterion]

    _rule = field_validator("rule")(check_rule)

    @model_validator(mode="after")
    def _weights(self) -> ChainLeaderSpec:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"链主评审指标权重合计应为100，实际为{total}")
        if not 1 <= self.per_industry_min <= self.per_industry_max:
            raise ValueError("每个产业链主数量的下限和上限不合理")
        return self

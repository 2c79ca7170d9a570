"""The policy's measures: thresholds, targets, size tiers, rewards and subsidies, and the yearly county assessment."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import field_validator, model_validator

from chanye.industry.schema.base import Base, check_code, check_rule


class ThresholdSpec(Base):
    key: str
    label: str
    value: Decimal
    unit: str = ""
    comparator: Literal[">=", ">", "<=", "<", "="] = ">="
    rule: str | None = None

    _rule = field_validator("rule")(check_rule)


class TargetSpec(Base):
    code: str
    indicator: str
    label: str
    value: Decimal
    unit: str = ""
    comparator: Literal[">=", ">", "<=", "<", "=", "increase_by", "decrease_by"] = ">="
    year: int | None = None
    per_year: bool = False
    scope: str = "city"
    params: dict[str, Any] = {}
    rule: str
    source_text: str = ""
    reporter: str = ""  # for a reported figure: the department that reports it (报送单位)
    cadence: Literal["month", "quarter", "year"] | None = None  # how often it is reported (报送频次)

    _rule = field_validator("rule")(check_rule)

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        if v != "city" and not re.match(r"^(region|cluster):.+$", v):
            raise ValueError("范围应为 city、region:区域代码或名称、cluster:集群编号")
        return v

    @field_validator("year")
    @classmethod
    def _year(cls, v: int | None) -> int | None:
        if v is not None and not 2000 <= v <= 2100:
            raise ValueError("年份应在2000—2100之间")
        return v


class TierSpec(Base):
    """A size tier the policy names (黄冈 千亿/百亿/十亿 clusters, 益阳 千百十), optionally with a count target. The
    梯队名单 page (`chanye.targets.echelons`) lists what reaches each tier and what is close to it.

    `family`: for a cluster tier, the cluster family it counts (黄冈 千亿优势 = pillar, 百亿特色 = county, 块状经济 =
    other); none → every top-level cluster. `level`: who cultivates it — the city, or each county (益阳 县级百亿级产业 /
    十亿级企业 / 一亿级项目). `above_scale`: a county or park tier on 规上工业总产值 counts the 规上 firms only."""

    code: str
    name: str
    applies_to: Literal["cluster", "industry", "enterprise", "project", "county", "park"]
    value: Decimal
    unit: str
    comparator: Literal[">=", ">", "<=", "<", "="] = ">"
    measure: str = "revenue"  # revenue | output | investment
    family: str | None = None
    level: Literal["city", "county"] = "city"
    above_scale: bool = False
    rule: str | None = None
    source_text: str = ""

    _rule = field_validator("rule")(check_rule)
    _code = field_validator("code")(check_code)

    @model_validator(mode="after")
    def _fits(self) -> TierSpec:
        if self.family and self.applies_to != "cluster":
            raise ValueError(f"层级“{self.name}”：只有集群层级（applies_to: cluster）可以写 family")
        if self.above_scale and self.applies_to not in ("county", "park"):
            raise ValueError(f"层级“{self.name}”：只有区县、园区层级可以写 above_scale（规上）")
        wanted = ("investment",) if self.applies_to == "project" else ("revenue", "output")
        if self.measure not in wanted:
            raise ValueError(f"层级“{self.name}”的口径（measure）应为 {' 或 '.join(wanted)}，不是“{self.measure}”")
        return self


class RdShareBand(Base):
    """One band of the 高企 R&D-share standard: firms whose sales revenue is at most `revenue_max` 万元 (含; None for
    the open top band) need R&D expense of at least `min_share` % of it."""

    revenue_max: Decimal | None = None
    min_share: Decimal

    @field_validator("min_share")
    @classmethod
    def _share(cls, v: Decimal) -> Decimal:
        if not 0 < v <= 100:
            raise ValueError("研发费用占比应大于0且不超过100（%）")
        return v


class HighTechRdBands(Base):
    """The 高新技术企业 R&D-share standard by revenue band (XN-RD-4 guides firms at a multiple of it to 重大专项).

    The seed text only says “高新技术企业认定标准”; the bands are the national 认定办法's, written in the pack as a
    platform default. Bands ascend by revenue, each bound included in its band, and the last one is open."""

    rule: str
    source: str = ""
    bands: list[RdShareBand]

    _rule = field_validator("rule")(check_rule)

    @model_validator(mode="after")
    def _ascending_and_open(self) -> HighTechRdBands:
        if not self.bands:
            raise ValueError("高企研发费用占比分档不能为空")
        bounds = [b.revenue_max for b in self.bands]
        if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
            raise ValueError("高企研发费用占比分档：只有最后一档不写 revenue_max（以上不封顶）")
        closed = [b for b in bounds if b is not None]
        if any(lo >= hi for lo, hi in itertools.pairwise(closed)) or any(b <= 0 for b in closed):
            raise ValueError("高企研发费用占比分档：revenue_max 应为正数并逐档递增")
        return self


RewardKind = Literal[
    # 年营业收入首次突破 value (亿元): the first year above it, never above it before (HG-R-2)
    "revenue_first_over",
    # 首次进规 (不含退规企业重新进规): the entry year, or `years` after it while still 规上 (HG-R-3)
    "scale_first_entry",
    # after a first entry: `years` consecutive years of revenue growth `comparator` value % (HG-R-3)
    "scale_growth_streak",
    # an honour of `honours` (kind or kind:level) recognised in the year (HG-R-5, EZ-R-2)
    "honour",
    # a cluster recognised at one of `levels`: every year from the recognition, to its county (HG-R-1)
    "cluster_recognised",
    # rate % of the fact `base_fact` (per project when the fact names one), gated by `fact` (EZ-R-1, HG-R-4)
    "fact_rate",
    # amount per unit of the fact `fact` (HG-R-5: 1000元 per new 5G station)
    "fact_per_unit",
    # an accepted subsidy claim of kind `claim` (XN-LZ-6 兼并重组费用, XN-LZ-8 活动补贴): rate × cost, capped
    "claim",
]


class RewardWhen(Base):
    """Who qualifies for a reward, as data the computation reads (rewards.compute). Boundaries follow the text:
    突破/超过 → ">", 以上/达/(含) → ">=". A fact is a figure the registry does not hold (直播销售额, 技改设备投资 …),
    imported per enterprise and year as 奖补事实."""

    kind: RewardKind
    value: Decimal | None = None
    unit: str = ""
    comparator: Literal[">=", ">"] = ">="
    years: int = 0
    honours: list[str] = []  # honour kinds, optionally "kind:level" (specialized:provincial)
    levels: list[str] = []  # cluster recognition levels
    fact: str = ""  # the fact gated by value/comparator (fact_rate) or counted (fact_per_unit)
    base_fact: str = ""  # the fact a rate applies to (fact_rate)
    above_scale: bool = False  # only firms 规上 during the year (EZ-R-1 规模以上工业企业)
    unless_fact: str = ""  # not when the firm has this fact for the year (HG-R-5: 省级资金已奖补的不再重复奖励)
    claim: str = ""  # the claim kind (kind: claim): mna_cost, event


class RewardFactSpec(Base):
    """A figure reward rules need that the registry does not hold, imported per enterprise and year (奖补事实)."""

    key: str
    label: str
    unit: str = ""
    per_project: bool = False

    _key = field_validator("key")(check_code)


class RewardSpec(Base):
    """A reward or subsidy rule (HG-R-1…5, EZ-R-1/2, XN-LZ-6/8): condition in words and, when data can decide it,
    as `when`; amount or rate, cap; `replaces` the lower tiers this one replaces for the same firm, project or
    cluster in the same year (the higher tier replaces the lower, 国家级 not on top of 省级)."""

    code: str
    label: str
    condition: str
    amount: Decimal | None = None
    amount_unit: str = "万元"
    rate: Decimal | None = None  # percent of a base (e.g. 8 % of equipment investment)
    base: str = ""
    cap: Decimal | None = None
    cap_unit: str = "万元"
    per: Literal["once", "per_year", "per_project", "per_enterprise_per_year", "per_industry_per_year", ""] = ""
    rule: str
    source_text: str = ""
    when: RewardWhen | None = None
    replaces: list[str] = []

    _rule = field_validator("rule")(check_rule)
    _code = field_validator("code")(check_code)

    @model_validator(mode="after")
    def _amount_or_rate(self) -> RewardSpec:
        if self.amount is None and self.rate is None:
            raise ValueError(f"奖补“{self.label}”须给出金额（amount）或比例（rate）")
        w = self.when
        if w is not None:
            if w.kind == "fact_rate" and (self.rate is None or not w.base_fact):
                raise ValueError(f"奖补“{self.label}”按比例计算，须给出比例（rate）和基数事实（when.base_fact）")
            if w.kind == "fact_per_unit" and (self.amount is None or not w.fact):
                raise ValueError(f"奖补“{self.label}”按数量计算，须给出单价（amount）和计数事实（when.fact）")
            if w.kind == "claim" and not w.claim:
                raise ValueError(f"奖补“{self.label}”的条件须给出申请类型（when.claim）")
            if w.kind not in ("fact_rate", "fact_per_unit", "claim") and self.amount is None:
                raise ValueError(f"奖补“{self.label}”须给出金额（amount）")
            if w.kind in ("revenue_first_over", "scale_growth_streak") and w.value is None:
                raise ValueError(f"奖补“{self.label}”的条件须给出数值（when.value）")
            if w.kind == "honour" and not w.honours:
                raise ValueError(f"奖补“{self.label}”的条件须列出荣誉（when.honours）")
            if w.kind == "cluster_recognised" and not w.levels:
                raise ValueError(f"奖补“{self.label}”的条件须列出认定级别（when.levels）")
        return self


class AssessmentIndicator(Base):
    indicator: str
    label: str
    weight: Decimal
    scoring: Literal["share_capped", "rank"] = "share_capped"
    cap: Decimal = Decimal("1.2")  # share of target counted at most (120 %)
    higher_is_better: bool = True


class BlockRecognitionSpec(Base):
    """The yearly recognition of 块状经济 bases (HG-A-1 “制定市级块状经济认定办法,每年认定一次制造基地”): which cluster
    family the bases are and which cluster tier (its value, comparator and measure) a base must pass."""

    family: str
    tier: str
    label: str = "块状经济年度认定"


class AssessmentSpec(Base):
    """Yearly county assessment (HG-A-1, YY-P-3): indicators, weights, scoring."""

    rule: str
    name: str = "年度考核"
    indicators: list[AssessmentIndicator]
    park_evaluation: Literal["mu_tax"] | None = None  # HG-A-1 园区亩均税收综合评价
    block_recognition: BlockRecognitionSpec | None = None  # HG-A-1 块状经济年度认定

    _rule = field_validator("rule")(check_rule)

    @model_validator(mode="after")
    def _weights(self) -> AssessmentSpec:
        total = sum(i.weight for i in self.indicators)
        if total != 100:
            raise ValueError(f"考核指标权重合计应为100，实际为{total}")
        return self

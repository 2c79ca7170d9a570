"""Project rules (RULES.md §5): start and production deadlines, milestones, grading, investment tiers."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Literal

from pydantic import field_validator, model_validator

from chanye.industry.schema.base import Base, check_code, check_rule


class MilestoneSpec(Base):
    """One of the project milestones (XN-XM-3): its planned date is `days`/`months` after an anchor — the signing,
    the planned start (XN-XM-1), the planned production (XN-XM-2) or an earlier milestone; offsets may be negative."""

    code: str
    name: str
    after: str = "signed"
    days: int = 0
    months: int = 0
    rule: str | None = None

    _code = field_validator("code")(check_code)
    _rule = field_validator("rule")(check_rule)


class ProductionBand(Base):
    """Start → production within `months` for total investment in [min, max) 亿元 (XN-XM-2; 以上 includes the bound)."""

    min: Decimal = Decimal(0)
    max: Decimal | None = None
    months: int
    rule: str | None = None

    _rule = field_validator("rule")(check_rule)


class StaffingSpec(Base):
    """XN-XM-6 (咸宁): each project has 1–3 government staff as 项目现场秘书, a 包保领导 and a 项目管家."""

    secretaries_min: int = 1
    secretaries_max: int = 3
    leader: bool = True
    steward: bool = True
    rule: str | None = None

    _rule = field_validator("rule")(check_rule)

    @model_validator(mode="after")
    def _range(self) -> StaffingSpec:
        if not 0 <= self.secretaries_min <= self.secretaries_max:
            raise ValueError("项目秘书人数范围应满足 0 ≤ secretaries_min ≤ secretaries_max")
        return self


class ProjectsSpec(Base):
    """Project rules (RULES.md §5): signing → start, start → production by investment band, the milestone schedule,
    the monthly grading (XN-XM-5), the project staff (XN-XM-6), the investment tiers of the project library
    (YY-P-1) and the cadences a text names: quarterly concentrated starts (HG-P-1) and the quarterly dispatch
    (YY-P-3). Every clock and cadence is optional: a pack states only what its city's texts say (FIDELITY D6) — no
    start limit, no bands, no milestones means projects are tracked by their dates and colours without deadlines; no
    cadence means no quarterly page."""

    start_within_days: int | None = None  # XN-XM-1 (咸宁: 60)
    production_bands: list[ProductionBand] = []  # XN-XM-2
    milestones: list[MilestoneSpec] = []  # XN-XM-3
    grades: list[str] = ["五档", "四档", "三档", "二档", "一档"]  # XN-XM-5, lowest first
    initial_grade: int = 3  # 1-based position in `grades`
    rectify_days: int = 30  # default deadline when a project behind schedule is given time to rectify
    staffing: StaffingSpec | None = None  # XN-XM-6
    investment_tiers: list[Decimal] = []  # YY-P-1 (益阳: 10, 50, 100 → 十亿级, 50亿级, 100亿级)
    concentrated_starts: Literal["quarter"] | None = None  # HG-P-1 按季举办重大项目集中开工活动 (黄冈)
    dispatch: Literal["quarter"] | None = None  # YY-P-3 季调度 (益阳): a quarterly report per industry and unit
    rule: str | None = None

    _rule = field_validator("rule")(check_rule)

    @model_validator(mode="after")
    def _consistent(self) -> ProjectsSpec:
        errors = []
        codes = [m.code for m in self.milestones]
        if len(set(codes)) != len(codes):
            errors.append("里程碑编号重复")
        anchors = {"signed", "start", "production"}
        for m in self.milestones:
            if m.after not in anchors and m.after not in codes[: codes.index(m.code)]:
                errors.append(f"里程碑“{m.name}”的起算点“{m.after}”应为 signed/start/production 或前面的里程碑")
        bands = sorted(self.production_bands, key=lambda b: b.min)
        for a, b in itertools.pairwise(bands):
            if a.max is None or a.max != b.min:
                errors.append(f"投产时限分档不连续：{a.min}—{a.max} 与 {b.min}—{b.max}")
        if not 1 <= self.initial_grade <= len(self.grades):
            errors.append("initial_grade 应在 1 到档次数之间")
        if errors:
            raise ValueError("；".join(errors))
        return self

"""The policy-pack schema (DESIGN.md "Policy as data"), validated with Chinese error messages.

A pack is a YAML file describing one city's industrial system: regions, key industries, clusters and
sub-clusters with recognitions, anchors and chains, the county layout, thresholds and targets. Every
entry that comes from a rule cites its ID from RULES.md (e.g. XN-CL-1).
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

RULE_ID = re.compile(r"^[A-Z]{2}-[A-Z]+-\d+$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_\-.]*$")

RecognitionLevel = Literal["national", "provincial", "city", "county"]
RecognitionKind = Literal["sme_characteristic", "innovation", "advanced_manufacturing", "characteristic", "other"]
LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "city": "市级", "county": "县级"}
KIND_LABELS = {
    "sme_characteristic": "中小企业特色产业集群",
    "innovation": "创新型产业集群",
    "advanced_manufacturing": "先进制造业集群",
    "characteristic": "特色产业集群",
    "other": "产业集群",
}


def recognition_label(r: dict[str, Any]) -> str:
    return LEVEL_LABELS.get(r.get("level", ""), "") + KIND_LABELS.get(r.get("kind", ""), "")


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_rule(v: str | None) -> str | None:
    if v and not RULE_ID.match(v):
        raise ValueError(f"规则编号“{v}”格式应如 XN-CL-1")
    return v


def _check_code(v: str) -> str:
    if not CODE.match(v):
        raise ValueError("编号只能用小写字母、数字、- _ .")
    return v


class City(_Base):
    code: str
    name: str
    province: str = ""


class Family(_Base):
    code: str
    name: str


class IndustrialSystem(_Base):
    label: str = Field(description="e.g. 5+4")
    name: str = ""
    description: str = ""
    rule: str | None = None
    families: list[Family] = []

    _rule = field_validator("rule")(_check_rule)


class RegionSpec(_Base):
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


class IndustrySpec(_Base):
    code: str
    name: str
    rule: str | None = None
    gbt4754: list[str] = []

    _rule = field_validator("rule")(_check_rule)

    _code = field_validator("code")(_check_code)


class Recognition(_Base):
    level: RecognitionLevel
    kind: RecognitionKind
    year: int | None = None
    note: str = ""


Stage = Literal["upstream", "midstream", "downstream"]
STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")
STAGE_LABELS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}


def default_stage(position: int, count: int) -> str:
    """Where a link of a chain written only as names sits: the first third upstream, the last third downstream."""
    if count <= 1:
        return "midstream"
    if position == 0:
        return "upstream"
    if position == count - 1:
        return "downstream"
    third = count / 3
    return "upstream" if position < third else ("downstream" if position >= 2 * third else "midstream")


class LinkSpec(_Base):
    """One link (环节) of a chain (XN-SYS-4): its stage, what it makes and which GB/T 4754 classes it covers."""

    name: str
    code: str = ""
    stage: Stage | None = None
    description: str = ""
    gbt4754: list[str] = []
    products: list[str] = []
    key: bool = False  # 关键环节
    chokepoint: bool = False  # 卡脖子环节
    next: list[str] | None = None  # the links it supplies (names or codes); default: the link written after it
    min_enterprises: int | None = None  # overrides the pack's chain_link_min_enterprises for this link

    @field_validator("gbt4754")
    @classmethod
    def _gbt(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"[A-T]?\d{2,4}", str(code)):
                raise ValueError(f"国民经济行业代码“{code}”应为2—4位数字（如 17、1711）")
        return [str(c) for c in v]


class ChainSpec(_Base):
    """A chain template (XN-SYS-4, XN-CL-5): a directed graph of links from raw material to end product. Written
    in a pack either as a list of names (纺纱—织造—印染—成品—流通, stages inferred) or in full with stages, products,
    GB/T codes, flags and branches (`next`)."""

    code: str = ""
    name: str = ""
    description: str = ""
    rule: str | None = None
    source_text: str = ""
    links: list[LinkSpec]

    _rule = field_validator("rule")(_check_rule)

    @model_validator(mode="before")
    @classmethod
    def _from_names(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"links": [{"name": n} if isinstance(n, str) else n for n in data]}
        return data

    @model_validator(mode="after")
    def _link_defaults(self) -> ChainSpec:
        """A link without a code is known by its name; one without a stage gets it from its place (`default_stage`).
        The chain's own code and name default from its cluster (`ClusterSpec._chain_defaults`)."""
        for i, link in enumerate(self.links):
            link.code = link.code or link.name
            link.stage = link.stage or default_stage(i, len(self.links))  # type: ignore[assignment]
        return self

    @model_validator(mode="after")
    def _graph(self) -> ChainSpec:
        errors: list[str] = []
        if len(self.links) < 2:
            errors.append("产业链至少要有两个环节")
        for what, values in (("环节名称", [x.name for x in self.links]), ("环节编号", [x.code for x in self.links])):
            seen: set[str] = set()
            for v in values:
                if v in seen:
                    errors.append(f"{what}“{v}”重复")
                seen.add(v)
        ranks = [STAGES.index(x.stage or "midstream") for x in self.links]
        for a, b in itertools.pairwise(range(len(self.links))):
            if ranks[b] < ranks[a]:
                errors.append(
                    f"环节应按上游、中游、下游的顺序书写：“{self.links[b].name}”（{STAGE_LABELS[self.links[b].stage]}）"
                    f"写在了“{self.links[a].name}”（{STAGE_LABELS[self.links[a].stage]}）之后"
                )
        keys = {x.code for x in self.links} | {x.name for x in self.links}
        for link in self.links:
            for target in link.next or []:
                if target not in keys:
                    errors.append(f"环节“{link.name}”的下游环节“{target}”未在本链中定义")
                elif target in (link.code, link.name):
                    errors.append(f"环节“{link.name}”不能以自身为下游")
        if errors:
            raise ValueError("；".join(errors))
        return self

    def edges(self) -> list[tuple[str, str]]:
        """(from code, to code) pairs: the explicit `next` of each link, else the link written after it."""
        by_key = {x.code: x.code for x in self.links} | {x.name: x.code for x in self.links}
        out: list[tuple[str, str]] = []
        for i, link in enumerate(self.links):
            if link.next is not None:
                out += [(link.code, by_key[t]) for t in link.next]
            elif i + 1 < len(self.links):
                out.append((link.code, self.links[i + 1].code))
        return out

    def names(self) -> list[str]:
        return [x.name for x in self.links]


class ClusterSpec(_Base):
    code: str
    name: str
    family: str | None = None
    column: str = ""
    region: str | None = None
    industries: list[str] = []
    description: str = ""
    anchors: list[str] = []
    chains: list[ChainSpec] = []
    recognitions: list[Recognition] = []
    rule: str | None = None
    children: list[ClusterSpec] = []

    _rule = field_validator("rule")(_check_rule)

    _code = field_validator("code")(_check_code)

    @model_validator(mode="after")
    def _chain_defaults(self) -> ClusterSpec:
        """A chain without a code takes the cluster's (``<cluster>-2`` … when the cluster has several); one without a
        name is named by its links, or after the cluster when it has more than six."""
        for i, chain in enumerate(self.chains):
            if not chain.code:
                chain.code = self.code if len(self.chains) == 1 else f"{self.code}-{i + 1}"
            if not chain.name:
                chain.name = "—".join(chain.names()) if len(chain.links) <= 6 else f"{self.name}产业链"
        return self


class LayoutUnit(_Base):
    region: str
    industries: list[str]
    industry_notes: dict[str, str] = {}
    clusters: list[str] = []


class CountyLayoutSpec(_Base):
    rule: str | None = None
    totals: dict[str, int] = {}
    units: list[LayoutUnit]

    _rule = field_validator("rule")(_check_rule)


class ThresholdSpec(_Base):
    key: str
    label: str
    value: Decimal
    unit: str = ""
    comparator: Literal[">=", ">", "<=", "<", "="] = ">="
    rule: str | None = None

    _rule = field_validator("rule")(_check_rule)


class TargetSpec(_Base):
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

    _rule = field_validator("rule")(_check_rule)

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


class TierSpec(_Base):
    """A size tier the policy names (黄冈 千亿/百亿/十亿 clusters, 益阳 千百十), optionally with a count target."""

    code: str
    name: str
    applies_to: Literal["cluster", "industry", "enterprise", "project", "county", "park"]
    value: Decimal
    unit: str
    comparator: Literal[">=", ">", "<=", "<", "="] = ">"
    measure: str = "revenue"  # revenue | output | investment
    rule: str | None = None

    _rule = field_validator("rule")(_check_rule)
    _code = field_validator("code")(_check_code)


class RewardSpec(_Base):
    """A reward or subsidy rule (HG-R-2…4, EZ-R-1, XN-LZ-6/8): condition, amount or rate, cap."""

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

    _rule = field_validator("rule")(_check_rule)
    _code = field_validator("code")(_check_code)

    @model_validator(mode="after")
    def _amount_or_rate(self) -> RewardSpec:
        if self.amount is None and self.rate is None:
            raise ValueError(f"奖补“{self.label}”须给出金额（amount）或比例（rate）")
        return self


class AssessmentIndicator(_Base):
    indicator: str
    label: str
    weight: Decimal
    scoring: Literal["share_capped", "rank"] = "share_capped"
    cap: Decimal = Decimal("1.2")  # share of target counted at most (120 %)
    higher_is_better: bool = True


class AssessmentSpec(_Base):
    """Yearly county assessment (HG-A-1, YY-P-3): indicators, weights, scoring."""

    rule: str
    name: str = "年度考核"
    indicators: list[AssessmentIndicator]

    _rule = field_validator("rule")(_check_rule)

    @model_validator(mode="after")
    def _weights(self) -> AssessmentSpec:
        total = sum(i.weight for i in self.indicators)
        if total != 100:
            raise ValueError(f"考核指标权重合计应为100，实际为{total}")
        return self


class DepartmentSpec(_Base):
    code: str
    name: str


class TaskSpec(_Base):
    """A task with its responsible units; the first is the lead (EZ-ORG-1)."""

    code: str
    label: str
    units: list[str]
    rule: str | None = None
    source_text: str = ""

    _rule = field_validator("rule")(_check_rule)


class TierCriterion(_Base):
    """Who may apply for the next tier of the ladder (XN-RD-6): the pack sets the bar, the platform lists firms."""

    tier: Literal["specialized", "little_giant", "single_champion"]
    label: str
    requires: Literal["innovative_sme", "specialized", "little_giant"]
    min_revenue: Decimal = Decimal(0)  # 万元, last 12 months
    min_rd_intensity: Decimal = Decimal(0)  # R&D expense ÷ revenue, %
    rule: str | None = None

    _rule = field_validator("rule")(_check_rule)


class LeaderCriterion(_Base):
    code: str
    label: str
    weight: Decimal


class ChainLeaderSpec(_Base):
    """Chain-leader selection (XN-LZ-1, XN-LZ-9): how many per key industry, the review criteria, the notice."""

    rule: str = "XN-LZ-9"
    per_industry_min: int = 1
    per_industry_max: int = 3
    min_reviewers: int = 3
    pass_score: Decimal = Decimal(60)
    notice_days: int = 5
    criteria: list[LeaderCriterion]

    _rule = field_validator("rule")(_check_rule)

    @model_validator(mode="after")
    def _weights(self) -> ChainLeaderSpec:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"链主评审指标权重合计应为100，实际为{total}")
        if not 1 <= self.per_industry_min <= self.per_industry_max:
            raise ValueError("每个产业链主数量的下限和上限不合理")
        return self


class MilestoneSpec(_Base):
    """One of the project milestones (XN-XM-3): its planned date is `days`/`months` after an anchor — the signing,
    the planned start (XN-XM-1), the planned production (XN-XM-2) or an earlier milestone; offsets may be negative."""

    code: str
    name: str
    after: str = "signed"
    days: int = 0
    months: int = 0
    rule: str | None = None

    _code = field_validator("code")(_check_code)
    _rule = field_validator("rule")(_check_rule)


class ProductionBand(_Base):
    """Start → production within `months` for total investment in [min, max) 亿元 (XN-XM-2; 以上 includes the bound)."""

    min: Decimal = Decimal(0)
    max: Decimal | None = None
    months: int
    rule: str | None = None

    _rule = field_validator("rule")(_check_rule)


class ProjectsSpec(_Base):
    """Project rules (RULES.md §5): signing → start, start → production by investment band, the milestone schedule,
    the monthly grading (XN-XM-5) and the investment tiers of the project library."""

    start_within_days: int = 60  # XN-XM-1
    production_bands: list[ProductionBand] = []  # XN-XM-2
    milestones: list[MilestoneSpec] = []  # XN-XM-3
    grades: list[str] = ["五档", "四档", "三档", "二档", "一档"]  # XN-XM-5, lowest first
    initial_grade: int = 3  # 1-based position in `grades`
    rectify_days: int = 30  # default deadline when a project behind schedule is given time to rectify
    investment_tiers: list[Decimal] = [Decimal(10), Decimal(50), Decimal(100)]  # 十亿级, 50亿级, 100亿级
    rule: str | None = None

    _rule = field_validator("rule")(_check_rule)

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


class PackSpec(_Base):
    schema_: Literal["chanye-pack/1"] = Field(alias="schema")
    id: str
    name: str
    edition: Literal["draft", "final"] = "final"
    source: str = ""
    city: City
    period: list[int] = []
    industrial_system: IndustrialSystem
    regions: list[RegionSpec]
    industries: list[IndustrySpec] = []
    clusters: list[ClusterSpec] = []
    county_layout: CountyLayoutSpec | None = None
    thresholds: list[ThresholdSpec] = []
    targets: list[TargetSpec] = []
    tiers: list[TierSpec] = []
    rewards: list[RewardSpec] = []
    assessment: AssessmentSpec | None = None
    departments: list[DepartmentSpec] = []
    tasks: list[TaskSpec] = []
    tier_criteria: list[TierCriterion] = []
    chain_leaders: ChainLeaderSpec | None = None
    projects: ProjectsSpec | None = None

    @model_validator(mode="after")
    def _references(self) -> PackSpec:
        errors: list[str] = []
        region_keys = {r.code for r in self.regions} | {r.name for r in self.regions} | {self.city.code, self.city.name}
        region_keys |= {r.short_name for r in self.regions if r.short_name}
        industry_keys = {i.code for i in self.industries} | {i.name for i in self.industries}
        family_codes = {f.code for f in self.industrial_system.families}

        def dupes(values: list[str], what: str) -> None:
            seen: set[str] = set()
            for v in values:
                if v in seen:
                    errors.append(f"{what}“{v}”重复")
                seen.add(v)

        dupes([r.code for r in self.regions], "区域代码")
        dupes([i.code for i in self.industries], "产业编号")
        for r in self.regions:
            if r.parent and r.parent not in region_keys:
                errors.append(f"区域“{r.name}”的上级“{r.parent}”未定义")
        all_clusters = list(iter_clusters(self.clusters))
        dupes([c.code for c, _ in all_clusters], "集群编号")
        cluster_keys = {c.code for c, _ in all_clusters} | {c.name for c, _ in all_clusters}
        for c, _parent in all_clusters:
            for ind in c.industries:
                if ind not in industry_keys:
                    errors.append(f"集群“{c.name}”引用的产业“{ind}”未在 industries 中定义")
            if c.region and c.region not in region_keys:
                errors.append(f"集群“{c.name}”的区域“{c.region}”未定义")
            if c.family and family_codes and c.family not in family_codes:
                errors.append(f"集群“{c.name}”的类别“{c.family}”未在 industrial_system.families 中定义")
        if self.county_layout:
            for u in self.county_layout.units:
                if u.region not in region_keys:
                    errors.append(f"县域布局中的区域“{u.region}”未定义")
                for ind in u.industries:
                    if ind not in industry_keys:
                        errors.append(f"县域布局“{u.region}”引用的产业“{ind}”未定义")
                for cl in u.clusters:
                    if cl not in cluster_keys:
                        errors.append(f"县域布局“{u.region}”引用的集群“{cl}”未定义")
        dupes([ch.code for c, _ in all_clusters for ch in c.chains], "产业链编号")
        dupes([t.code for t in self.targets], "目标编号")
        dupes([t.key for t in self.thresholds], "阈值键")
        dupes([t.code for t in self.tiers], "层级编号")
        dupes([r.code for r in self.rewards], "奖补编号")
        dept_names = {d.name for d in self.departments} | {d.code for d in self.departments}
        if self.departments:
            for task in self.tasks:
                for u in task.units:
                    if u not in dept_names:
                        errors.append(f"任务“{task.code}”的责任单位“{u}”未在 departments 中定义")
        for t in self.targets:
            kind, _, ref = t.scope.partition(":")
            if kind == "region" and ref not in region_keys:
                errors.append(f"目标“{t.code}”的范围区域“{ref}”未定义")
            if kind == "cluster" and ref not in cluster_keys:
                errors.append(f"目标“{t.code}”的范围集群“{ref}”未定义")
        if errors:
            raise ValueError("；".join(errors))
        return self


def iter_clusters(clusters: list[ClusterSpec], parent: ClusterSpec | None = None):
    for c in clusters:
        yield c, parent
        yield from iter_clusters(c.children, c)


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

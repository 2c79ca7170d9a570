"""The whole pack: its sections together and the checks across them (every reference names something defined)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from chanye.industry.schema.base import Base
from chanye.industry.schema.clusters import ClusterSpec, CountyLayoutSpec, iter_clusters
from chanye.industry.schema.organisation import (
    ChainLeaderSpec,
    DepartmentSpec,
    IndustryLiaisonSpec,
    TaskDefaults,
    TaskSpec,
    TierCriterion,
)
from chanye.industry.schema.policy import (
    AssessmentSpec,
    HighTechRdBands,
    RewardFactSpec,
    RewardSpec,
    TargetSpec,
    ThresholdSpec,
    TierSpec,
)
from chanye.industry.schema.projects import ProjectsSpec
from chanye.industry.schema.system import City, IndustrialSystem, IndustrySpec, RegionSpec


class PackSpec(Base):
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
    reward_facts: list[RewardFactSpec] = []
    assessment: AssessmentSpec | None = None
    departments: list[DepartmentSpec] = []
    tasks: list[TaskSpec] = []
    task_defaults: TaskDefaults | None = None
    industry_liaison: IndustryLiaisonSpec | None = None
    tier_criteria: list[TierCriterion] = []
    high_tech_rd_bands: HighTechRdBands | None = None  # XN-RD-4
    chain_leaders: ChainLeaderSpec | None = None
    projects: ProjectsSpec | None = None

    @model_validator(mode="after")
    def _references(self) -> PackSpec:
        region_keys = {r.code for r in self.regions} | {r.name for r in self.regions} | {self.city.code, self.city.name}
        region_keys |= {r.short_name for r in self.regions if r.short_name}
        industry_keys = {i.code for i in self.industries} | {i.name for i in self.industries}
        all_clusters = list(iter_clusters(self.clusters))
        cluster_keys = {c.code for c, _ in all_clusters} | {c.name for c, _ in all_clusters}
        errors = [
            *_dupes([r.code for r in self.regions], "区域代码"),
            *_dupes([i.code for i in self.industries], "产业编号"),
            *(
                f"区域“{r.name}”的上级“{r.parent}”未定义"
                for r in self.regions
                if r.parent and r.parent not in region_keys
            ),
            *_dupes([c.code for c, _ in all_clusters], "集群编号"),
            *_cluster_errors(self, all_clusters, region_keys, industry_keys),
            *_layout_errors(self, region_keys, industry_keys, cluster_keys),
            *_dupes([ch.code for c, _ in all_clusters for ch in c.chains], "产业链编号"),
            *_dupes([t.code for t in self.targets], "目标编号"),
            *_dupes([t.key for t in self.thresholds], "阈值键"),
            *_dupes([t.code for t in self.tiers], "层级编号"),
            *_dupes([r.code for r in self.rewards], "奖补编号"),
            *(
                f"奖补“{r.code}”取代的“{c}”未定义"
                for r in self.rewards
                for c in r.replaces
                if c not in {x.code for x in self.rewards}
            ),
            *_dupes([f.key for f in self.reward_facts], "奖补事实键"),
            *(
                f"奖补“{r.code}”用到的事实“{k}”未在 reward_facts 中定义"
                for r in self.rewards
                if r.when is not None
                for k in (r.when.fact, r.when.base_fact, r.when.unless_fact)
                if k and k not in {f.key for f in self.reward_facts}
            ),
            *_task_errors(self),
            *_liaison_errors(self, all_clusters),
            *_target_errors(self, region_keys, cluster_keys),
            *_block_recognition_errors(self),
            *_tier_family_errors(self),
        ]
        if errors:
            raise ValueError("；".join(errors))
        return self


def _block_recognition_errors(spec: PackSpec) -> list[str]:
    """The 块状经济 recognition names a defined family and a cluster tier (HG-A-1)."""
    block = spec.assessment.block_recognition if spec.assessment else None
    if block is None:
        return []
    errors = []
    families = {f.code for f in spec.industrial_system.families}
    if families and block.family not in families:
        errors.append(f"块状经济认定的集群类别“{block.family}”未在 industrial_system.families 中定义")
    tier = next((t for t in spec.tiers if t.code == block.tier), None)
    if tier is None or tier.applies_to != "cluster":
        errors.append(f"块状经济认定的门槛层级“{block.tier}”未在 tiers 中定义为集群层级")
    return errors


def _tier_family_errors(spec: PackSpec) -> list[str]:
    """A cluster tier's family is one the industrial system defines (HG-T-1)."""
    families = {f.code for f in spec.industrial_system.families}
    return [
        f"层级“{t.name}”的集群类别“{t.family}”未在 industrial_system.families 中定义"
        for t in spec.tiers
        if t.family and families and t.family not in families
    ]


def _dupes(values: list[str], what: str) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for v in values:
        if v in seen:
            errors.append(f"{what}“{v}”重复")
        seen.add(v)
    return errors


def _cluster_errors(
    spec: PackSpec,
    all_clusters: list[tuple[ClusterSpec, ClusterSpec | None]],
    region_keys: set[str],
    industry_keys: set[str],
) -> list[str]:
    """Each cluster's industries, region and family must be defined."""
    errors: list[str] = []
    family_codes = {f.code for f in spec.industrial_system.families}
    for c, _parent in all_clusters:
        for ind in c.industries:
            if ind not in industry_keys:
                errors.append(f"集群“{c.name}”引用的产业“{ind}”未在 industries 中定义")
        if c.region and c.region not in region_keys:
            errors.append(f"集群“{c.name}”的区域“{c.region}”未定义")
        if c.family and family_codes and c.family not in family_codes:
            errors.append(f"集群“{c.name}”的类别“{c.family}”未在 industrial_system.families 中定义")
    return errors


def _layout_errors(spec: PackSpec, region_keys: set[str], industry_keys: set[str], cluster_keys: set[str]) -> list[str]:
    """Each county-layout row's region, industries and clusters must be defined."""
    errors: list[str] = []
    if not spec.county_layout:
        return errors
    for u in spec.county_layout.units:
        if u.region not in region_keys:
            errors.append(f"县域布局中的区域“{u.region}”未定义")
        errors += [f"县域布局“{u.region}”引用的产业“{ind}”未定义" for ind in u.industries if ind not in industry_keys]
        errors += [f"县域布局“{u.region}”引用的集群“{cl}”未定义" for cl in u.clusters if cl not in cluster_keys]
    return errors


def _task_errors(spec: PackSpec) -> list[str]:
    """A task's lead is one of its units; with departments listed, every responsible unit is among them."""
    errors = [
        f"任务“{task.code}”的牵头单位“{task.lead}”不在其责任单位中"
        for task in spec.tasks
        if task.lead not in ("", "none") and task.lead not in task.units
    ]
    if not spec.departments:
        return errors
    dept_names = {d.name for d in spec.departments} | {d.code for d in spec.departments}
    co = spec.task_defaults.co_responsible if spec.task_defaults else []
    return (
        errors
        + [
            f"任务“{task.code}”的责任单位“{u}”未在 departments 中定义"
            for task in spec.tasks
            for u in task.units
            if u not in dept_names
        ]
        + [f"task_defaults 的共同责任单位“{u}”未在 departments 中定义" for u in co if u not in dept_names]
    )


def _liaison_errors(spec: PackSpec, all_clusters: list[tuple[ClusterSpec, ClusterSpec | None]]) -> list[str]:
    """YY-ORG-1: each industry of the liaison arrangement is a top-level cluster, named once; with departments listed,
    its lead unit is one of them."""
    if not spec.industry_liaison:
        return []
    top = {c.code for c, parent in all_clusters if parent is None}
    known = {c.code for c, _ in all_clusters}
    codes = [i.cluster for i in spec.industry_liaison.industries]
    errors = _dupes(codes, "联系机制的产业")
    errors += [f"联系机制的产业“{c}”未在 clusters 中定义" for c in codes if c not in known]
    errors += [f"联系机制的产业“{c}”不是顶层集群（应为千亿级产业本身）" for c in codes if c in known and c not in top]
    if spec.departments:
        names = {d.name for d in spec.departments}
        errors += [
            f"联系机制的产业“{i.cluster}”的牵头单位“{i.lead_unit}”未在 departments 中定义"
            for i in spec.industry_liaison.industries
            if i.lead_unit and i.lead_unit not in names
        ]
    return errors


def _target_errors(spec: PackSpec, region_keys: set[str], cluster_keys: set[str]) -> list[str]:
    """A target scoped to a region or a cluster must name a defined one."""
    errors: list[str] = []
    for t in spec.targets:
        kind, _, ref = t.scope.partition(":")
        if kind == "region" and ref not in region_keys:
            errors.append(f"目标“{t.code}”的范围区域“{ref}”未定义")
        if kind == "cluster" and ref not in cluster_keys:
            errors.append(f"目标“{t.code}”的范围集群“{ref}”未定义")
    return errors

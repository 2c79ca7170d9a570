"""The policy-pack schema (DESIGN.md "Policy as data"), validated with Chinese error messages.

A pack is a YAML file describing one city's industrial system: regions, key industries, clusters and
sub-clusters with recognitions, anchors and chains, the county layout, thresholds and targets. Every
entry that comes from a rule cites its ID from RULES.md (e.g. XN-CL-1).

The schema is split by section of the pack (system, clusters, chains, policy, organisation, projects), the whole pack
(pack) and its reading (loader); this package re-exports them all, so `schema.read`, `schema.ChainSpec` … keep working.
"""

from __future__ import annotations

from chanye.industry.schema.base import CODE, RULE_ID
from chanye.industry.schema.chains import STAGE_LABELS, STAGES, ChainSpec, LinkSpec, Stage, default_stage
from chanye.industry.schema.clusters import (
    KIND_LABELS,
    LEVEL_LABELS,
    ClusterSpec,
    CountyLayoutSpec,
    LayoutUnit,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
    iter_clusters,
    recognition_label,
)
from chanye.industry.schema.loader import PackError, parse, read
from chanye.industry.schema.organisation import (
    ChainLeaderSpec,
    DepartmentSpec,
    IndustryLiaisonSpec,
    LeaderCriterion,
    LiaisonIndustry,
    TaskDefaults,
    TaskSpec,
    TierCriterion,
)
from chanye.industry.schema.pack import PackSpec
from chanye.industry.schema.policy import (
    AssessmentIndicator,
    AssessmentSpec,
    HighTechRdBands,
    RdShareBand,
    RewardFactSpec,
    RewardSpec,
    RewardWhen,
    TargetSpec,
    ThresholdSpec,
    TierSpec,
)
from chanye.industry.schema.projects import MilestoneSpec, ProductionBand, ProjectsSpec, StaffingSpec
from chanye.industry.schema.system import City, Family, IndustrialSystem, IndustrySpec, RegionSpec

__all__ = [
    "CODE",
    "KIND_LABELS",
    "LEVEL_LABELS",
    "RULE_ID",
    "STAGES",
    "STAGE_LABELS",
    "AssessmentIndicator",
    "AssessmentSpec",
    "ChainLeaderSpec",
    "ChainSpec",
    "City",
    "ClusterSpec",
    "CountyLayoutSpec",
    "DepartmentSpec",
    "Family",
    "HighTechRdBands",
    "IndustrialSystem",
    "IndustryLiaisonSpec",
    "IndustrySpec",
    "LayoutUnit",
    "LeaderCriterion",
    "LiaisonIndustry",
    "LinkSpec",
    "MilestoneSpec",
    "PackError",
    "PackSpec",
    "ProductionBand",
    "ProjectsSpec",
    "RdShareBand",
    "Recognition",
    "RecognitionKind",
    "RecognitionLevel",
    "RegionSpec",
    "RewardFactSpec",
    "RewardSpec",
    "RewardWhen",
    "StaffingSpec",
    "Stage",
    "TargetSpec",
    "TaskDefaults",
    "TaskSpec",
    "ThresholdSpec",
    "TierCriterion",
    "TierSpec",
    "default_stage",
    "iter_clusters",
    "parse",
    "read",
    "recognition_label",
]

"""Clusters and the county layout (XN-SYS-3): clusters with their recognitions, anchors, chains and
sub-clusters, and each county's leading industries and clusters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from chanye.industry.schema.base import Base, check_code, check_rule
from chanye.industry.schema.chains import ChainSpec

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


class Recognition(Base):
    level: RecognitionLevel
    kind: RecognitionKind
    year: int | None = None
    note: str = ""


class ClusterSpec(Base):
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

    _rule = field_validator("rule")(check_rule)

    _code = field_validator("code")(check_code)

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


def iter_clusters(clusters: list[ClusterSpec], parent: ClusterSpec | None = None):
    for c in clusters:
        yield c, parent
        yield from iter_clusters(c.children, c)


class LayoutUnit(Base):
    region: str
    industries: list[str]
    industry_notes: dict[str, str] = {}
    clusters: list[str] = []


class CountyLayoutSpec(Base):
    rule: str | None = None
    totals: dict[str, int] = {}
    units: list[LayoutUnit]

    _rule = field_validator("rule")(check_rule)

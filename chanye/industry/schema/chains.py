"""Chain templates (XN-SYS-4, XN-CL-5): the links of a chain, their stages and the graph they form."""

from __future__ import annotations

import itertools
import re
from typing import Any, Literal

from pydantic import field_validator, model_validator

from chanye.industry.schema.base import Base, check_rule

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


class LinkSpec(Base):
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


class ChainSpec(Base):
    """A chain template (XN-SYS-4, XN-CL-5): a directed graph of links from raw material to end product. Written
    in a pack either as a list of names (纺纱—织造—印染—成品—流通, stages inferred) or in full with stages, products,
    GB/T codes, flags and branches (`next`)."""

    code: str = ""
    name: str = ""
    description: str = ""
    rule: str | None = None
    source_text: str = ""
    links: list[LinkSpec]

    _rule = field_validator("rule")(check_rule)

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

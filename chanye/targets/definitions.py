"""What the indicator engine computes for parameterised indicators: each active target's own definition.

A pack's target names an indicator and the parameters its text writes: the threshold and the word bounding it
(`threshold_comparator`: 以上/达/级 include the number, 超过/突破/过 exclude it), the measure (营业收入 or 产值), the
国民经济行业 sector, the cluster family, the recognition level, the growth baseline. Each distinct definition is
parsed once here into a spec and computed under its `params_key`, so a target reads exactly the figure its text
defines and two definitions never share a series (issue 12: FIDELITY D2, D3, D4; EZ-T-1, HG-T-1, HG-T-2, YY-T-1).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chanye.core.indicators import bound_comparator, measure_of, params_key

log = logging.getLogger(__name__)

ENTERPRISE_COUNT = "enterprise_count_revenue_over"
CHAIN_LEADER_COUNT = "chain_leader_count_revenue_over"
CLUSTER_COUNT = "cluster_count_revenue_over"
COUNT_GROWTH = "above_scale_count_growth"
CLUSTER_HONOUR_SHARE = "cluster_share_with_honour"

# GB/T 4754-2017 门类 of the sectors the texts name (益阳 YY-T-1: 农林牧渔业 2, 制造业 5; 制造业 15, 建筑业 3,
# 服务业 2).
# 服务业 is the 第三产业 of 国家统计局《三次产业划分规定》: 门类 F–T (its few service 大类 inside A, B and C — 05, 11,
# 43 — are not split out). A section letter (or several) may be written instead of the name.
SECTIONS = {
    "农林牧渔业": "A",
    "农、林、牧、渔业": "A",
    "采矿业": "B",
    "制造业": "C",
    "工业": "BCD",
    "电力、热力、燃气及水生产和供应业": "D",
    "建筑业": "E",
    "服务业": "FGHIJKLMNOPQRST",
    "第三产业": "FGHIJKLMNOPQRST",
}
FAMILIES = ("traditional", "emerging", "future", "county", "pillar", "other")  # industry.models.ClusterFamily


@dataclass(frozen=True)
class CountSpec:
    """Enterprises, chain leaders or top-level clusters whose 12-month measure reaches a threshold (亿元)."""

    indicator: str
    key: str
    threshold: Decimal
    inclusive: bool  # 以上/达/级: the threshold itself counts
    measure: str = "revenue"  # 营业收入 (主营业务收入 when 营业收入 is not reported) or output: 工业总产值
    sections: str = ""  # GB/T 4754 门类 letters; empty: every enterprise
    family: str = ""  # cluster family; empty: every top-level cluster

    def passes(self, value_yi: float) -> bool:
        t = float(self.threshold)
        return value_yi >= t if self.inclusive else value_yi > t


@dataclass(frozen=True)
class GrowthSpec:
    """The 规上 enterprise count at the period end against the baseline's year end, as a rate (HG-T-2)."""

    key: str
    baseline: dt.date
    in_clusters: bool = False


@dataclass(frozen=True)
class HonourShareSpec:
    """The share of a family's top-level clusters in which at least `min_count` member firms hold `honour` (HG-T-3
    “每个特色产业集群打造至少1家智能制造示范工厂、10家两化融合示范企业”: every cluster, so the target is 100 %)."""

    key: str
    honour: str
    min_count: int
    family: str = ""


def honour_share_spec(params: dict[str, Any]) -> HonourShareSpec:
    from chanye.enterprises.choices import HonourKind

    honour = str(params.get("honour") or "").strip()
    if honour not in HonourKind.values:
        raise ValueError(f"无法识别的称号：{honour or '（未填写）'}")
    family = str(params.get("family") or "").strip()
    if family and family not in FAMILIES:
        raise ValueError(f"无法识别的集群类别：{family}")
    min_count = int(params.get("min_count") or 1)
    if min_count < 1:
        raise ValueError("每个集群的企业数（min_count）至少为1")
    return HonourShareSpec(
        key=params_key(CLUSTER_HONOUR_SHARE, params), honour=honour, min_count=min_count, family=family
    )


def honour_share_specs() -> list[HonourShareSpec]:
    """Every active target's definition of `cluster_share_with_honour` (none by default)."""
    out: dict[str, HonourShareSpec] = {}
    for code, _, params in target_params([CLUSTER_HONOUR_SHARE]):
        try:
            spec = honour_share_spec(params)
        except (ValueError, TypeError) as exc:
            log.warning("目标 %s 的参数无法计算：%s", code, exc)
            continue
        out.setdefault(spec.key, spec)
    return list(out.values())


def _sections(sector: Any) -> str:
    if sector in (None, ""):
        return ""
    text = str(sector).strip()
    if text in SECTIONS:
        return SECTIONS[text]
    if text.isascii() and text.isalpha() and text.isupper():
        return text
    raise ValueError(f"无法识别的行业门类：{sector}")


def count_spec(indicator: str, params: dict[str, Any]) -> CountSpec:
    """The spec of one parameter set of a count indicator; ValueError when a parameter cannot be read."""
    if params.get("threshold") in (None, ""):
        raise ValueError("缺少门槛（threshold）")
    family = str(params.get("family") or "").strip()
    if family and family not in FAMILIES:
        raise ValueError(f"无法识别的集群类别：{family}")
    return CountSpec(
        indicator=indicator,
        key=params_key(indicator, params),
        threshold=Decimal(str(params["threshold"])),
        inclusive=bound_comparator(params.get("threshold_comparator")) == ">=",
        measure=measure_of(params.get("measure")),
        sections=_sections(params.get("sector")) if indicator == ENTERPRISE_COUNT else "",
        family=family if indicator == CLUSTER_COUNT else "",
    )


def growth_spec(params: dict[str, Any], month: dt.date) -> GrowthSpec:
    """Growth to `month` against the end of `params.baseline_year` (default: the year before `month`'s)."""
    year = params.get("baseline_year")
    base_year = month.year - 1 if year is None or year == "" else int(year)
    if base_year >= month.year:
        raise ValueError("基期应早于当年")
    return GrowthSpec(
        key=params_key(COUNT_GROWTH, params),
        baseline=dt.date(base_year, 12, 31),
        in_clusters=bool(params.get("in_clusters")),
    )


def target_params(indicators: Iterable[str]) -> list[tuple[str, str, dict[str, Any]]]:
    from chanye.industry.models import Target

    return [
        (t.code, t.indicator, t.params if isinstance(t.params, dict) else {})
        for t in Target.objects.filter(is_active=True, indicator__in=list(indicators)).order_by("code")
    ]


def count_specs(indicator: str, default_thresholds: Iterable[int | Decimal] = ()) -> list[CountSpec]:
    """The platform's default thresholds (strictly over, revenue) and every active target's definition, one spec per
    key. A target whose parameters cannot be read is logged and left without a figure (暂无数据), not guessed."""
    out: dict[str, CountSpec] = {}
    for t in default_thresholds:
        spec = count_spec(indicator, {"threshold": t})
        out.setdefault(spec.key, spec)
    for code, _, params in target_params([indicator]):
        try:
            spec = count_spec(indicator, params)
        except (ValueError, ArithmeticError) as exc:
            log.warning("目标 %s 的参数无法计算：%s", code, exc)
            continue
        out.setdefault(spec.key, spec)
    return sorted(out.values(), key=lambda s: (s.threshold, s.key))


def growth_specs(month: dt.date) -> list[GrowthSpec]:
    """All 规上 enterprises and those in clusters against last year's end, and every active target's definition."""
    out: dict[str, GrowthSpec] = {}
    for params in ({}, {"in_clusters": True}):
        spec = growth_spec(params, month)
        out[spec.key] = spec
    for code, _, params in target_params([COUNT_GROWTH]):
        try:
            spec = growth_spec(params, month)
        except (ValueError, TypeError) as exc:
            log.warning("目标 %s 的参数无法计算：%s", code, exc)
            continue
        out.setdefault(spec.key, spec)
    return list(out.values())


def recognition_keys(recognitions: list[dict[str, Any]], new_since: int | None = None) -> set[str]:
    """The keys under which one cluster counts for `recognised_cluster_count`: each (level, kind) it holds, each level
    alone (a target naming only 省级 counts every provincial cluster) and each kind alone. A cluster counts once per
    key however many recognitions it holds (EZ-T-3, HG-T-1: FIDELITY D3). A recognition of `new_since` or later (the
    plan period's first year) also counts under the same keys with `new=true` (XN-CL-1 “新认定”); one without a year
    is not new."""
    keys: set[str] = set()
    for rec in recognitions:
        level, kind, year = rec.get("level"), rec.get("kind"), rec.get("year")
        is_new = new_since is not None and isinstance(year, int) and year >= new_since
        for params in ({"level": level, "kind": kind}, {"level": level}, {"kind": kind}):
            for flag in (False, True) if is_new else (False,):
                key = params_key("recognised_cluster_count", {**params, "new": flag})
                if key and key != "new=true":
                    keys.add(key)
    return keys


# ---------------------------------------------------------------- the parameters in words, for the target pages

_PARAM_LABELS = {
    "threshold": "门槛",
    "threshold_comparator": "边界",
    "measure": "口径",
    "sector": "行业门类",
    "family": "集群类别",
    "level": "级别",
    "kind": "类型",
    "new": "范围",
    "in_clusters": "范围",
    "baseline_year": "基期",
    "honour": "称号",
    "min_count": "每个集群至少",
    "min_investment": "最低投资",
    "project_type": "项目类型",
    "below": "上限",
    "grade": "等级",
    "segment": "细分领域",
}
_VALUES = {
    ("threshold_comparator", ">"): "超过（不含本数）",
    ("threshold_comparator", ">="): "达到（含本数）",
    ("measure", "output"): "工业总产值",
    ("measure", "revenue"): "营业收入",
    ("new", True): "新认定",
    ("in_clusters", True): "仅产业集群企业",
    ("level", "national"): "国家级",
    ("level", "provincial"): "省级",
    ("level", "city"): "市级",
}


def describe_params(params: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A target's own parameters as (label, value) in Chinese words — what its figure counts — for the target page;
    notes (threshold_unit, baselines) fold into the value they qualify."""
    params = params if isinstance(params, dict) else {}
    from chanye.enterprises.choices import HonourKind

    family_names = {
        "traditional": "传统产业",
        "emerging": "新兴产业",
        "future": "未来产业",
        "county": "县域特色产业集群",
        "pillar": "支柱（优势）产业集群",
        "other": "其他（如块状经济）",
    }
    out: list[tuple[str, str]] = []
    for key, label in _PARAM_LABELS.items():
        if key not in params or params[key] in (None, "", False):
            continue
        v = params[key]
        if (key, v) in _VALUES:
            text = _VALUES[(key, v)]
        elif key == "threshold":
            text = f"{v}{params.get('threshold_unit') or '亿元'}"
        elif key == "min_investment":
            text = f"{v}{params.get('min_investment_unit') or '万元'}"
        elif key == "family":
            text = family_names.get(str(v), str(v))
        elif key == "honour":
            text = dict(HonourKind.choices).get(str(v), str(v))
        elif key == "min_count":
            text = f"{v}家"
        elif key == "baseline_year":
            text = f"{v}年末"
        else:
            text = str(v)
        out.append((label, text))
    return out


def plain_definition(text: str) -> str:
    """An indicator's catalogue definition without its notes on parameters (“（params.measure=output：…）”, “；params.
    family 只计…”): those are the target's, shown in words by `describe_params`."""
    import re

    text = re.sub(r"（[^（）]*params\.[^（）]*）", "", text)
    text = re.sub(r"[；;，,]\s*params\.[^；;]*", "", text)
    text = re.sub(r"params\.\w+(=\w+)?", "", text)
    return re.sub(r"\s{2,}", " ", text).strip("；; ")

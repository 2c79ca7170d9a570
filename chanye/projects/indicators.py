"""The project library's indicators: their entries in the catalogue (registered from `ProjectsConfig.ready`) and
their computation — the project indicators of the target tree (XN-GS-8/9, XN-JG-1/2, HG-T-2, YY-P-1; the 技改
coverage of 规上 firms, XN-JG-3, in `chanye.projects.coverage`) for the city,
every county and every park, one database aggregation each, stored by targets through the provider `PROVIDER`
(`core.indicators` provider "projects") — with the pack's thresholds (`limits`) they are counted against.

Definitions (the platform's; a project **enters the library** as `chanye.projects.stats` says):

* growth points (XN-GS-9), 技改 projects (XN-JG-1/2) and the reserve (XN-GS-8) of a year are the projects entering
  that year and not exited by the period end;
* **landed** (落地, XN-GS-8) = signed in the year; **started** / **producing** (HG-T-2, XN-GS-8) = started /
  put into production in the year;
* **projects implemented in a year** (YY-P-1 `project_count_investment_over`) = in the library by the period end,
  not exited by it and not already producing before the year began.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from chanye.core import indicators as core_indicators
from chanye.core.indicators import Indicator, params_key
from chanye.projects import rules as project_rules
from chanye.projects.coverage import coverage_rows
from chanye.projects.models import Project, ProjectKind, ProjectType
from chanye.projects.stats import cmp_q, entered_between, implemented_at, live_at
from chanye.regions.models import Region

# ---------------------------------------------------------------- the catalogue

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "techrenovation_project_count",
        "技改项目数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出的技改项目中，总投资达门槛（params.min_investment，单位"
        "params.min_investment_unit）的项目数（项目库计算）",
        params=("min_investment", "min_investment_unit"),
        rules=("XN-JG-1", "XN-JG-2"),
        aliases=("技改项目",),
    ),
    Indicator(
        "techrenovation_coverage",
        "规上企业技改覆盖率",
        "%",
        "期末规上企业中，本轮（方案期首年1月1日起）入库（签约；未签约的按登记日期）且未退出的技改项目所属企业的"
        "占比（项目库与规上名录计算；项目须关联企业）",
        rules=("XN-JG-3", "EZ-T-4"),
    ),
    Indicator(
        "growth_point_count",
        "工业增长点项目数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出、预计新增产值达门槛（阈值 growth_point_expected_output，"
        "2000万元）的项目数（项目库计算）",
        rules=("XN-GS-9",),
        aliases=("工业增长点", "增长点"),
    ),
    Indicator(
        "projects_started_count",
        "开工项目数",
        "个",
        "开工日期在当年的工业项目数（项目库计算）",
        rules=("HG-T-2",),
        aliases=("开工",),
    ),
    Indicator(
        "projects_producing_count",
        "投产项目数",
        "个",
        "投产日期在当年的工业项目数（项目库计算）",
        rules=("XN-GS-8", "HG-T-2"),
        aliases=("投产",),
    ),
    Indicator(
        "key_projects_landed_count",
        "落地重点工业项目数",
        "个",
        "签约日期在当年的工业项目数（签约即落地；项目库计算）",
        rules=("XN-GS-8",),
        aliases=("落地",),
    ),
    Indicator(
        "project_count_investment_over",
        "投资超过门槛的项目数",
        "个",
        "当年实施（已入库、未退出、年初尚未投产）且总投资达门槛（params.threshold 亿元，不足 params.below 亿元，"
        "类型 params.project_type）的项目数（项目库计算）",
        params=("threshold", "below", "project_type"),
        rules=("YY-T-1", "YY-P-1"),
        aliases=("十亿级项目", "项目"),
    ),
    Indicator(
        "key_project_reserve_count",
        "重点工业项目储备数",
        "个",
        "当年入库（签约；未签约的按登记日期）且未退出的工业项目数（项目库计算）",
        rules=("XN-GS-8",),
        aliases=("储备重点工业项目",),
    ),
    Indicator(
        "growth_point_reserve_count",
        "每年储备工业新增长点项目数",
        "个",
        "当年入库且未退出、预计新增产值达门槛的增长点项目数（区县口径，同 growth_point_count；项目库计算）",
        rules=("XN-GS-9",),
    ),
    Indicator(
        "growth_point_expected_output",
        "增长点预计新增产值",
        "亿元",
        "当年入库且未退出的增长点项目预计新增产值合计（项目库计算）",
        rules=("XN-GS-9",),
        aliases=("新增产值",),
    ),
)

# The indicators this module computes (codes of the catalogue above); their values replace exactly these.
PROJECT_INDICATORS = (
    "key_projects_landed_count",
    "projects_started_count",
    "projects_producing_count",
    "key_project_reserve_count",
    "growth_point_count",
    "growth_point_reserve_count",
    "growth_point_expected_output",
    "techrenovation_project_count",
    "project_count_investment_over",
    "techrenovation_coverage",
)


# ---------------------------------------------------------------- pack numbers


WAN_PER_YI = Decimal(10000)


@dataclass(frozen=True)
class Limits:
    """The pack's thresholds for growth points and 技改, in the project fields' units."""

    growth_output: Decimal  # 万元 of expected added output (XN-GS-9)
    growth_cmp: str
    tech: Decimal  # 亿元 of total investment (XN-JG-1)
    tech_cmp: str
    tech_major: Decimal  # 亿元 (XN-JG-2)
    tech_major_cmp: str
    tech_params: dict[str, Any] = field(default_factory=dict)
    tech_major_params: dict[str, Any] = field(default_factory=dict)


def _to_wan(value: Decimal, unit: str) -> Decimal:
    return value * WAN_PER_YI if unit == "亿元" else value


def _to_yi(value: Decimal, unit: str) -> Decimal:
    return value if unit == "亿元" else value / WAN_PER_YI


def limits() -> Limits:
    """Thresholds `growth_point_expected_output` (2000万元), `tech_upgrade_project_investment` (500万元) and
    `tech_upgrade_major_project_investment` (1亿元) from the pack; these defaults (咸宁, XN-GS-9/XN-JG-1/2) apply when
    a pack sets none."""
    from chanye.industry.models import Threshold

    keys = ["growth_point_expected_output", "tech_upgrade_project_investment", "tech_upgrade_major_project_investment"]
    got = {t.key: t for t in Threshold.objects.filter(key__in=keys)}

    def one(key: str, default: Decimal, unit: str) -> tuple[Decimal, str, str]:
        t = got.get(key)
        if t is None:
            return default, unit, ">="
        return t.value, t.unit or unit, t.comparator if t.comparator in (">", ">=") else ">="

    g, gu, gc = one("growth_point_expected_output", Decimal(2000), "万元")
    t1, u1, c1 = one("tech_upgrade_project_investment", Decimal(500), "万元")
    t2, u2, c2 = one("tech_upgrade_major_project_investment", Decimal(1), "亿元")
    return Limits(
        growth_output=_to_wan(g, gu),
        growth_cmp=gc,
        tech=_to_yi(t1, u1),
        tech_cmp=c1,
        tech_major=_to_yi(t2, u2),
        tech_major_cmp=c2,
        tech_params={"min_investment": _plain(t1), "min_investment_unit": u1, "min_investment_comparator": c1},
        tech_major_params={"min_investment": _plain(t2), "min_investment_unit": u2, "min_investment_comparator": c2},
    )


def _plain(v: Decimal) -> int | float:
    v = v.normalize()
    return int(v) if v == v.to_integral_value() else float(v)


def pack_targets(indicators: tuple[str, ...] | list[str], among: list[Any] | None = None) -> list[Any]:
    """Active pack targets on `indicators` (city or region scope), from `among` when the caller fetched them already."""
    from chanye.industry.models import Target

    if among is not None:
        return [t for t in among if t.indicator in indicators]
    return list(
        Target.objects.filter(is_active=True, indicator__in=indicators, cluster__isnull=True)
        .select_related("region")
        .order_by("rule", "code")
    )


def _param_sets(
    indicator: str, extra: list[dict[str, Any]] | None = None, targets: list[Any] | None = None
) -> dict[str, dict[str, Any]]:
    """params_key → params for a parameterised indicator: those of the pack's targets, plus `extra`."""

    out: dict[str, dict[str, Any]] = {}
    for t in pack_targets([indicator], targets):
        params = t.params if isinstance(t.params, dict) else {}
        out.setdefault(params_key(indicator, params), params)
    for params in extra or []:
        out.setdefault(params_key(indicator, params), params)
    return out


def tech_q(params: dict[str, Any]) -> Q:
    """XN-JG-1/2: a 技改 project (kind=upgrade) whose total investment reaches params.min_investment."""
    raw = params.get("min_investment")
    q = Q(kind=ProjectKind.UPGRADE)
    if raw in (None, ""):
        return q
    value = _to_yi(Decimal(str(raw)), str(params.get("min_investment_unit") or "万元"))
    return q & cmp_q("investment", value, str(params.get("min_investment_comparator") or ">="))


_TYPE_BY_LABEL = {label: value for value, label in ProjectType.choices}


def _over_q(params: dict[str, Any]) -> Q:
    """YY-P-1: total investment at or above params.threshold 亿元, below params.below, of params.project_type."""
    unit = str(params.get("threshold_unit") or "亿元")
    q = Q()
    if params.get("threshold") not in (None, ""):
        q &= cmp_q(
            "investment",
            _to_yi(Decimal(str(params["threshold"])), unit),
            str(params.get("threshold_comparator") or ">="),
        )
    if params.get("below") not in (None, ""):
        q &= Q(investment__lt=_to_yi(Decimal(str(params["below"])), unit))
    kind = params.get("project_type")
    if kind:
        q &= Q(project_type=_TYPE_BY_LABEL.get(str(kind), str(kind)))
    return q


# ---------------------------------------------------------------- indicator values


def _indicator_aggregates(month: dt.date, lim: Limits, targets: list[Any] | None = None) -> dict[tuple[str, str], Any]:
    """(indicator, params_key) → an aggregate over projects, for the year to the end of `month`."""
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    entered = entered_between(y0, end) & live_at(end)
    growth = entered & cmp_q("expected_output", lim.growth_output, lim.growth_cmp)
    implemented = implemented_at(end)
    aggs: dict[tuple[str, str], Any] = {
        ("key_projects_landed_count", ""): Count("pk", filter=Q(signed_on__range=(y0, end))),  # XN-GS-8
        ("projects_started_count", ""): Count("pk", filter=Q(started_on__range=(y0, end))),  # HG-T-2
        ("projects_producing_count", ""): Count("pk", filter=Q(producing_on__range=(y0, end))),  # XN-GS-8, HG-T-2
        ("key_project_reserve_count", ""): Count("pk", filter=entered),  # XN-GS-8
        ("growth_point_count", ""): Count("pk", filter=growth),  # XN-GS-9
        ("growth_point_reserve_count", ""): Count("pk", filter=growth),
        ("growth_point_expected_output", ""): Sum("expected_output", filter=growth),  # 万元 here, 亿元 stored
    }
    for key, params in _param_sets(
        "techrenovation_project_count", [lim.tech_params, lim.tech_major_params], targets
    ).items():  # XN-JG-1/2
        aggs[("techrenovation_project_count", key)] = Count("pk", filter=entered & tech_q(params))
    for key, params in _param_sets("project_count_investment_over", None, targets).items():  # YY-P-1
        aggs[("project_count_investment_over", key)] = Count("pk", filter=implemented & _over_q(params))
    return aggs


def _clean(code: str, v: Any) -> Decimal:
    v = Decimal(0) if v is None else Decimal(str(v))
    if code == "growth_point_expected_output":
        v = v / WAN_PER_YI
    return v.quantize(Decimal("0.0001"))


def indicator_values(
    month: dt.date,
    *,
    projects: QuerySet[Project] | None = None,
    lim: Limits | None = None,
    targets: list[Any] | None = None,
) -> dict[tuple[str, str], dict[int | None, Decimal]]:
    """(indicator, params_key) → {None: city (or the scope's total), county/park id: value} for the year to the end
    of `month`: one aggregate for the total, one GROUP BY county, one GROUP BY non-county-level park."""
    projects = projects if projects is not None else Project.objects.all()
    aggs = _indicator_aggregates(month, lim or limits(), targets)
    names = {f"a{i}": key for i, key in enumerate(aggs)}
    by_alias = {alias: aggs[key] for alias, key in names.items()}
    out: dict[tuple[str, str], dict[int | None, Decimal]] = {key: {} for key in aggs}
    total = projects.order_by().aggregate(**by_alias)
    for alias, key in names.items():
        out[key][None] = _clean(key[0], total[alias])
    for row in projects.order_by().values("county").annotate(**by_alias):
        for alias, key in names.items():
            out[key][row["county"]] = _clean(key[0], row[alias])
    parks = projects.filter(park__isnull=False, park__is_county_level=False).order_by().values("park")
    for row in parks.annotate(**by_alias):
        for alias, key in names.items():
            out[key][row["park"]] = _clean(key[0], row[alias])
    return out


def period_for(year: int, today: dt.date | None = None) -> dt.date:
    """The period a year's values are stored under: December for a past year, this month for the current one."""
    today = today or timezone.localdate()
    return dt.date(year, 12, 1) if year < today.year else today.replace(day=1)


def project_indicator_values(year: int, month: dt.date | None = None) -> core_indicators.Provided:
    """The project indicators (PROJECT_INDICATORS) of `year` for the city, every county-level unit and every park with
    projects, as of `month` (default: December of a past year, else this month); parameterised ones under the
    `params_key` of each pack target's params. Stored by targets (`core.indicators` provider "projects"): the
    period's computed values of these indicators are replaced, reported figures kept. With no project in the library
    at all nothing is stored (the targets show 暂无数据 rather than zeros)."""
    period = (month or period_for(year)).replace(day=1)
    if period.year != year:
        raise ValueError(f"期间 {period:%Y-%m} 不在 {year} 年")
    if not Project.objects.exists():
        return core_indicators.Provided(period, None)  # a city not using the project library yet: "no data", not zeros
    values = indicator_values(period)
    units = set(Region.objects.county_level().values_list("pk", flat=True))
    rows = [
        core_indicators.Row(code, per.get(region_id, Decimal(0)), params_key=key, region_id=region_id)
        for (code, key), per in values.items()
        for region_id in units | set(per)
    ]
    return core_indicators.Provided(period, rows + coverage_rows(period))  # XN-JG-3


PROVIDER = core_indicators.Provider("projects", PROJECT_INDICATORS, project_indicator_values)


# ---------------------------------------------------------------- the same populations as filters


def growth_point_q(month: dt.date, lim: Limits | None = None) -> Q:
    """The growth points (XN-GS-9) of `month`'s year to its end, as a filter on projects."""
    lim = lim or limits()
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    return entered_between(y0, end) & live_at(end) & cmp_q("expected_output", lim.growth_output, lim.growth_cmp)


def tech_upgrade_q(month: dt.date, lim: Limits | None = None) -> Q:
    """The 技改 projects (XN-JG-1) of `month`'s year to its end, as a filter on projects."""
    lim = lim or limits()
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    return entered_between(y0, end) & live_at(end) & tech_q(lim.tech_params)


def is_major_q(lim: Limits) -> Q:
    return cmp_q("investment", lim.tech_major, lim.tech_major_cmp)

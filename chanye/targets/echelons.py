"""梯队名单 (echelon lists): every tier of the active pack's `tiers` section, live — what reaches it and what is close.

The tiers the texts name (FIDELITY D5): 鄂州 百亿级 / 50亿级 / 10亿级企业, 产值过10亿元工业企业 (“加大扶持力度”)
and 千亿级产业 (EZ-T-1); 黄冈 千亿优势 / 百亿特色产业集群, 十亿地标块状经济, 规上工业总产值过千亿元县域,
工业总产值过500亿元园区 (HG-T-1); 益阳 “千百十” — 千亿级 / 500亿级 / 300亿级产业, 百亿级 / 80亿级 / 50亿级 /
30亿级企业 and 县级百亿级产业 / 十亿级企业 (YY-T-1), 100亿级 / 50亿级 / 十亿级 and 县级一亿级项目 (YY-P-1) —
“列入产业发展‘千百十’工程动态培育的企业和项目” (seeds/004 四（三）).

For each tier: the entities that reach it (the tier's comparator: “过/超过” → `>`, so exactly 10亿 is not 过10亿;
“级/以上/达” → `>=`, so exactly 100亿 is 百亿级) and its 后备 — those short of it with at least RESERVE_SHARE of
the value — with the figure used and its share of the tier value. The figures are the indicator engine's own (one
definition serves the target pages and these lists):

* enterprise — the engine's per-enterprise measures (`indicators.build_measures`): `revenue_12m` (营业收入, 主营业务收入
  for a month without it) or `output_12m` (工业总产值) of the 统计 figures over the 12 months to the latest month with
  统计 data — what `enterprise_count_revenue_over` counts;
* cluster — the sum of those over the cluster's member firms, for the active top-level clusters of the tier's family
  (all families when it names none): `cluster_count_revenue_over`'s figure;
* industry — the pack's industries: the member firms of all the industry's clusters (sub-clusters included), each
  firm once; a county-level tier (益阳 县级百亿级产业) splits it by the firm's county;
* county / park — the firms of the county-level unit or of the park (a county-level park: all firms of the unit),
  the 规上 ones only for a tier on 规上工业总产值 (`above_scale`; 规上 at the end of the latest month);
* project — total investment of the projects implemented this year (in the library, not exited, not producing
  before the year began: what `project_count_investment_over` counts), through the `tier_projects` hook.

Scope: firms and projects are those the user may see (a county officer: their unit's); clusters, industries,
counties and parks are city-wide aggregates, as on the other target pages. A tier that cannot be computed says why
(`Echelon.missing`), never an empty list in silence. Page and export read the same `Echelon` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from chanye.core import access, bounds, hooks

RESERVE_SHARE = Decimal("0.8")  # 后备: at least 80 % of the tier value (platform default, not from the texts)
WAN_PER_YI = Decimal(10000)
UNIT_IN_YI = {"亿元": Decimal(1), "万元": Decimal("0.0001")}
KIND_LABELS = {
    "enterprise": "企业",
    "cluster": "产业集群",
    "industry": "产业",
    "county": "区县",
    "park": "园区",
    "project": "项目",
}
MEASURE_LABELS = {"revenue": "营业收入", "output": "工业总产值", "investment": "总投资"}
FIGURE_KINDS = ("enterprise", "cluster", "industry", "county", "park")  # read from the engine's measures


@dataclass(frozen=True)
class Tier:
    """One tier of the pack (TierSpec), as stored in `Pack.content`."""

    code: str
    name: str
    applies_to: str
    value: Decimal
    unit: str
    comparator: str
    measure: str
    family: str | None = None
    level: str = "city"
    above_scale: bool = False
    rule: str = ""
    source_text: str = ""

    @classmethod
    def of(cls, d: dict[str, Any]) -> Tier:
        return cls(
            code=str(d["code"]),
            name=str(d.get("name") or d["code"]),
            applies_to=str(d.get("applies_to") or ""),
            value=Decimal(str(d["value"])),
            unit=str(d.get("unit") or ""),
            comparator=str(d.get("comparator") or ">"),
            measure=str(d.get("measure") or "revenue"),
            family=d.get("family") or None,
            level=str(d.get("level") or "city"),
            above_scale=bool(d.get("above_scale")),
            rule=str(d.get("rule") or ""),
            source_text=str(d.get("source_text") or ""),
        )

    @property
    def bound(self) -> Decimal:
        """The tier value in 亿元 (the unit every figure here is in)."""
        return self.value * UNIT_IN_YI[self.unit]

    @property
    def reserve_bound(self) -> Decimal:
        return self.bound * RESERVE_SHARE

    def reaches(self, figure: Decimal) -> bool:
        """The tier's own comparator: `>` for 过/超过 (the value itself falls short), `>=` for 级/以上/达."""
        return bounds.reaches(figure, self.comparator, self.bound)

    def near(self, figure: Decimal) -> bool:
        """后备: short of the tier, with at least RESERVE_SHARE of its value."""
        return not self.reaches(figure) and figure >= self.reserve_bound

    @property
    def word(self) -> str:
        return bounds.word(self.comparator)

    @property
    def rule_text(self) -> str:
        """E.g. 营业收入达到100亿元 / 工业总产值超过10亿元 / 规上工业总产值超过1000亿元."""
        measure = ("规上" if self.above_scale else "") + MEASURE_LABELS.get(self.measure, self.measure)
        return f"{measure}{self.word}{self.value.normalize():f}{self.unit}"

    @property
    def kind_label(self) -> str:
        return ("县级" if self.level == "county" else "") + KIND_LABELS.get(self.applies_to, self.applies_to)

    def why_not(self) -> str:
        """Why the tier cannot be listed, or '' when it can."""
        if self.applies_to not in KIND_LABELS:
            return f"层级适用对象“{self.applies_to}”不是企业、集群、产业、区县、园区或项目，无法列出。"
        if self.comparator not in (">", ">="):
            return f"比较符“{self.comparator}”不是门槛（梯队只按“超过”或“达到”列出），无法列出。"
        if self.unit not in UNIT_IN_YI:
            return f"单位“{self.unit}”无法换算为亿元，无法列出。"
        wanted = ("investment",) if self.applies_to == "project" else ("revenue", "output")
        if self.measure not in wanted:
            return f"口径“{self.measure}”不适用于{KIND_LABELS[self.applies_to]}（应为{'、'.join(wanted)}），无法列出。"
        return ""


@dataclass
class Entry:
    """One entity on a tier's list: its name, where it is, the figure used (亿元) and its share of the tier value."""

    name: str
    county: str
    figure: Decimal
    share: Decimal  # % of the tier value, one decimal
    detail: str = ""
    url: str = ""
    county_code: str = ""  # orders county-level tiers by unit (GB/T 2260 code)


@dataclass
class Echelon:
    tier: Tier
    reached: list[Entry] = field(default_factory=list)
    reserve: list[Entry] = field(default_factory=list)
    missing: str = ""  # why the tier cannot be computed ('' when it can)
    basis: str = ""  # what the figure is, stated on the page
    scoped: bool = False  # firms and projects: limited to the user's unit

    @property
    def sections(self) -> list[tuple[str, list[Entry]]]:
        """The page's two lists, the reached and the 后备, each under its own heading."""
        reserve = f"后备（未达门槛、达到门槛值的{int(RESERVE_SHARE * 100)}%以上）"
        return [("达到门槛", self.reached), (reserve, self.reserve)]

    @property
    def rows(self) -> list[tuple[str, Entry]]:
        """(达到 | 后备, entry), the reached first: the page's and the export's rows."""
        return [("达到", e) for e in self.reached] + [("后备", e) for e in self.reserve]


@dataclass
class Lists:
    month: dt.date | None  # the latest month with 统计 figures: the 12-month window ends with it
    echelons: list[Echelon]
    reserve_share: Decimal = RESERVE_SHARE

    @property
    def window(self) -> str:
        if self.month is None:
            return ""
        return f"{_months_before(self.month, 11):%Y年%m月}—{self.month:%Y年%m月}"


def _months_before(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def pack_tiers() -> list[Tier]:
    """The active pack's tiers, in the pack's order."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    return [Tier.of(t) for t in ((pack.content or {}).get("tiers") or [])] if pack else []


def latest_stats_month() -> dt.date | None:
    """The latest month holding 统计 figures (FigureMonth, else the figures themselves)."""
    from chanye.analytics.models import FigureMonth
    from chanye.enterprises.models import MonthlyFigure

    m = FigureMonth.objects.filter(source="stats", figures__gt=0).aggregate(m=Max("month"))["m"]
    return m or MonthlyFigure.objects.filter(source="stats").aggregate(m=Max("month"))["m"]


def _yi(v: Any) -> Decimal:
    """A 万元 sum from the engine (float; NULL/NaN = 0) in 亿元, exact to the figures' 4 decimals."""
    f = 0.0 if v is None or v != v else float(v)
    return Decimal(str(round(f, 4))) / WAN_PER_YI


def _entry(
    tier: Tier, name: str, county: str, figure: Decimal, detail: str = "", url: str = "", code: str = ""
) -> Entry:
    share = (figure * 100 / tier.bound).quantize(Decimal("0.1")) if tier.bound else Decimal(0)
    return Entry(name, county, figure, share, detail, url, code)


def _classify(ech: Echelon, candidates: list[tuple[Decimal, Entry]], *, by_county: bool = False) -> None:
    """Split (figure, entry) candidates into the reached and the 后备, largest first (county-level tiers: by county)."""

    def key(fe: tuple[Decimal, Entry]) -> tuple[str, Decimal, str]:
        return (fe[1].county_code if by_county else "", -fe[0], fe[1].name)

    for fig, e in sorted(candidates, key=key):
        if ech.tier.reaches(fig):
            ech.reached.append(e)
        elif ech.tier.near(fig):
            ech.reserve.append(e)


# ---------------------------------------------------------------- figures from the engine


@dataclass
class Figures:
    """The engine's 12-month figures (万元 sums → 亿元) of every kind a tier needs."""

    enterprises: list[dict[str, Any]] = field(default_factory=list)
    clusters: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    industries: dict[tuple[int, int | None], dict[str, Decimal]] = field(default_factory=dict)
    counties: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    parks: dict[int, dict[str, Decimal]] = field(default_factory=dict)


def _sums(t: Any, by: list[str]) -> Any:
    a = t.is_above
    return t.group_by(by).aggregate(
        revenue=t.revenue_12m.sum(),
        output=t.output_12m.sum(),
        above_revenue=t.revenue_12m.sum(where=a),
        above_output=t.output_12m.sum(where=a),
    )


def _amounts(r: dict[str, Any]) -> dict[str, Decimal]:
    return {k: _yi(r[k]) for k in ("revenue", "output", "above_revenue", "above_output")}


def engine_figures(month: dt.date, tiers: list[Tier]) -> Figures:
    """Run the indicator engine's measures for `month` once and read what the tiers need (Ibis/DuckDB)."""
    import ibis

    from chanye.analytics.engine import connect
    from chanye.regions.models import Region
    from chanye.targets.indicators import build_measures

    kinds = {t.applies_to for t in tiers}
    out = Figures()
    engine = connect()
    try:
        m = build_measures(engine, month)
        if "enterprise" in kinds:
            low = min(t.reserve_bound for t in tiers if t.applies_to == "enterprise") * WAN_PER_YI
            near = m.filter((m.revenue_12m >= float(low)) | (m.output_12m >= float(low)))
            out.enterprises = engine.records(near.select("id", "county_id", "is_above", "revenue_12m", "output_12m"))
        if kinds & {"cluster", "industry"}:
            ec = engine.load(
                "ech_ec", "enterprises_enterprise_clusters", {"enterprise_id": "BIGINT", "cluster_id": "BIGINT"}
            )
            if "cluster" in kinds:
                mc = m.inner_join(ec, m.id == ec.enterprise_id)
                for r in engine.records(_sums(mc, ["cluster_id"])):
                    out.clusters[int(r["cluster_id"])] = _amounts(r)
            if "industry" in kinds:
                cl = engine.load("ech_cl", "industry_cluster", {"id": "BIGINT", "is_active": "BOOLEAN"})
                ci = engine.load(
                    "ech_ci", "industry_cluster_industries", {"cluster_id": "BIGINT", "industry_id": "BIGINT"}
                )
                active = ci.inner_join(cl.filter(cl.is_active), ci.cluster_id == cl.id).select(
                    "cluster_id", "industry_id"
                )
                pairs = ec.inner_join(active, ec.cluster_id == active.cluster_id).select("enterprise_id", "industry_id")
                pairs = pairs.distinct()  # a firm of several of the industry's clusters counts once
                mi = m.inner_join(pairs, m.id == pairs.enterprise_id)
                for r in engine.records(_sums(mi, ["industry_id"])):
                    out.industries[(int(r["industry_id"]), None)] = _amounts(r)
                if any(t.applies_to == "industry" and t.level == "county" for t in tiers):
                    for r in engine.records(_sums(mi.filter(mi.county_id.notnull()), ["industry_id", "county_id"])):
                        out.industries[(int(r["industry_id"]), int(r["county_id"]))] = _amounts(r)
        if "county" in kinds:
            for r in engine.records(_sums(m.filter(m.county_id.notnull()), ["county_id"])):
                out.counties[int(r["county_id"])] = _amounts(r)
        if "park" in kinds:
            unit_parks = list(Region.objects.unit_parks().values_list("pk", flat=True))
            place = (
                ibis.cases((m.county_id.isin(unit_parks), m.county_id), else_=m.park_id) if unit_parks else m.park_id
            )
            mp = m.mutate(place=place)
            for r in engine.records(_sums(mp.filter(mp.place.notnull()), ["place"])):
                out.parks[int(r["place"])] = _amounts(r)
    finally:
        engine.close()
    return out


# ---------------------------------------------------------------- one list per kind


def _measure_text(tier: Tier) -> str:
    if tier.measure == "revenue":
        return "营业收入（缺营业收入的月份取主营业务收入）"
    return "工业总产值"


def _enterprises(ech: Echelon, figures: Figures, user: Any) -> None:
    from chanye.enterprises.models import Enterprise

    tier = ech.tier
    column = "output_12m" if tier.measure == "output" else "revenue_12m"
    ech.scoped = not access.is_city_wide(user)
    ech.basis = f"企业近12个月统计口径{_measure_text(tier)}合计（与目标页企业数指标同一口径）" + (
        "；县级梯队，按区县列出" if tier.level == "county" else ""
    )
    wanted = {int(r["id"]): r for r in figures.enterprises if _yi(r[column]) >= tier.reserve_bound}
    firms = access.scoped(Enterprise, user).filter(pk__in=list(wanted)).select_related("county")
    cands = []
    for e in firms:
        fig = _yi(wanted[e.pk][column])
        detail = "规上" if wanted[e.pk]["is_above"] else ""
        url = reverse("enterprises:detail", args=[e.uscc]) if e.uscc else ""
        county, code = (e.county.name, e.county.code) if e.county else ("", "")
        cands.append((fig, _entry(tier, e.name, county, fig, detail, url, code)))
    _classify(ech, cands, by_county=tier.level == "county")


def _amount_key(tier: Tier) -> str:
    return ("above_" if tier.above_scale else "") + ("output" if tier.measure == "output" else "revenue")


def _clusters(ech: Echelon, figures: Figures) -> None:
    from chanye.industry.models import Cluster
    from chanye.industry.selectors import active_pack

    tier = ech.tier
    qs = Cluster.objects.filter(is_active=True, parent__isnull=True).select_related("region").order_by("code")
    if tier.family:
        qs = qs.filter(family=tier.family)
    pack = active_pack()
    families = ((pack.content or {}).get("industrial_system") or {}).get("families") or [] if pack else []
    family = next((f.get("name") for f in families if f.get("code") == tier.family), tier.family) or ""
    which = f"“{family}”类顶层集群" if family else "全部顶层集群"
    ech.basis = f"集群全部成员企业近12个月统计口径{_measure_text(tier)}合计（{which}；与目标页集群数指标同一口径）"
    clusters = list(qs)
    if not clusters:
        ech.missing = f"还没有{('“' + family + '”类的') if family else ''}产业集群，无法列出。"
        return
    key = _amount_key(tier)
    cands = []
    for c in clusters:
        fig = figures.clusters.get(c.pk, {}).get(key, Decimal(0))
        cands.append((fig, _entry(tier, c.name, c.region.name if c.region else "（跨区县）", fig)))
    _classify(ech, cands)


def _industries(ech: Echelon, figures: Figures) -> None:
    from chanye.industry.models import Industry
    from chanye.regions.models import Region

    tier = ech.tier
    industries = list(Industry.objects.filter(is_active=True).order_by("sort_order", "code"))
    ech.basis = f"产业所属全部集群（含子集群）的成员企业（每家只计一次）近12个月统计口径{_measure_text(tier)}合计" + (
        "；县级梯队，按企业所在区县分列" if tier.level == "county" else ""
    )
    if not industries:
        ech.missing = "政策包没有产业（industries），无法列出。"
        return
    key = _amount_key(tier)
    cands = []
    if tier.level == "county":
        for unit in Region.objects.county_level().order_by("sort_order", "code"):
            for ind in industries:
                fig = figures.industries.get((ind.pk, unit.pk), {}).get(key, Decimal(0))
                cands.append((fig, _entry(tier, f"{unit.name}{ind.name}", unit.name, fig, code=unit.code)))
        _classify(ech, cands, by_county=True)
        return
    for ind in industries:
        fig = figures.industries.get((ind.pk, None), {}).get(key, Decimal(0))
        cands.append((fig, _entry(tier, ind.name, "全市", fig)))
    _classify(ech, cands)


def _regions(ech: Echelon, figures: Figures) -> None:
    from chanye.regions.models import Region

    tier = ech.tier
    above = "规上" if tier.above_scale else ""
    if tier.applies_to == "county":
        units = list(Region.objects.county_level().order_by("sort_order", "code"))
        amounts = figures.counties
        ech.basis = f"县级单位内{above}企业近12个月统计口径{_measure_text(tier)}合计" + (
            "（规上按最新月末的规上名录）" if above else ""
        )
    else:
        units = list(Region.objects.filter(level="park").select_related("parent").order_by("sort_order", "code"))
        amounts = figures.parks
        ech.basis = f"园区内{above}企业近12个月统计口径{_measure_text(tier)}合计（县级园区含该单位全部企业）"
    if not units:
        ech.missing = f"没有{KIND_LABELS[tier.applies_to]}，无法列出。"
        return
    key = _amount_key(tier)
    cands = []
    for u in units:
        fig = amounts.get(u.pk, {}).get(key, Decimal(0))
        county = u.name if tier.applies_to == "county" or u.parent is None else u.parent.name
        cands.append((fig, _entry(tier, u.name, county, fig)))
    _classify(ech, cands)


def _projects(echs: list[Echelon], user: Any, today: dt.date) -> None:
    """YY-P-1: one hook call at the lowest 后备 bound serves every project tier."""
    from chanye.regions.models import Region

    low = min(e.tier.reserve_bound for e in echs)
    answers = hooks.tier_projects(user=user, at_least=low, today=today)
    if not answers:  # no app answers: the project library is not installed
        for ech in echs:
            ech.missing = "项目库未启用，无法列出项目。"
        return
    rows = [r for answer in answers for r in answer]
    codes = dict(Region.objects.filter(pk__in={r["county_id"] for r in rows}).values_list("pk", "code"))
    for ech in echs:
        tier = ech.tier
        ech.scoped = not access.is_city_wide(user)
        ech.basis = f"{today.year}年实施的项目（已入库、未退出、年初尚未投产；与目标页项目数指标同一口径）的总投资" + (
            "；县级梯队，按区县列出" if tier.level == "county" else ""
        )
        cands = []
        for r in rows:
            fig = Decimal(str(r["investment"]))
            detail = "、".join(x for x in (r.get("project_type", ""), r.get("status", ""), r.get("investor", "")) if x)
            entry = _entry(tier, r["name"], r["county"], fig, detail, r.get("url", ""), codes.get(r["county_id"], ""))
            cands.append((fig, entry))
        _classify(ech, cands, by_county=tier.level == "county")


def lists(*, user: Any, month: dt.date | None = None, today: dt.date | None = None) -> Lists:
    """Every tier of the active pack with its lists, for what `user` may see (firms and projects of their unit)."""
    tiers = pack_tiers()
    month = month or latest_stats_month()
    today = today or timezone.localdate()
    echelons = [Echelon(t, missing=t.why_not()) for t in tiers]
    live = [e for e in echelons if not e.missing]
    need_figures = [e for e in live if e.tier.applies_to in FIGURE_KINDS]
    if need_figures and month is None:
        for e in need_figures:
            e.missing = "还没有统计（stats）月度数据，无法计算近12个月的数值。"
        need_figures = []
    figures = engine_figures(month, [e.tier for e in need_figures]) if need_figures and month else Figures()
    for e in need_figures:
        kind = e.tier.applies_to
        if kind == "enterprise":
            _enterprises(e, figures, user)
        elif kind == "cluster":
            _clusters(e, figures)
        elif kind == "industry":
            _industries(e, figures)
        else:
            _regions(e, figures)
    project_tiers = [e for e in live if e.tier.applies_to == "project"]
    if project_tiers:
        _projects(project_tiers, user, today)
    return Lists(month, echelons)


def export_rows(data: Lists) -> list[list[Any]]:
    """The export's rows, from the page's: one per listed entity; a tier that cannot be listed: one row saying why."""
    out: list[list[Any]] = []
    for ech in data.echelons:
        t = ech.tier
        head = [t.name, t.rule, t.kind_label, t.rule_text]
        if ech.missing:
            out.append([*head, "无法列出", "", "", "", None, None, ech.missing])
            continue
        for status, e in ech.rows:
            out.append([*head, status, e.name, e.county, e.detail, _two(e.figure), _two(e.share), ""])
    return out


def _two(v: Any) -> Any:
    """Two decimals for the spreadsheet, as the page shows them (2388.28753498 → 2388.29)."""
    return v.quantize(Decimal("0.01")) if isinstance(v, Decimal) else v


EXPORT_HEADERS = [
    "层级",
    "规则",
    "对象",
    "门槛",
    "名单",
    "名称",
    "所在区县",
    "说明",
    "数值（亿元）",
    "占门槛（%）",
    "备注",
]

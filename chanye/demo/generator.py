"""A deterministic synthetic 咸宁 dataset for the demo and the benchmarks.

The named anchor enterprises of the pack's clusters (专栏1–10) are created in their clusters, large and
规上; the rest are generated with skewed (log-normal) sizes so that a few hundred in 3,000 are 规上.
Months are seasonal (the Spring Festival dip in February, the December push), most firms grow, some
shrink. 统计 figures exist for 规上 firms (as the statistics bureau collects them); 税务 figures
(开票销售额, 税收) for every firm. Everything derives from `seed`, so two runs give the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from chanye.core.text import normalize_company_name
from chanye.core.uscc_gen import make_uscc
from chanye.demo.figure_writer import FigureWriter
from chanye.enterprises.choices import FigureSource, HonourKind, SmartFactoryGrade
from chanye.enterprises.models import Enterprise, Honour, ScalePeriod
from chanye.industry.models import Cluster, CountyLayout, Industry, IndustryCode
from chanye.regions.models import Region
from chanye.regions.selectors import region_name_prefixes

SEASON = [0.86, 0.70, 1.00, 1.00, 1.02, 1.06, 0.98, 0.97, 1.03, 1.04, 1.07, 1.27]  # Jan … Dec
ABOVE_SCALE = 2000  # 万元 a year (XN-GS-1); the generator only uses it to size firms plausibly

_WORDS = list(
    "华鑫瑞恒宏盛泰达信安康丰源润祥和兴隆昌顺通联创新科汇嘉佳卓越博远凯力德融晟楚香城桂竹温泉星辰宇航远华"
    "民腾龙凤金银铜铁山川江湖海云天地中南北东西明光辉福寿永长万百千一正方圆利美好乐佳尚品优精特强鼎立同合聚开"
)
_TRADES = {
    "13": "农产品",
    "14": "食品",
    "15": "饮品",
    "17": "纺织",
    "18": "服饰",
    "22": "纸业",
    "26": "化工",
    "27": "药业",
    "29": "塑胶",
    "30": "建材",
    "31": "钢铁",
    "32": "铝业",
    "33": "金属制品",
    "34": "机械",
    "35": "装备",
    "36": "汽车部件",
    "38": "电机电气",
    "39": "电子",
    "40": "仪器",
    "28": "新材料",
    "19": "皮革",
    "20": "木业",
    "21": "家居",
    "23": "印务",
    "24": "文体",
    "25": "能源",
    "37": "装备",
    "41": "制造",
    "42": "再生资源",
    "43": "维修",
}
# Demo realism only (not policy): where some well-known anchors of the 咸宁 texts actually are.
KNOWN_ANCHOR_COUNTIES = {
    "金盛兰": "嘉鱼县",
    "稳健医疗": "嘉鱼县",
    "南玻": "咸宁高新区",
    "红牛": "咸宁高新区",
    "奥瑞金": "咸宁高新区",
    "维达力": "咸宁高新区",
    "三赢兴": "咸宁高新区",
    "瀛通": "通城县",
    "平安电工": "通城县",
    "中天云母": "通城县",
}
_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "科技有限公司")


@dataclass
class DemoStats:
    enterprises: int = 0
    above_scale: int = 0
    figures: int = 0
    anchors: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _month_list(end: dt.date, n: int) -> list[dt.date]:
    months = []
    y, m = end.year, end.month
    for _ in range(n):
        months.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return months[::-1]


def _stable(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def generate(
    *,
    seed: int = 2025,
    enterprises: int = 3000,
    months: int = 36,
    end_month: dt.date | None = None,
    progress: Callable[[str, int], None] | None = None,
    compute_indicators: bool = True,
) -> DemoStats:
    """Create the dataset (the registry must hold a loaded pack and no enterprises)."""
    t0 = time.perf_counter()
    progress = progress or (lambda stage, pct: None)
    rng = random.Random(seed)
    today = timezone.localdate()
    end = end_month or (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_list = _month_list(end, months)
    stats = DemoStats()

    builder = _Builder(rng)
    # 1. Anchors named in the pack, in their clusters; county from the cluster, else a leading-industry county.
    builder.add_anchors()
    stats.anchors = len(builder.ents)
    # 2. The rest: county by weight, industry from the county's leading industries, size log-normal.
    target = max(enterprises, stats.anchors)
    builder.add_generated(target)
    ents = builder.ents[:target]
    meta = builder.meta[: len(ents)]
    from chanye.demo.calibrate import calibrate

    calibrate(rng, ents, meta, end.year)  # sizes to the city's own targets (issue 12)
    progress("企业", 20)

    # 3. Trajectories: yearly growth, some shrinking; 规上 when the last 12 months reach the threshold.
    _set_trajectories(rng, meta)
    with transaction.atomic():
        _save_enterprises(ents, meta)
        progress("关系", 30)
        above_ids = _save_scale_and_honours(rng, ents, meta, len(month_list), end)
        stats.above_scale = len(above_ids)
        progress("荣誉", 40)
        # 4. Monthly figures.
        stats.figures = _write_figures(rng, ents, meta, month_list, set(above_ids), progress)
    stats.enterprises = len(ents)
    _refresh_derived(month_list, compute_indicators, progress)
    progress("完成", 100)
    stats.seconds = time.perf_counter() - t0
    return stats


class _Builder:
    """The loaded pack's reference data and the enterprises (with their metadata) built from it so far."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.units = list(Region.objects.county_level().order_by("sort_order"))
        from chanye.industry.selectors import active_pack

        pack = active_pack()
        self.city = pack.city if pack else Region(name="咸宁市")
        city_name = self.city.name
        self.city_short = city_name[:-1] if city_name.endswith("市") and len(city_name) > 2 else city_name
        province = (pack.content.get("city", {}).get("province") if pack else "") or "湖北省"
        self.province_short = province[:-1] if province.endswith("省") else province
        if not self.units:
            raise RuntimeError("没有区县单位：请先加载政策包（chanye pack load packs/xianning-2025.yaml）。")
        self.parks = {
            u.pk: list(Region.objects.filter(parent=u, level="park", is_county_level=False)) for u in self.units
        }
        self.industries = list(Industry.objects.filter(is_active=True))
        self.layouts = {lay.region_id: lay for lay in CountyLayout.objects.prefetch_related("industries", "clusters")}
        self.clusters = list(
            Cluster.objects.filter(is_active=True).select_related("parent").prefetch_related("industries")
        )
        self.codes_by_prefix: dict[str, list[str]] = {}
        for c in IndustryCode.objects.filter(level=4, section="C").values_list("code", flat=True):
            self.codes_by_prefix.setdefault(c[:2], []).append(c)
        self.clusters_by_industry: dict[int, list[Cluster]] = {}
        for cl in self.clusters:
            if cl.family == "county":
                continue
            for ind in cl.industries.all():
                self.clusters_by_industry.setdefault(ind.pk, []).append(cl)
        self.prefixes = region_name_prefixes()
        self.used_names: set[str] = set()
        self.used_uscc: set[str] = set()
        self.ents: list[Enterprise] = []
        self.meta: list[dict] = []

    def code_for(self, industry: Industry | None) -> str | None:
        prefixes = [p[:2] for p in (industry.gbt_prefixes if industry else [])] or list(self.codes_by_prefix)
        pool = [c for p in prefixes for c in self.codes_by_prefix.get(p, [])]
        return self.rng.choice(pool) if pool else None

    def add(
        self, name: str, unit: Region, industry: Industry | None, cl: list[Cluster], size: float, anchor: bool
    ) -> None:
        rng = self.rng
        code = make_uscc(rng, unit.code if unit.code.isdigit() else "421200")
        while code in self.used_uscc:
            code = make_uscc(rng, unit.code if unit.code.isdigit() else "421200")
        self.used_uscc.add(code)
        self.used_names.add(name)
        park = rng.choice(self.parks[unit.pk]) if self.parks.get(unit.pk) and rng.random() < 0.35 else None
        self.ents.append(
            Enterprise(
                uscc=code,
                name=name,
                name_key=normalize_company_name(name, self.prefixes),
                county=unit,
                park=park,
                industry_code_id=self.code_for(industry),
                is_above_scale=False,
            )
        )
        self.meta.append({"industry": industry, "clusters": cl, "size": size, "anchor": anchor})

    # -- step 1: the pack's anchors ---------------------------------------------------------------------------

    def add_anchors(self) -> None:
        units = self.units
        by_name = {u.name: u for u in units}
        unit_names = sorted(
            [(n, u) for u in units for n in {u.name, u.short_name, u.name[:-1] if len(u.name) > 2 else u.name} if n],
            key=lambda p: -len(p[0]),
        )
        park_units = {p.name: u for u in units for p in self.parks.get(u.pk, [])}
        places = [*unit_names, *park_units.items()]
        for a, cls in self._anchor_clusters().items():
            name = a if a.endswith(("公司", "集团", "厂")) else f"{self.province_short}{a}有限公司"
            if name in self.used_names:
                continue
            known = next((by_name.get(v) for k, v in KNOWN_ANCHOR_COUNTIES.items() if a.startswith(k)), None)
            region = known or next((c.region for c in cls if c.region_id), None)
            region = region or next((r for c in cls if (r := _county_in_text(a, c.description, places))), None)
            ind = next((i for c in cls for i in c.industries.all()), None)
            if region is None:
                region = self._leading_industry_county(a, ind)
            size = self.rng.lognormvariate(math.log(40000), 1.0)
            self.add(name, region, ind, _with_parents(cls), size, True)

    def _anchor_clusters(self) -> dict[str, list[Cluster]]:
        """Each anchor named in the pack's clusters, with the clusters naming it."""
        anchor_clusters: dict[str, list[Cluster]] = {}
        all_anchors = {a for c in self.clusters for a in c.anchors}
        # "金盛兰" and "金盛兰冶金科技" are one firm: keep the longest name that starts with a shorter one.
        canonical = {a: max((b for b in all_anchors if b.startswith(a)), key=len) for a in all_anchors}
        for c in self.clusters:
            for a in c.anchors:
                anchor_clusters.setdefault(canonical[a], [])
                if c not in anchor_clusters[canonical[a]]:
                    anchor_clusters[canonical[a]].append(c)
        return anchor_clusters

    def _leading_industry_county(self, anchor: str, ind: Industry | None) -> Region:
        """A stable choice among the counties leading in `ind` (all counties if none)."""
        layouts = self.layouts
        candidates = [
            u for u in self.units if ind and layouts.get(u.pk) and ind in layouts[u.pk].industries.all()
        ] or self.units
        return candidates[_stable(anchor) % len(candidates)]

    # -- step 2: the generated rest ---------------------------------------------------------------------------

    def add_generated(self, target: int) -> None:
        rng = self.rng
        weights = [1.0 + 0.15 * (i % 3) for i in range(len(self.units))]
        while len(self.ents) < target:
            unit = rng.choices(self.units, weights)[0]
            lay = self.layouts.get(unit.pk)
            lead = list(lay.industries.all()) if lay else []
            ind = rng.choice(lead) if lead and rng.random() < 0.75 else self._any_industry()
            cl = self._pick_clusters(ind, lay)
            trade = _TRADES.get((self.code_for(ind) or "41")[:2], "制造")
            name = self._generated_name(unit, trade)
            self.add(name, unit, ind, cl, rng.lognormvariate(math.log(480), 1.45), False)

    def _any_industry(self) -> Industry | None:
        return self.rng.choice(self.industries) if self.industries else None

    def _pick_clusters(self, ind: Industry | None, lay: CountyLayout | None) -> list[Cluster]:
        rng = self.rng
        cl: list[Cluster] = []
        if ind and self.clusters_by_industry.get(ind.pk) and rng.random() < 0.6:
            c = rng.choice(self.clusters_by_industry[ind.pk])
            cl = [c] + ([c.parent] if c.parent_id else [])
        if lay and rng.random() < 0.25:
            county_clusters = list(lay.clusters.all())
            if county_clusters:
                cl.append(rng.choice(county_clusters))
        return cl

    def _generated_name(self, unit: Region, trade: str) -> str:
        """A plausible unused company name (20 tries, then a numbered fallback)."""
        rng = self.rng
        for _ in range(20):
            w = "".join(rng.sample(_WORDS, 2))
            prefix = rng.choice(
                [self.province_short, self.city_short, self.city.name, unit.short_name or unit.name[:2], ""]
            )
            name = f"{prefix}{w}{trade}{rng.choice(_FORMS)}"
            if name not in self.used_names:
                return name
        return f"{self.city_short}{w}{trade}{len(self.ents)}号有限公司"


def _county_in_text(anchor: str, text: str, places: list[tuple[str, Region]]) -> Region | None:
    """The county or park named in the same sentence as the anchor, nearest before it."""
    for sentence in re.split(r"[。；;]", text):
        pos = sentence.find(anchor)
        if pos < 0:
            continue
        best = None
        for n, u in places:
            i = sentence.rfind(n, 0, pos)
            if i >= 0 and (best is None or i > best[0]):
                best = (i, u)
        if best:
            return best[1]
    return None


def _with_parents(cls: list[Cluster]) -> list[Cluster]:
    with_parents = {c.pk: c for c in cls}
    for c in cls:
        if c.parent_id:
            with_parents[c.parent_id] = c.parent
    return list(with_parents.values())


def _set_trajectories(rng: random.Random, meta: list[dict]) -> None:
    for m in meta:
        shrinking = rng.random() < 0.10
        m["growth"] = rng.gauss(-0.22, 0.08) if shrinking else rng.gauss(0.07, 0.10)
        m["noise"] = 0.04 + rng.random() * 0.08


def _save_enterprises(ents: list[Enterprise], meta: list[dict]) -> None:
    """Insert the enterprises (setting their pks) and their cluster and industry links."""
    Enterprise.objects.bulk_create(ents, batch_size=2000)
    saved = {e.uscc: e.pk for e in Enterprise.objects.filter(uscc__in=[e.uscc for e in ents]).only("pk", "uscc")}
    for e in ents:
        e.pk = saved[e.uscc]
    through_c = Enterprise.clusters.through
    through_i = Enterprise.industries.through
    through_c.objects.bulk_create(
        [
            through_c(enterprise_id=e.pk, cluster_id=c.pk)
            for e, m in zip(ents, meta, strict=True)
            for c in {c.pk: c for c in m["clusters"]}.values()
        ],
        batch_size=5000,
    )
    through_i.objects.bulk_create(
        [
            through_i(enterprise_id=e.pk, industry_id=m["industry"].pk)
            for e, m in zip(ents, meta, strict=True)
            if m["industry"]
        ],
        batch_size=5000,
    )


def _save_scale_and_honours(
    rng: random.Random, ents: list[Enterprise], meta: list[dict], n_months: int, end: dt.date
) -> list[int]:
    """规上 periods, honours and smart-factory grades; returns the pks of the 规上 enterprises."""
    periods: list[ScalePeriod] = []
    honours: list[Honour] = []
    above_ids: list[int] = []
    for e, m in zip(ents, meta, strict=True):
        annual = m["size"]
        start_annual = annual / ((1 + m["growth"]) ** (n_months / 12)) if m["growth"] > -0.9 else annual
        m["start_annual"] = start_annual
        above = annual >= ABOVE_SCALE or m["anchor"]
        was_above = start_annual >= ABOVE_SCALE * 1.1 or m["anchor"]
        if above:
            above_ids.append(e.pk)
        period = _scale_period(rng, e.pk, above, was_above, end)
        if period:
            periods.append(period)
        honours.extend(_honours(rng, e, m["anchor"], annual, above, end.year))
    Enterprise.objects.filter(pk__in=above_ids).update(is_above_scale=True)
    for e in ents:
        if e.smart_factory_grade:
            Enterprise.objects.filter(pk=e.pk).update(smart_factory_grade=e.smart_factory_grade)
    ScalePeriod.objects.bulk_create(periods, batch_size=5000)
    Honour.objects.bulk_create(honours, batch_size=5000, ignore_conflicts=True)
    return above_ids


def _scale_period(rng: random.Random, pk: int, above: bool, was_above: bool, end: dt.date) -> ScalePeriod | None:
    year_now = end.year
    if above:
        if was_above:
            entered = dt.date(rng.randint(2008, year_now - 3), rng.choice([3, 6, 9, 12]), 1)
        else:
            # crossed the threshold inside the window: entered this year or last
            entered = dt.date(rng.choice([year_now, year_now, year_now - 1]), rng.randint(1, end.month), 1)
        return ScalePeriod(enterprise_id=pk, entered_on=entered)
    if was_above:
        entered = dt.date(rng.randint(2010, year_now - 4), 6, 1)
        return ScalePeriod(
            enterprise_id=pk,
            entered_on=entered,
            exited_on=dt.date(rng.choice([year_now - 1, year_now]), 1, 1),
        )
    return None


def _honours(
    rng: random.Random, e: Enterprise, anchor: bool, annual: float, above: bool, year_now: int
) -> list[Honour]:
    """The enterprise's honours and tiers; sets its smart-factory grade when it has one."""
    big = annual > 5000 or anchor
    honours = _tier_honours(rng, e.pk, big, year_now)
    if anchor and rng.random() < 0.12:
        honours.append(
            Honour(
                enterprise_id=e.pk,
                kind=HonourKind.SINGLE_CHAMPION,
                level="national",
                year=rng.randint(2018, year_now),
            )
        )
    if rng.random() < (0.45 if big else 0.08):
        honours.append(Honour(enterprise_id=e.pk, kind=HonourKind.HIGH_TECH, year=rng.randint(2019, year_now)))
    if above:
        honours.extend(_above_scale_honours(rng, e, year_now))
    return honours


def _tier_honours(rng: random.Random, pk: int, big: bool, year_now: int) -> list[Honour]:
    """XN-RD-6 ladder: higher tiers are rarer and imply the lower ones."""
    honours: list[Honour] = []
    r = rng.random()
    if r < (0.25 if big else 0.06):
        honours.append(Honour(enterprise_id=pk, kind=HonourKind.INNOVATIVE_SME, year=rng.randint(2021, year_now)))
        if r < (0.10 if big else 0.015):
            honours.append(
                Honour(
                    enterprise_id=pk,
                    kind=HonourKind.SPECIALIZED,
                    level="provincial",
                    year=rng.randint(2020, year_now),
                )
            )
            if r < (0.03 if big else 0.002):
                honours.append(
                    Honour(
                        enterprise_id=pk,
                        kind=HonourKind.LITTLE_GIANT,
                        level="national",
                        year=rng.randint(2019, year_now),
                    )
                )
    return honours


def _above_scale_honours(rng: random.Random, e: Enterprise, year_now: int) -> list[Honour]:
    """Honours only 规上 firms get; sets the smart-factory grade when drawn."""
    honours: list[Honour] = []
    if rng.random() < 0.55:
        honours.append(
            Honour(
                enterprise_id=e.pk,
                kind=HonourKind.RD_INSTITUTION,
                level=rng.choice(["city", "city", "provincial"]),
            )
        )
    if rng.random() < 0.40:
        honours.append(Honour(enterprise_id=e.pk, kind=HonourKind.DIGITAL, year=rng.randint(2022, year_now)))
    if rng.random() < 0.05:
        honours.append(
            Honour(enterprise_id=e.pk, kind=HonourKind.GREEN_FACTORY, level=rng.choice(["provincial", "national"]))
        )
    if rng.random() < 0.20:
        grade = rng.choices(
            [SmartFactoryGrade.BASIC, SmartFactoryGrade.ADVANCED, SmartFactoryGrade.EXCELLENT], [70, 25, 5]
        )[0]
        e.smart_factory_grade = grade
        honours.append(Honour(enterprise_id=e.pk, kind=HonourKind.SMART_FACTORY, grade=grade))
    return honours


def _write_figures(
    rng: random.Random,
    ents: list[Enterprise],
    meta: list[dict],
    month_list: list[dt.date],
    above_set: set[int],
    progress: Callable[[str, int], None],
) -> int:
    """Monthly 统计 figures for 规上 firms and 税务 figures for all; returns the number of rows written."""
    writer = FigureWriter()
    for k, (e, m) in enumerate(zip(ents, meta, strict=True)):
        base = m["start_annual"] / 12
        g = (1 + m["growth"]) ** (1 / 12) if m["growth"] > -0.9 else 1
        in_stats = e.pk in above_set
        for i, month in enumerate(month_list):
            v = base * (g**i) * SEASON[month.month - 1] * (1 + rng.gauss(0, m["noise"]))
            v = max(v, 0.0)
            main = v * (0.93 + rng.random() * 0.1)
            if in_stats:
                writer.add(e.pk, month, FigureSource.STATS, _stats_values(rng, v, main, m["size"], e.pk))
            writer.add(
                e.pk,
                month,
                FigureSource.TAX,
                {"invoice_sales": main * (0.95 + rng.random() * 0.1), "tax": main * (0.025 + rng.random() * 0.02)},
            )
        if k % 500 == 0:
            progress("月度数据", 40 + int(50 * k / max(1, len(ents))))
    return writer.flush()


def _rd_share(enterprise_pk: int) -> float:
    """R&D expense as a share of main revenue: 1.8 % for most firms, 7 % and 13 % for one in twenty each (the
    research-intensive firms the 研发强度引导名单, XN-RD-4, should find); by pk, so the random stream is unchanged."""
    return {0: 0.13, 1: 0.07}.get(enterprise_pk % 20, 0.018)


def _stats_values(rng: random.Random, v: float, main: float, size: float, enterprise_pk: int = 0) -> dict:
    return {
        "output": v,
        "revenue": main * 1.04,
        "main_revenue": main,
        "profit": main * rng.gauss(0.06, 0.04),
        "employees": max(5, round(size / 55)),
        "rd_expense": main * _rd_share(enterprise_pk) if rng.random() < 0.6 else None,
        "electricity": v * (0.012 + 0.01 * rng.random()),
    }


def _refresh_derived(month_list: list[dt.date], compute_indicators: bool, progress: Callable[[str, int], None]) -> None:
    progress("汇总", 92)
    from chanye.analytics.services import refresh_month_summaries

    refresh_month_summaries()
    if compute_indicators:
        progress("指标", 95)
        from chanye.targets.indicators import history_months, refresh

        for m in history_months(month_list):
            refresh(m)

"""A demo project library (RULES.md §5): a few hundred industrial projects across the counties, industries and
clusters — the projects the city's texts name among them — at every stage from 谋划 to 投产, so the four colours
(XN-XM-4) all show; milestones planned from the pack (XN-XM-1/2/3) with realistic delays, six months of grading
(XN-XM-5), 1–3 secretaries with a 包保 leader and a 项目管家 each (XN-XM-6), lists and types (HG-P-1, YY-P-1), growth
points of 2000万元 and more (XN-GS-9), 技改 projects of 500万元 and more (XN-JG-1/2), and issues at every stage of
一单三制 (YY-P-2). Deterministic for a seed and a date; skipped if the library holds projects."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.core.text import normalize_company_name
from chanye.demo.generator import _WORDS
from chanye.demo.project_data import (
    CLOSINGS,
    DELAY_NOTES,
    EDIT_NOTES,
    EVIDENCE,
    EXIT_REASONS,
    GENERIC_PRODUCTS,
    GIVEN,
    INFRA,
    ISSUES,
    LIVELIHOOD,
    NAMED_PROJECTS,
    NEW_SUFFIXES,
    PRODUCTS,
    SURNAMES,
    UPGRADE_SUFFIXES,
)
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Cluster, CountyLayout, Industry
from chanye.industry.selectors import active_pack
from chanye.projects import bulk, plausibility, services
from chanye.projects import rules as project_rules
from chanye.projects.models import (
    Colour,
    IssueEvent,
    IssueEventKind,
    IssueStatus,
    Milestone,
    Project,
    ProjectIssue,
    ProjectKind,
    ProjectList,
    ProjectStatus,
    ProjectType,
)
from chanye.regions.models import Region
from chanye.regions.selectors import region_name_prefixes

GRADED_MONTHS = 6


@dataclass
class ProjectDemoStats:
    projects: int = 0
    named: int = 0
    colours: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    months: list[dt.date] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        c = self.colours
        span = f"{self.months[0]:%Y-%m}—{self.months[-1]:%Y-%m}" if self.months else "无"
        return (
            f"已生成 {self.projects} 个演示项目（绿{c.get(Colour.GREEN, 0)}、蓝{c.get(Colour.BLUE, 0)}、"
            f"黄{c.get(Colour.YELLOW, 0)}、红{c.get(Colour.RED, 0)}；政策文件具名项目 {self.named} 个），"
            f"{self.issues} 条问题清单，已评定 {span} 共 {len(self.months)} 个月（{self.seconds:.1f} 秒）。"
        )


def _month_back(month: dt.date, n: int) -> dt.date:
    return project_rules.add_months(month, -n)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _post(unit: Region) -> str:
    if unit.level == "park":
        return "管委会副主任"
    return {"区": "副区长", "县": "副县长", "市": "副市长"}.get(unit.name[-1:], "副县长")


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _q(x: float, places: str = "0.01") -> Decimal:
    return Decimal(str(x)).quantize(Decimal(places))


class _Library:
    """Per-run lookups: counties with weights, industries, clusters, products, enterprises per county."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.units = list(Region.objects.county_level().order_by("sort_order", "code"))
        self.parks = {
            u.pk: list(Region.objects.filter(parent=u, level="park", is_county_level=False).order_by("code"))
            for u in self.units
        }
        self.industries = list(Industry.objects.filter(is_active=True).order_by("sort_order", "code"))
        self.clusters = list(
            Cluster.objects.filter(is_active=True).select_related("parent").prefetch_related("industries")
        )
        self.layouts = {
            lay.region_id: lay for lay in CountyLayout.objects.prefetch_related("industries", "clusters").all()
        }
        self.cluster_industry: dict[int, Industry | None] = {}
        self.by_industry: dict[int, list[Cluster]] = {}
        for c in self.clusters:
            inds = list(c.industries.all()) or (list(c.parent.industries.all()) if c.parent_id else [])
            self.cluster_industry[c.pk] = inds[0] if inds else None
            for i in inds:
                if c.family != "county":
                    self.by_industry.setdefault(i.pk, []).append(c)
        self.ents: dict[int, list[tuple[int, str, bool]]] = {u.pk: [] for u in self.units}
        for pk, name, county_id, above in (
            Enterprise.objects.filter(county__in=self.units)
            .order_by("pk")
            .values_list("pk", "name", "county_id", "is_above_scale")
        ):
            self.ents[county_id].append((pk, name, above))

    def industry_like(self, word: str) -> Industry | None:
        return next((i for i in self.industries if word in i.name), None)

    def products(self, industry: Industry | None, cluster: Cluster | None) -> list[str]:
        words: list[str] = []
        if cluster is not None:
            name = cluster.name
            if cluster.region_id and cluster.region:
                name = name.replace(cluster.region.name, "")
            for suffix in ("产业集群", "集群", "产业"):
                name = name.removesuffix(suffix)
            if 2 <= len(name) <= 10:
                words.append(name)
            words += [n for chain in cluster.chains or [] for n in chain if isinstance(n, str) and len(n) <= 10][:4]
        if industry is not None:
            for key, items in PRODUCTS:
                if key in industry.name:
                    words += items
                    break
        return words or GENERIC_PRODUCTS

    def pick_sector(self, unit: Region) -> tuple[Industry | None, Cluster | None]:
        rng = self.rng
        lay = self.layouts.get(unit.pk)
        lead = list(lay.industries.all()) if lay else []
        ind = (
            rng.choice(lead)
            if lead and rng.random() < 0.7
            else (rng.choice(self.industries) if self.industries else None)
        )
        cluster = None
        if lay and rng.random() < 0.25 and list(lay.clusters.all()):
            cluster = rng.choice(list(lay.clusters.all()))
            ind = self.cluster_industry.get(cluster.pk) or ind
        elif ind is not None and self.by_industry.get(ind.pk) and rng.random() < 0.75:
            cluster = rng.choice(self.by_industry[ind.pk])
        return ind, cluster


DEMO_BUILD_MONTHS = 12  # typical start → production of a demo project when the pack states no bands


def _timeline(
    rng: random.Random, rules: project_rules.ProjectRules, investment: Decimal, today: dt.date, stage: str | None
) -> dict[str, Any]:
    """Signing, start, production and exit dates: start 15–150 days after signing (a third later than 咸宁's 60 days
    of XN-XM-1), production after the band's months (XN-XM-2, or DEMO_BUILD_MONTHS without bands) ± a spread, some
    stuck, a few exited."""
    # synthetic durations only: a pack without XN-XM-2 bands (鄂州, 黄冈, 益阳) still gets plausible build times, but
    # no deadline is planned or shown from them
    band = rules.production_months(investment) or DEMO_BUILD_MONTHS
    if stage in (ProjectStatus.BUILDING, ProjectStatus.PRODUCING):  # the named projects: as the texts describe them
        if stage == ProjectStatus.PRODUCING:
            producing = today - dt.timedelta(days=rng.randint(20, 150))
            started = project_rules.add_months(producing, -round(band * rng.uniform(0.9, 1.15)))
        else:
            producing = None
            started = today - dt.timedelta(days=rng.randint(60, min(420, band * 30 - 20)))
        signed = started - dt.timedelta(days=rng.randint(25, 95))
        return {"signed_on": signed, "started_on": started, "producing_on": producing}
    if rng.random() < 0.07:  # 谋划: in the library, not signed yet
        return {"signed_on": None, "started_on": None, "producing_on": None}
    signed = today - dt.timedelta(days=int(rng.triangular(0, 900, 120)))
    out: dict[str, Any] = {"signed_on": signed, "started_on": None, "producing_on": None}
    if rng.random() < 0.06:  # stuck: never started
        if (today - signed).days > 300 and rng.random() < 0.6:
            out["exited_on"] = signed + dt.timedelta(days=rng.randint(240, min(600, (today - signed).days)))
        return out
    late = rng.random() < 0.33
    delay = rng.randint(61, 150) if late else rng.randint(15, 60)
    started = signed + dt.timedelta(days=delay)
    if started > today:
        return out
    out["started_on"] = started
    months = band * rng.uniform(0.75, 1.0) if rng.random() < 0.7 else band * rng.uniform(1.05, 1.5)
    producing = started + dt.timedelta(days=int(months * 30.4))
    if producing <= today:
        out["producing_on"] = producing
    elif rng.random() < 0.02 and (today - started).days > 200:
        out["exited_on"] = started + dt.timedelta(days=rng.randint(150, (today - started).days))
    return out


def _investment(rng: random.Random, kind: str) -> Decimal:
    if kind == ProjectKind.UPGRADE:  # 技改: nearly all 500万 and more (XN-JG-1), about a fifth 1亿 and more (XN-JG-2)
        return _q(min(20.0, max(0.03, math.exp(rng.gauss(math.log(0.35), 1.0)))), "0.0001")
    x = math.exp(rng.gauss(math.log(3.0), 1.0))
    return _q(min(120.0, max(0.5, x)))


def _list_kind(t: dict[str, Any], today: dt.date) -> str:
    if t["signed_on"] is None:
        return ProjectList.PLANNING
    if t["started_on"] is None:
        return ProjectList.PREPARATORY
    return ProjectList.NEW_BUILD if t["started_on"].year == today.year else ProjectList.CONTINUING


@transaction.atomic
def seed_projects(*, seed: int = 2025, today: dt.date | None = None, count: int = 360) -> ProjectDemoStats | None:
    """Create the demo library; None if the library already holds projects or there are no county units."""
    if Project.objects.exists():
        return None
    t0 = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    lib = _Library(rng)
    if not lib.units:
        return None
    seeder = _Seeder(rng, lib, today)
    # 1. The named projects of the city's texts, in their counties.
    named = seeder.add_named()
    # 2. Generated projects: counties weighted, industries from the county layout, sizes log-normal.
    seeder.add_generated(max(count, named))
    projects = seeder.projects
    _ensure_red(projects, today)
    created = bulk.do_create_projects(actor=SYSTEM, projects=projects, rules=seeder.rules, adjust=_progress(rng, today))
    issues = _issues(rng, created, today)
    # 3. Six months of grading, oldest first (XN-XM-5); deadlines to rectify were given before the last one.
    months = _grade(rng, created, today)

    stats = ProjectDemoStats(projects=len(created), named=named, issues=issues, months=months)
    for p in created:
        stats.colours[p.colour] = stats.colours.get(p.colour, 0) + 1
    stats.seconds = time.perf_counter() - t0
    return stats


class _Seeder:
    """Builds the unsaved projects: named ones first, then generated ones, each staffed, dated and coded."""

    def __init__(self, rng: random.Random, lib: _Library, today: dt.date) -> None:
        self.rng = rng
        self.lib = lib
        self.today = today
        self.rules = project_rules.current()
        pack = active_pack()
        self.city = pack.city.name if pack else ""
        province = ((pack.content or {}).get("city", {}).get("province") if pack else "") or "湖北省"
        self.province_short = province.removesuffix("省")
        self.prefixes = region_name_prefixes()
        self.used_names: set[str] = set()
        self.seq: dict[int, int] = {}
        self.projects: list[Project] = []
        self.county_output = plausibility.county_outputs(today.year - 1)
        self.growth_left: dict[int, float] = {}

    def new_code(self, unit: Region, signed: dt.date | None) -> str:
        self.seq[unit.pk] = self.seq.get(unit.pk, 0) + 1
        year = (signed or self.today).year
        return f"{unit.code}-{year}-{self.seq[unit.pk]:03d}"

    def staff(self, p: Project, unit: Region) -> None:
        rng = self.rng
        p.leader = f"{_person(rng)}（{_post(unit)}）"
        p.secretaries = [_person(rng) for _ in range(rng.choice([1, 2, 2, 3]))]  # XN-XM-6
        p.steward = _person(rng)
        p.responsible_unit = f"{unit.short_name or unit.name}{rng.choice(['经信局', '招商服务中心', '发改局'])}"

    def output(self, p: Project) -> None:
        if p.project_type != ProjectType.INDUSTRY:
            return
        ratio = math.exp(self.rng.gauss(math.log(1.1 if p.kind == ProjectKind.NEW else 0.9), 0.5))
        ratio = min(ratio, 0.9 * float(plausibility.OUTPUT_PER_INVESTMENT_MAX))
        expected = float(p.investment) * 10000 * ratio  # 万元; ≥ 2000 → growth point (XN-GS-9)
        county = self.county_output.get(p.county_id)
        if county:  # believable against the county's industry (projects.plausibility): a big project, not half of it
            expected = min(expected, float(county) * 0.8 * float(plausibility.SHARE_OF_COUNTY_MAX))
            if p.signed_on and p.signed_on.year == self.today.year:
                # the year's new projects together add at most a quarter of what the county's industry made last year
                left = self.growth_left.setdefault(p.county_id, float(county) * 0.25)
                expected = max(0.0, min(expected, left))
                self.growth_left[p.county_id] = left - expected
        p.expected_output = _q(expected, "1")

    def apply_timeline(self, p: Project, t: dict[str, Any], unit: Region) -> None:
        p.signed_on, p.started_on, p.producing_on = t["signed_on"], t["started_on"], t["producing_on"]
        if t.get("exited_on"):
            p.exited_on = min(t["exited_on"], self.today)
            p.exit_reason = self.rng.choice(EXIT_REASONS)
            p.exit_unit = p.responsible_unit or f"{unit.name}经信局"
        p.list_kind = _list_kind(t, self.today)

    # -- 1. named projects ------------------------------------------------------------------------------------

    def add_named(self) -> int:
        """The projects the city's texts name; returns how many."""
        by_name = {u.name: u for u in self.lib.units}
        named = 0
        for spec in NAMED_PROJECTS.get(self.city, []):
            unit = by_name.get(spec["county"])
            if unit is None:
                continue
            p = self._named_project(spec, unit)
            self.staff(p, unit)
            timeline = _timeline(
                self.rng, self.rules, p.investment, self.today, spec.get("stage", ProjectStatus.BUILDING)
            )
            self.apply_timeline(p, timeline, unit)
            p.code = self.new_code(unit, p.signed_on)
            p.note = "政策文件点名推进的重点项目"
            self.output(p)
            self.projects.append(p)
            self.used_names.add(p.name)
            named += 1
        return named

    def _named_project(self, spec: dict[str, Any], unit: Region) -> Project:
        lib = self.lib
        investment = Decimal(spec["investment"]) if spec.get("investment") else _q(self.rng.uniform(2, 30))
        ind, cluster = self._named_sector(spec)
        ent = None
        if spec.get("anchor"):
            ent = next((pk for pk, name, _ in lib.ents[unit.pk] if spec["anchor"] in name), None)
        parks_by_name = {p.name: p for ps in lib.parks.values() for p in ps}
        park = next((p for n, p in parks_by_name.items() if spec.get("park") and spec["park"] in n), None)
        return Project(
            name=spec["name"],
            enterprise_id=ent,
            investor=f"{self.province_short}{spec['investor']}有限公司",
            county=unit,
            park=park,
            industry=ind,
            cluster=cluster,
            kind=spec.get("kind", ProjectKind.NEW),
            project_type=ProjectType.INDUSTRY,
            investment=investment,
        )

    def _named_sector(self, spec: dict[str, Any]) -> tuple[Industry | None, Cluster | None]:
        """The industry and cluster of a named project: the cluster whose text names it, else one of its industry."""
        lib = self.lib
        ind = lib.industry_like(spec.get("industry", "")) if spec.get("industry") else None
        cluster = next((c for c in lib.clusters if spec["name"][:3] in (c.description or "")), None)
        if cluster is None and ind is not None and lib.by_industry.get(ind.pk):
            cluster = lib.by_industry[ind.pk][0]
        if cluster is not None and lib.cluster_industry.get(cluster.pk):
            ind = lib.cluster_industry[cluster.pk]
        return ind, cluster

    # -- 2. generated projects --------------------------------------------------------------------------------

    def add_generated(self, target: int) -> None:
        rng = self.rng
        weights = [1.0 + 0.2 * (i % 3) for i in range(len(self.lib.units))]
        big = [Decimal(100), Decimal(120), Decimal(50), Decimal(50), Decimal(60)]  # a few 百亿级/五十亿级 (YY-P-1)
        while len(self.projects) < target:
            unit = rng.choices(self.lib.units, weights)[0]
            p = self._generated_project(unit, big)
            if p is None:
                continue
            self.staff(p, unit)
            self.apply_timeline(p, _timeline(rng, self.rules, p.investment, self.today, None), unit)
            p.code = self.new_code(unit, p.signed_on)
            self.output(p)
            self.projects.append(p)

    def _generated_project(self, unit: Region, big: list[Decimal]) -> Project | None:
        """A new project in `unit`; None when its name is taken (twice)."""
        rng = self.rng
        r = rng.random()
        ptype = ProjectType.INDUSTRY if r < 0.88 else ProjectType.INFRASTRUCTURE if r < 0.96 else ProjectType.LIVELIHOOD
        kind = ProjectKind.UPGRADE if ptype == ProjectType.INDUSTRY and rng.random() < 0.32 else ProjectKind.NEW
        ind, cluster = self.lib.pick_sector(unit) if ptype == ProjectType.INDUSTRY else (None, None)
        investment = big.pop() if big and kind == ProjectKind.NEW and rng.random() < 0.05 else _investment(rng, kind)
        ent_pk, investor, stem = self._investor(unit, kind)
        if ptype == ProjectType.INDUSTRY:
            product = rng.choice(self.lib.products(ind, cluster))
            if kind == ProjectKind.UPGRADE:
                name = f"{stem}{product if rng.random() < 0.3 else ''}{rng.choice(UPGRADE_SUFFIXES)}"
            else:
                name = f"{stem}{product}{rng.choice(NEW_SUFFIXES)}"
        else:
            item = rng.choice(INFRA if ptype == ProjectType.INFRASTRUCTURE else LIVELIHOOD)
            place = unit.short_name or unit.name
            name = place + ("" if item.startswith("园区") else rng.choice(["", "经济开发区", "工业园区"])) + item
            investor = investor or f"{unit.short_name or unit.name}城市发展投资集团有限公司"
            ent_pk = None
        unique = self._unique_name(name)
        if unique is None:
            return None
        self.used_names.add(unique)
        park = rng.choice(self.lib.parks[unit.pk]) if self.lib.parks.get(unit.pk) and rng.random() < 0.3 else None
        return Project(
            name=unique,
            enterprise_id=ent_pk,
            investor=investor,
            county=unit,
            park=park,
            industry=ind,
            cluster=cluster,
            chain_node=rng.choice([n for ch in (cluster.chains or []) for n in ch])
            if cluster and cluster.chains
            else "",
            kind=kind,
            project_type=ptype,
            investment=investment,
        )

    def _investor(self, unit: Region, kind: str) -> tuple[int | None, str, str]:
        """(enterprise pk, investor name, name stem): a registered firm of the county, else a new investor."""
        rng = self.rng
        ents = self.lib.ents.get(unit.pk) or []
        if kind == ProjectKind.UPGRADE and ents:
            above = [e for e in ents if e[2]] or ents
            ent_pk, ent_name, _ = rng.choice(above)
            return ent_pk, "", normalize_company_name(ent_name, self.prefixes)[:8]
        if ents and rng.random() < 0.25:  # an expansion by a registered (often small) firm: XN-GS-5 candidates
            ent_pk, ent_name, _ = rng.choice(ents)
            return ent_pk, "", normalize_company_name(ent_name, self.prefixes)[:8]
        stem = "".join(rng.sample(_WORDS, 2))
        investor = (
            f"{self.province_short}{stem}{rng.choice(['科技', '实业', '新材料', '智能制造', '产业发展'])}有限公司"
        )
        return None, investor, stem

    def _unique_name(self, name: str) -> str | None:
        """The name, or a numbered phase of it when taken; None when that is taken too."""
        if name not in self.used_names:
            return name
        name = name.removesuffix("项目") + f"（{self.rng.choice(['一', '二', '三'])}期）项目"
        return None if name in self.used_names else name


def _ensure_red(projects: list[Project], today: dt.date) -> None:
    """At least one red project (XN-XM-4), with its explanation."""
    if any(p.exited_on for p in projects):
        return
    stuck = [p for p in projects if p.signed_on and not p.started_on and (today - p.signed_on).days > 90]
    p = min(stuck or [p for p in projects if p.signed_on and not p.producing_on], key=lambda p: p.signed_on)
    p.exited_on, p.exit_reason, p.exit_unit = today - dt.timedelta(days=15), EXIT_REASONS[2], p.responsible_unit


def _grade(rng: random.Random, created: list[Project], today: dt.date) -> list[dt.date]:
    """Grade the last six months, oldest first (XN-XM-5), giving some late projects a deadline to rectify before
    the last one; returns the months."""
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = [_month_back(last, n) for n in range(GRADED_MONTHS - 1, -1, -1)]
    for m in months[:-1]:
        services.do_grade_month(actor=SYSTEM, month=m)
    late = set(
        Milestone.objects.filter(project__in=created, planned_on__lt=today, actual_on__isnull=True).values_list(
            "project_id", flat=True
        )
    )
    behind = [p for p in created if p.status in (ProjectStatus.SIGNED, ProjectStatus.BUILDING) and p.pk in late]
    for p in rng.sample(behind, min(len(behind), max(2, len(behind) // 8))):
        p.rectify_by = today + dt.timedelta(days=rng.randint(10, 30))
        p.rectify_note = "限期完成滞后节点，按月报送整改进展"
        p.save(update_fields=["rectify_by", "rectify_note"])
    services.do_grade_month(actor=SYSTEM, month=months[-1])
    return months


def _progress(rng: random.Random, today: dt.date) -> Any:
    """Actual dates of the other milestones: most on time, some late, some missing (overdue); a few planned dates
    edited by hand. The start and production milestones already carry the project's dates."""
    anchors = (project_rules.START_MILESTONE, project_rules.PRODUCTION_MILESTONE)

    def adjust(p: Project, milestones: list[Milestone]) -> None:
        diligence = 0.97 if rng.random() < 0.7 else rng.uniform(0.5, 0.85)
        for m in milestones:
            if m.code in anchors or m.planned_on is None:
                continue
            done_by_production = p.producing_on is not None and m.code != "statistics"
            limit = min(today, p.exited_on or today, p.producing_on if done_by_production else today)
            if m.planned_on > limit and not done_by_production:
                continue
            if not done_by_production and rng.random() > diligence:
                continue  # missing → overdue
            late = rng.random() < (0.12 if diligence > 0.9 else 0.4)
            actual = m.planned_on + dt.timedelta(days=rng.randint(8, 60) if late else rng.randint(-6, 3))
            m.actual_on = max(p.signed_on or actual, min(actual, limit))
            if late and m.actual_on > m.planned_on:
                m.note = rng.choice(DELAY_NOTES)
            if rng.random() < 0.03:
                m.planned_on, m.planned_edited = m.planned_on + dt.timedelta(days=30), True
                m.note = rng.choice(EDIT_NOTES)

    return adjust


def _issues(rng: random.Random, projects: list[Project], today: dt.date) -> int:
    """Issues in every state of 一单三制 (YY-P-2): open, 交办 (some past their due date, reminded or supervised),
    销号 with the result and a description of the evidence."""
    live = [
        p
        for p in projects
        if p.status in (ProjectStatus.SIGNED, ProjectStatus.BUILDING) and (today - p.signed_on).days >= 30
    ]
    chosen = rng.sample(live, min(len(live), max(3, len(projects) // 5)))
    issues: list[ProjectIssue] = []
    plans: list[tuple[str, int]] = []
    for i, p in enumerate(chosen):
        content, dept = rng.choice(ISSUES)
        raised = _between(rng, max(p.signed_on, today - dt.timedelta(days=240)), today)
        state = [IssueStatus.OPEN, IssueStatus.ASSIGNED, IssueStatus.CLOSED][i % 3] if i < 3 else None
        if state is None:
            r = rng.random()
            state = IssueStatus.OPEN if r < 0.2 else IssueStatus.ASSIGNED if r < 0.55 else IssueStatus.CLOSED
        if state != IssueStatus.OPEN and raised >= today - dt.timedelta(days=3):
            raised = today - dt.timedelta(days=rng.randint(20, 90))
        issue = ProjectIssue(project=p, raised_on=raised, content=content, status=state)
        if state != IssueStatus.OPEN:
            issue.department = dept
            issue.assigned_on = min(today, raised + dt.timedelta(days=rng.randint(1, 5)))
            issue.due_on = issue.assigned_on + dt.timedelta(days=rng.choice([15, 30, 45]))
        if state == IssueStatus.CLOSED:
            issue.closed_on = min(today, issue.assigned_on + dt.timedelta(days=rng.randint(5, 40)))
            issue.closing_note = rng.choice(CLOSINGS)
            issue.evidence_text = rng.choice(EVIDENCE)
        issues.append(issue)
        plans.append((state, rng.randint(0, 2)))
    ProjectIssue.objects.bulk_create(issues)
    events: list[IssueEvent] = []
    for issue, (state, follow_ups) in zip(issues, plans, strict=True):
        events.append(IssueEvent(issue=issue, kind=IssueEventKind.RAISE, on=issue.raised_on))
        if state == IssueStatus.OPEN:
            continue
        events.append(
            IssueEvent(
                issue=issue,
                kind=IssueEventKind.ASSIGN,
                on=issue.assigned_on,
                note=f"{issue.department}，{issue.due_on:%Y-%m-%d}前办结",
            )
        )
        end = issue.closed_on or today
        for k in range(follow_ups):
            kind = IssueEventKind.SUPERVISE if k else IssueEventKind.REMIND
            note = "现场督查，要求加快办理" if kind == IssueEventKind.SUPERVISE else ""
            events.append(IssueEvent(issue=issue, kind=kind, on=_between(rng, issue.assigned_on, end), note=note))
        if state == IssueStatus.CLOSED:
            events.append(
                IssueEvent(issue=issue, kind=IssueEventKind.CLOSE, on=issue.closed_on, note=issue.closing_note)
            )
    IssueEvent.objects.bulk_create(events)
    return len(issues)


__all__ = ["ProjectDemoStats", "seed_projects"]

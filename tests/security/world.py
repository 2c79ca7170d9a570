"""A small city with a row of every scoped kind in each of two counties, for the access tests.

咸安区 holds the "own" rows (of the 咸安 officer `xianan` and of the enterprise user `qiye`); 嘉鱼县 holds the "foreign"
rows, every one of them named with MARKER so that a page, an export or an API answer that shows one to the 咸安
officer is caught by a text search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from chanye.chains.models import AttractionTarget
from chanye.core.access import SYSTEM
from chanye.core.models import ImportBatch
from chanye.cultivation.models import Alert, AnalysisRun, Candidate, LeaderDemand, SupplierRelation
from chanye.industry.models import Cluster
from chanye.projects.models import Project, ProjectIssue
from chanye.rewards.models import Entitlement
from chanye.supervision.models import Task, TaskReport, TaskUnit
from chanye.targets.assessment import do_compute_assessment
from chanye.targets.models import IndicatorValue
from tests.factories import (
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LeadFactory,
    LinkEnterpriseFactory,
    ListedLeaderFactory,
    MonthlyFigureFactory,
    ProjectFactory,
    UserFactory,
)

MARKER = "机密"  # in the name of every foreign row; never in an own row
MONTH = dt.date(2025, 6, 1)
ROLES = ["admin", "viewer", "xianan", "qiye", "auditor", "sysadmin", "secadmin", "anonymous"]


@dataclass
class Side:
    """The rows of one county."""

    enterprise: Any
    project: Any
    milestone: Any
    issue: Any
    alert: Any
    candidate: Any
    leader: Any
    demand: Any
    relation: Any
    lead: Any
    target: Any  # an attraction target added by this county's officer
    batch: Any  # an import batch uploaded by this county's officer
    county: Any


@dataclass
class World:
    own: Side
    foreign: Side
    users: dict[str, Any]
    chain: Any
    link: Any
    city_target: Any  # a shared attraction target (the city's)
    assessment_year: int
    extra: dict[str, Any] = field(default_factory=dict)

    def side(self, which: str) -> Side:
        return self.own if which == "own" else self.foreign


def _side(regions: dict[str, Any], county: str, officer: Any, prefix: str, link: Any) -> Side:
    r = regions[county]
    ent = EnterpriseFactory(county=r, name=f"{prefix}示例机电有限公司", is_above_scale=True)
    for m in range(1, 7):
        MonthlyFigureFactory(
            enterprise=ent,
            month=dt.date(2025, m, 1),
            output=Decimal("500"),
            invoice_sales=Decimal("300"),
            revenue=Decimal("500"),
            rd_expense=Decimal("60"),  # 12 % of revenue: on the 研发强度引导名单 (XN-RD-4) of 2025
        )
    project = ProjectFactory(county=r, name=f"{prefix}智能装备项目", enterprise=ent, investor="")
    milestone = project.milestones.order_by("seq").first()
    issue = ProjectIssue.objects.create(
        project=project, raised_on=dt.date(2025, 3, 1), content=f"{prefix}用地问题", status="closed"
    )
    issue.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    alert = Alert.objects.create(kind="approach", enterprise=ent, month=MONTH, measure=Decimal("1900"), rule="XN-GS-6")
    small = EnterpriseFactory(county=r, name=f"{prefix}培育食品有限公司")
    candidate = Candidate.objects.create(enterprise=small, source="manual", added_month=MONTH)
    leader = ListedLeaderFactory(enterprise=ent)
    demand = LeaderDemand.objects.create(leader=leader, raised_on=dt.date(2025, 3, 2), content=f"{prefix}融资诉求")
    relation = SupplierRelation.objects.create(
        leader=leader, year=2025, direction="upstream", partner_name=f"{prefix}包装厂", is_local=True, amount=100
    )
    lead = LeadFactory(county=r, company=f"{prefix}外地客商实业有限公司", link=link)
    target = AttractionTarget.objects.create(link=link, name=f"{county}登记的外地目标企业", unit=r)
    batch = ImportBatch.objects.create(
        kind="enterprises", filename=f"{prefix}名录.xlsx", sha256="0" * 64, user=officer, status="invalid", progress=100
    )
    batch.errors = [{"row": 2, "column": "企业名称", "value": f"{prefix}某公司", "message": "示例错误"}]
    batch.save(update_fields=["errors"])
    LinkEnterpriseFactory(link=link, enterprise=ent, role="leader")
    return Side(ent, project, milestone, issue, alert, candidate, leader, demand, relation, lead, target, batch, r)


def build(regions: dict[str, Any], users: dict[str, Any]) -> World:
    """Both counties' rows, a chain they share, a computed assessment and an analysis run."""
    chain = ChainFactory(name="测试产业链")
    ChainLinkFactory(chain=chain, name="零部件", stage="upstream")
    link = ChainLinkFactory(chain=chain, name="整机装配")
    own = _side(regions, "咸安区", users["xianan"], "咸安", link)
    foreign = _side(regions, "嘉鱼县", users["jiayu"], f"嘉鱼{MARKER}", link)
    users = dict(users)
    users["qiye"] = UserFactory(username="qiye", role="enterprise", enterprise=own.enterprise)
    city_target = AttractionTarget.objects.create(link=link, name="全市共用的外地目标企业")
    year = timezone.localdate().year - 1
    for side, value in ((own, 40), (foreign, 60)):
        IndicatorValue.objects.create(
            indicator="above_scale_new_count", period=dt.date(year, 12, 1), region=side.county, value=value
        )
    do_compute_assessment(actor=SYSTEM, year=year)
    AnalysisRun.objects.create(month=MONTH, counts={"approach": 2})
    food = Cluster.objects.get(code="food")  # the mini pack's industry with a monitoring catalogue (YY-M-1)
    for side in (own, foreign):
        side.enterprise.clusters.add(food)
        Project.objects.filter(pk=side.project.pk).update(cluster=food)
    world = World(own, foreign, users, chain, link, city_target, year)
    for which, side, prefix in (("own", own, "咸安"), ("foreign", foreign, f"嘉鱼{MARKER}")):
        task = Task.objects.create(code=f"task-{which}", label=f"{prefix}督办任务")
        unit = TaskUnit.objects.create(task=task, region=side.county, is_lead=True)
        report = TaskReport.objects.create(task=task, unit=unit, on=dt.date(2025, 3, 1), text=f"{prefix}进展")
        report.evidence.save("progress.pdf", ContentFile(b"%PDF-1.4 progress"), save=True)
        world.extra.update({f"task_{which}": task, f"unit_{which}": unit, f"report_{which}": report})
        world.extra[f"entitlement_{which}"] = Entitlement.objects.create(
            key=f"test|{year}|e{side.enterprise.pk}||",
            year=year,
            reward_code="test-reward",
            rule="EZ-R-2",
            label=f"{prefix}奖补",
            enterprise=side.enterprise,
            county=side.county,
            amount=Decimal("10"),
            explanation=f"{prefix}测算说明",
            status="published",
            published_on=dt.date(year, 12, 1),
            objection_until=dt.date(year + 5, 1, 1),
        )
    return world

"""Demo chain leaders (XN-LZ): the biggest 规上 firm of each key industry listed, with a 包保 official, a year of
visits (a few months missed), demands at every stage, duties ledgers, supplier relations and claims; plus two
applications in progress so the selection steps can be tried. Deterministic for a seed; skipped if leaders exist."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from chanye.accounts.models import Role, User
from chanye.cultivation.ledger import refresh_leader_indicators
from chanye.cultivation.models import (
    ActivityKind,
    ChainLeader,
    DemandStatus,
    LeaderActivity,
    LeaderDemand,
    LeaderOfficial,
    LeaderReview,
    LeaderStatus,
    LeaderVisit,
    OfficialRank,
    SubsidyClaim,
    SubsidyKind,
    SupplierRelation,
)
from chanye.enterprises.choices import HonourKind
from chanye.enterprises.models import Enterprise, Honour
from chanye.industry.models import Industry
from chanye.industry.selectors import active_pack

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
POSTS = ["副区长", "副县长", "县委常委、副县长", "区委常委、常务副区长", "市政府副秘书长"]
DEMANDS = [
    ("用工缺口，需对接技工院校定向招聘", "人社局", "已对接两所院校，首批到岗120人"),
    ("厂区110千伏专线增容", "供电公司", "增容工程已纳入年度计划并完工"),
    ("新厂房规划许可办理", "自然资源和规划局", "已办结许可"),
    ("流动资金贷款续贷", "金融办", "合作银行已续贷8000万元"),
    ("上游原材料本地配套不足", "招商局", "已引进一家配套企业落户园区"),
    ("企业研发中心申报省级平台", "科技局", ""),
    ("货运通道限行影响物流", "交通运输局", ""),
]
ACTIVITIES = {
    ActivityKind.PROJECT: ["配套产业园项目", "智能化技改扩能项目", "新材料延链项目", "上游零部件项目", "研发中心项目"],
    ActivityKind.SUPPLIER: ["包装配套企业", "精密零部件企业", "物流配套企业"],
    ActivityKind.MNA: ["并购省内同行企业", "收购上游原料企业"],
    ActivityKind.MATCHMAKING: ["市内产供销对接会", "长三角供需对接活动"],
}


def _month_add(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


@transaction.atomic
def seed_chain_leaders(*, seed: int = 2025, today: dt.date | None = None) -> int:
    """Create the demo leaders; returns how many were listed (0 if the pack has no chain_leaders or some exist)."""
    pack = active_pack()
    cfg = (pack.content or {}).get("chain_leaders") if pack else None
    if not cfg or ChainLeader.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    approved = dt.date(today.year - 1, 3, 18)
    reviewers = list(User.objects.filter(role__in=[Role.CITY_ADMIN, Role.VIEWER]).order_by("pk")[:3])
    listed = 0
    pending: list[tuple[Industry, Enterprise]] = []
    for ind in Industry.objects.filter(is_active=True).order_by("sort_order", "pk"):
        top = list(
            Enterprise.objects.filter(industries=ind, is_above_scale=True)
            .annotate(out=Sum("monthly__output"))
            .order_by("-out", "pk")[:3]
        )
        if not top:
            continue
        n = 2 if len(top) > 1 and rng.random() < 0.4 else 1
        for e in top[:n]:
            _listed_leader(e, ind, approved, today, rng, reviewers)
            listed += 1
        if len(top) > n:
            pending.append((ind, top[n]))
    # two applications in progress: one under review, one in its public notice
    for k, (ind, e) in enumerate(pending[:2]):
        status = LeaderStatus.REVIEWING if k == 0 else LeaderStatus.NOTICE
        leader = ChainLeader.objects.create(
            enterprise=e, industry=ind, status=status, applied_on=today - dt.timedelta(days=30)
        )
        for r in reviewers[: 2 if k == 0 else 3]:
            _review(leader, r, cfg, rng)
        if status == LeaderStatus.NOTICE:
            leader.score = Decimal("78.50")
            leader.notice_start, leader.notice_end = today - dt.timedelta(days=2), today + dt.timedelta(days=4)
            leader.save()
    refresh_leader_indicators(today.year)
    refresh_leader_indicators(today.year - 1)
    return listed


def _review(leader: ChainLeader, reviewer: User, cfg: dict, rng: random.Random) -> None:
    scores = {c["code"]: rng.randint(65, 95) for c in cfg["criteria"]}
    total = sum(Decimal(str(c["weight"])) * scores[c["code"]] for c in cfg["criteria"]) / 100
    LeaderReview.objects.create(
        leader=leader, reviewer=reviewer, scores={k: str(v) for k, v in scores.items()}, total=total
    )


def _listed_leader(
    e: Enterprise, ind: Industry, approved: dt.date, today: dt.date, rng: random.Random, reviewers: list[User]
) -> None:
    leader = ChainLeader.objects.create(
        enterprise=e,
        industry=ind,
        status=LeaderStatus.LISTED,
        applied_on=approved - dt.timedelta(days=60),
        score=Decimal(rng.randint(7200, 9300)) / 100,
        notice_start=approved - dt.timedelta(days=12),
        notice_end=approved - dt.timedelta(days=6),
        approved_on=approved,
    )
    Honour.objects.get_or_create(
        enterprise=e, kind=HonourKind.CHAIN_LEADER, level="city", grade="", defaults={"year": approved.year}
    )
    name = rng.choice(SURNAMES) + rng.choice(["建国", "志强", "红梅", "海涛", "立新", "晓东", "卫东", "文军"])
    LeaderOfficial.objects.create(
        leader=leader, name=name, post=rng.choice(POSTS), rank=OfficialRank.DEPUTY_COUNTY, since=approved
    )
    month = _month_add(approved, 1)
    visits = []
    while month < today.replace(day=1):
        if rng.random() > 0.1:  # about one month in ten is missed, to show the flag
            visits.append(
                LeaderVisit(
                    leader=leader,
                    on=month + dt.timedelta(days=rng.randint(3, 25)),
                    official=name,
                    summary="走访企业，了解生产经营、项目建设和用工用能情况",
                )
            )
        month = _month_add(month, 1)
    LeaderVisit.objects.bulk_create(visits)
    for i, (text, dept, result) in enumerate(rng.sample(DEMANDS, 3)):
        v = visits[-(i * 3 + 1)] if len(visits) > i * 3 else None
        on = v.on if v else today - dt.timedelta(days=20)
        stage = [DemandStatus.CLOSED, DemandStatus.HANDLING, DemandStatus.OPEN][i] if result else DemandStatus.HANDLING
        LeaderDemand.objects.create(
            leader=leader,
            visit=v,
            raised_on=on,
            content=text,
            department=dept if stage != DemandStatus.OPEN else "",
            due_on=on + dt.timedelta(days=30) if stage != DemandStatus.OPEN else None,
            status=stage,
            response=result if stage == DemandStatus.CLOSED else "",
            closed_on=on + dt.timedelta(days=18) if stage == DemandStatus.CLOSED else None,
        )
    for year in (today.year - 1, today.year):
        last = dt.date(year, 12, 31) if year < today.year else today - dt.timedelta(days=1)
        first = max(approved, dt.date(year, 1, 1))
        span = max(1, (last - first).days)
        share = 1.0 if year < today.year else span / 365
        plan = {ActivityKind.PROJECT: 5, ActivityKind.SUPPLIER: 3, ActivityKind.MNA: 2, ActivityKind.MATCHMAKING: 2}
        for kind, target in plan.items():
            n = max(0, round(target * share * rng.uniform(0.5, 1.3)))
            for k in range(n):
                amount = None
                if kind == ActivityKind.PROJECT:
                    amount = Decimal(rng.choice([3000, 5000, 6500, 12000, 30000]))
                elif kind == ActivityKind.MNA:
                    amount = Decimal(rng.choice([2000, 3000, 4500, 9000]))
                LeaderActivity.objects.create(
                    leader=leader,
                    kind=kind,
                    on=min(last, first + dt.timedelta(days=rng.randint(0, span))),
                    name=ACTIVITIES[kind][k % len(ACTIVITIES[kind])],
                    amount=amount,
                )
        partners = list(Enterprise.objects.filter(county=e.county).exclude(pk=e.pk).order_by("pk")[: rng.randint(2, 5)])
        for p in partners:
            SupplierRelation.objects.create(
                leader=leader,
                year=year,
                direction=rng.choice(["upstream", "downstream"]),
                partner_name=p.name,
                partner=p,
                is_local=True,
                amount=Decimal(rng.randint(300, 3000)),
            )
        for j in range(rng.randint(2, 4)):
            SupplierRelation.objects.create(
                leader=leader,
                year=year,
                direction="upstream",
                partner_name=f"{rng.choice(['上海', '武汉', '苏州', '深圳'])}外地供应商{j + 1}",
                is_local=False,
                amount=Decimal(rng.randint(1000, 6000)),
            )
    # the lead bank is the chain's (XN-LZ-11): chanye.demo.chains names one per chain
    SubsidyClaim.objects.create(
        kind=SubsidyKind.MNA_COST,
        leader=leader,
        industry=ind,
        year=today.year - 1,
        project=ACTIVITIES[ActivityKind.MNA][0],
        cost=Decimal(50),
        amount=Decimal(15),
        on=dt.date(today.year - 1, 9, 1),
    )

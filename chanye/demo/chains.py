"""Demo chain maps: the pack's chains with local enterprises on their links, attraction targets for the gaps and a
lead pipeline at every stage (signed leads become yellow projects through the real services).

Enterprises of a chain's cluster are placed on links whose GB/T 4754 classes match their own industry code when the
link names classes, otherwise spread over the links; about a fifth of the links stay empty and some get one or two
firms, so the map shows missing, weak and single-firm links as a real city's would. Each chain with enterprises gets
one lead bank (XN-LZ-11 "一家主办银行服务一条产业链") serving about seven in ten of them, with credit lines.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from chanye.accounts.models import Role, User
from chanye.chains import leads as lead_services
from chanye.chains.models import (
    PIPELINE,
    AttractionTarget,
    Chain,
    ChainCredit,
    Lead,
    LeadStage,
    LinkEnterprise,
    LinkRole,
)
from chanye.enterprises.models import Enterprise
from chanye.industry.models import IndustryCode
from chanye.regions.models import Region

PLACES = [
    "江苏省苏州市",
    "浙江省宁波市",
    "广东省东莞市",
    "上海市嘉定区",
    "安徽省合肥市",
    "江西省九江市",
    "湖南省长沙市",
    "河南省郑州市",
    "山东省潍坊市",
    "福建省泉州市",
    "四川省成都市",
    "湖北省武汉市",
]
WORDS = ["恒", "瑞", "鼎", "华", "博", "盛", "科", "晟", "远", "宏", "泰", "诚", "迅", "汇", "铭", "润"]
SUFFIXES = ["科技股份有限公司", "新材料有限公司", "实业有限公司", "集团有限公司", "制造有限公司"]
SIZES = ["上市公司", "营收约{r}亿元", "国家级专精特新“小巨人”", "行业前十", "营收约{r}亿元，拟布局华中基地"]
STEP_NOTES = {
    "contact": "电话对接，企业有意向",
    "visit": "赴企业总部考察",
    "signed": "签订投资协议",
    "landed": "项目公司注册落户",
    "dropped": "企业投资计划调整，暂缓布局",
}
OWNERS = ["刘晓峰", "陈静", "王志刚", "周敏", "黄磊", "吴婷"]
BANKS = ["湖北银行{city}分行", "{city}农商银行", "工商银行{city}分行", "建设银行{city}分行"]  # {city}: the pack's city
CREDITS = [200, 500, 800, 1500]  # 万元


@dataclass
class ChainDemoStats:
    chains: int
    placed: int
    targets: int
    leads: int
    signed: int

    def summary(self) -> str:
        return (
            f"已在 {self.chains} 条产业链上标注 {self.placed} 家企业，生成 {self.targets} 家招商目标、"
            f"{self.leads} 条招商线索（其中 {self.signed} 条已签约并转入项目库）。"
        )


def _company(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.sample(WORDS, 2)) + rng.choice(SUFFIXES)
        if name not in used:
            used.add(name)
            return name


def _codes(link: Any, known: set[str]) -> list[str]:
    """A link's GB/T 4754 class codes (letter dropped) that the registry knows."""
    return [c for c in (x.lstrip("ABCDEFGHIJKLMNOPQRST") for x in link.gbt4754) if c in known and len(c) == 4]


def seed_chains(*, seed: int = 2025, today: dt.date | None = None) -> ChainDemoStats | None:
    """Place enterprises, create targets and leads; None when there are no chains or placements exist already."""
    chains = list(Chain.objects.filter(is_active=True).select_related("cluster").order_by("sort_order", "pk"))
    if not chains or LinkEnterprise.objects.exists():
        return None
    today = today or timezone.localdate()
    rng = random.Random(seed)
    placed = 0
    used: set[str] = set()
    targets: list[AttractionTarget] = []
    members: list[LinkEnterprise] = []
    recoded: list[tuple[int, str]] = []
    known = set(IndustryCode.objects.values_list("code", flat=True))
    for chain in chains:
        links = list(chain.links.order_by("position"))
        cluster = chain.cluster
        if cluster is None:
            continue
        pool = list(
            Enterprise.objects.filter(Q(clusters=cluster) | Q(clusters__parent=cluster))
            .distinct()
            .annotate(out=Sum("monthly__output"))
            .order_by("-out", "pk")
            .values_list("pk", "industry_code_id")[:400]
        )
        if not pool:
            continue
        # empty links: about a fifth, never the first (the raw material is usually what a city lacks: keep it real)
        empty = {x.pk for x in links if rng.random() < 0.2}
        if len(empty) == len(links):
            empty.discard(links[-1].pk)
        thin = {x.pk for x in links if x.pk not in empty and rng.random() < 0.25}
        open_links = [x for x in links if x.pk not in empty]
        counts = {x.pk: 0 for x in links}
        rank = 0
        for eid, code in pool:
            # only on a link whose industry codes match the firm's (issue 13: cement and logistics firms were put on
            # 铝土矿开采 because every cluster member was placed somewhere); the others stay off the chain
            matching = [
                x
                for x in open_links
                if code and any(code.startswith(c.lstrip("ABCDEFGHIJKLMNOPQRST")) for c in x.gbt4754)
            ]
            if not matching:
                # about half of the other members make one of the links' products: in this synthetic city their
                # industry code says so (the one a real registry would hold), so the chain map and the code agree
                coded = [x for x in open_links if _codes(x, known)]
                if not coded or rng.random() < 0.5:
                    continue
                link = rng.choice(coded)
                recoded.append((eid, rng.choice(_codes(link, known))))
                matching = [link]
            choices = [x for x in matching if not (x.pk in thin and counts[x.pk] >= rng.choice([1, 2]))] or matching
            link = rng.choice(choices)
            role = LinkRole.LEADER if rank == 0 else LinkRole.CORE if rank < 3 else LinkRole.ORDINARY
            rank += 1
            members.append(LinkEnterprise(link=link, enterprise_id=eid, role=role))
            counts[link.pk] += 1
            placed += 1
        for link in links:
            if link.pk in empty or link.pk in thin or rng.random() < 0.3:
                for _ in range(rng.randint(2, 4)):
                    r = Decimal(rng.randint(5, 300))
                    targets.append(
                        AttractionTarget(
                            link=link,
                            name=_company(rng, used),
                            location=rng.choice(PLACES),
                            products="、".join(link.products[:2]) or link.name,
                            size=rng.choice(SIZES).format(r=r),
                            revenue=r,
                            source="演示：行业协会百强名单",
                        )
                    )
    for eid, code in recoded:
        Enterprise.objects.filter(pk=eid).update(industry_code_id=code)
    LinkEnterprise.objects.bulk_create(members, ignore_conflicts=True)
    AttractionTarget.objects.bulk_create(targets)
    _seed_lead_banks(chains, rng, today)
    n_leads, signed = _seed_leads(rng, today)
    return ChainDemoStats(chains=len(chains), placed=placed, targets=len(targets), leads=n_leads, signed=signed)


def _seed_lead_banks(chains: list[Chain], rng: random.Random, today: dt.date) -> None:
    """One lead bank per chain with enterprises (XN-LZ-11), serving about 70 % of the enterprises on it."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    city = pack.city.name.removesuffix("市") if pack else "本市"
    credits: list[ChainCredit] = []
    for chain in chains:
        on_chain = sorted(set(LinkEnterprise.objects.filter(link__chain=chain).values_list("enterprise_id", flat=True)))
        if not on_chain:
            continue
        chain.lead_bank = rng.choice(BANKS).format(city=city)
        chain.lead_bank_since = today - dt.timedelta(days=rng.randint(120, 400))
        chain.save(update_fields=["lead_bank", "lead_bank_since"])
        credits += [
            ChainCredit(chain=chain, enterprise_id=eid, bank=chain.lead_bank, credit=Decimal(rng.choice(CREDITS)))
            for eid in on_chain
            if rng.random() < 0.7
        ]
    ChainCredit.objects.bulk_create(credits)


def _seed_leads(rng: random.Random, today: dt.date) -> tuple[int, int]:
    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    units = list(Region.objects.county_level().order_by("pk"))
    officers = {u.region_id: u for u in User.objects.filter(role=Role.COUNTY_OFFICER, region__isnull=False)}
    targets = list(AttractionTarget.objects.select_related("link__chain").order_by("pk"))
    if admin is None or not units or not targets:
        return 0, 0
    plan = [LeadStage.CLUE] * 8 + [LeadStage.CONTACT] * 7 + [LeadStage.VISIT] * 5 + [LeadStage.SIGNED] * 4
    plan += [LeadStage.LANDED] * 3 + [LeadStage.DROPPED] * 3
    signed = 0
    for i, stage in enumerate(plan):
        t = targets[(i * 7) % len(targets)]
        unit = units[i % len(units)]
        owner = officers.get(unit.pk)
        # the stages the lead moves through after 线索: up to its planned stage, or 接洽 then 终止 for a dropped one
        if stage == LeadStage.DROPPED:
            steps = [LeadStage.CONTACT, LeadStage.DROPPED]
        else:
            steps = PIPELINE[1 : PIPELINE.index(stage) + 1]
        found = today - dt.timedelta(days=rng.randint(25, 90) + 25 * len(steps))
        lead = lead_services.do_save_lead(
            actor=admin,
            lead=Lead(),
            data={
                "company": t.name,
                "target_id": t.pk,
                "county_id": unit.pk,
                "owner_id": owner.pk if owner else None,
                "owner_name": "" if owner else rng.choice(OWNERS),
                "project_name": f"{t.name.removesuffix('有限公司').removesuffix('股份')}{t.link.name}项目",
                "investment": Decimal(rng.choice([2, 3, 5, 8, 12, 20, 35])),
                "found_on": found,
                "notes": f"来源：{t.source}",
            },
        )
        day = found
        for step in steps:
            day = min(today, day + dt.timedelta(days=rng.randint(10, 40)))
            lead = lead_services.do_move_lead(actor=admin, lead=lead, to=step, on=day, note=STEP_NOTES[step])
        if lead.signed_on:
            signed += 1
    return len(plan), signed

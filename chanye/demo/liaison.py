"""Demo leaders and working teams of the 千亿级产业 liaison arrangements (YY-ORG-1), for packs that state them (益阳).

The text names no leaders and no team: these are placeholders, every name marked “（演示）”. A lead unit the text leaves
open (益阳 服务业 “分工负责”) stays open, so the demo shows what an incomplete arrangement looks like. Written through
the supervision actions as the system; skipped when leaders exist already."""

from __future__ import annotations

import random

from django.db import transaction

from chanye.core import access
from chanye.supervision import liaison as services
from chanye.supervision.models import IndustryLiaison, LiaisonLeader

STEMS = "甲乙丙丁戊己庚辛壬癸"
LEADER_POSTS = [
    "副市长",
    "市委常委、常务副市长",
    "市人大常委会副主任",
    "市政协副主席",
    "市委常委、市委秘书长",
    "市政府党组成员",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TEAM_ROLES = ["工作班子组长（分管副局长）", "联络员（产业科科长）", "成员（运行监测科）"]
PARTNERS = ["市发展改革委", "市商务局", "市科技局"]


def _leader_name(i: int) -> str:
    return f"市领导{STEMS[i % len(STEMS)]}{i // len(STEMS) + 1 if i >= len(STEMS) else ''}（演示）"


@transaction.atomic
def seed_liaison(*, seed: int = 2025) -> int:
    """Two (the pack's number of) leaders and a small team for every active arrangement; the number of arrangements
    filled (0 when there are none or leaders exist already)."""
    arrangements = list(
        IndustryLiaison.objects.filter(is_active=True)
        .select_related("cluster", "lead_unit")
        .order_by("cluster__sort_order")
    )
    if not arrangements or LiaisonLeader.objects.exists():
        return 0
    rng = random.Random(seed)
    actor = access.system("chanye demo")
    n = 0
    for k, liaison in enumerate(arrangements):
        posts = rng.sample(LEADER_POSTS, k=liaison.leaders_required)
        leaders = [
            services.LeaderInput(_leader_name(n + j), post) for j, post in enumerate(posts[: liaison.leaders_required])
        ]
        n += len(leaders)
        services.do_set_leaders(actor=actor, liaison=liaison, leaders=leaders)
        home = liaison.lead_unit.name if liaison.lead_unit else PARTNERS[k % len(PARTNERS)]
        for j, role in enumerate(TEAM_ROLES):
            services.do_save_member(
                actor=actor,
                liaison=liaison,
                name=f"{rng.choice(SURNAMES)}{STEMS[j]}（演示）",
                unit=home,
                role=role,
                phone=f"0737-{4200000 + 100 * k + j}" if j < 2 else "",
            )
        services.do_save_member(
            actor=actor,
            liaison=liaison,
            name=f"{rng.choice(SURNAMES)}{STEMS[len(TEAM_ROLES)]}（演示）",
            unit=PARTNERS[(k + 1) % len(PARTNERS)],
            role="成员（项目调度）",
        )
    return len(arrangements)

"""Demo 块状经济 bases (HG-A-1 “每年认定一次制造基地”; the 黄冈 text names none of its 30): where the pack recognises
bases, about three per county-level unit are registered through the recognition's action before the firms are
generated (so firms of the base's industry join it), and after the figures exist last year's decisions are recorded —
认定 with a document number for those past the tier, a few refused."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from chanye.core import access
from chanye.industry.models import CountyLayout
from chanye.targets import block_economy

ORDINALS = "一二三四"


def register_bases(*, per_unit: int = 3) -> int:
    """About `per_unit` bases per county-level unit, named after the unit and its leading industries."""
    cfg = block_economy.config()
    if cfg is None or block_economy.bases(cfg):
        return 0
    actor = access.system("chanye demo")
    n = 0
    for lay in CountyLayout.objects.select_related("region").prefetch_related("industries").order_by("position"):
        industries = list(lay.industries.all())
        if not industries:
            continue
        short = lay.region.short_name or lay.region.name[:-1]
        for k in range(per_unit):
            ind = industries[k % len(industries)]
            note = (lay.industry_notes or {}).get(ind.name, ind.name).split("、")[0]
            suffix = "" if k < len(industries) else ORDINALS[k // len(industries)]
            block_economy.do_register_base(
                actor=actor,
                name=f"{short}{note}产业基地{suffix}",
                county=lay.region,
                industries=(ind,),
                description="演示数据：市级登记的块状经济基地。",
            )
            n += 1
    return n


def decide_last_year(*, seed: int = 2025, today: dt.date | None = None) -> int:
    """Last year's decisions: recognised with a document number past the tier, most of the rest refused."""
    cfg = block_economy.config()
    if cfg is None:
        return 0
    rng = random.Random(seed)
    year = (today or timezone.localdate()).year - 1
    actor = access.system("chanye demo")
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    doc = f"{pack.city.name[:1] if pack else '市'}政发"  # 黄冈市 → 黄政发〔2025〕N号
    n = 0
    for k, row in enumerate(block_economy.rows(year, cfg)):
        if row.meets:
            block_economy.do_decide(
                actor=actor,
                cluster=row.cluster,
                year=year,
                decision="recognised",
                document_no=f"{doc}〔{year}〕{k + 1}号",
            )
        elif rng.random() < 0.7:
            block_economy.do_decide(actor=actor, cluster=row.cluster, year=year, decision="refused")
        else:
            continue
        n += 1
    return n

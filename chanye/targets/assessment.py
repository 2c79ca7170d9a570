"""Yearly county assessment (HG-A-1 黄冈 annual cluster assessment; YY-P-3 益阳 年考评).

The pack's `assessment` section names the indicators, their weights (summing to 100) and how each is scored:
- share_capped: weight × min(actual ÷ the county's target, cap) — reaching the target earns the full weight,
  overshooting earns at most `cap` times it (default 1.2);
- rank: counties ranked by the actual value; the best earns the full weight, the last 0, linearly between;
  ties share the better rank.
Totals are ranked (ties share a rank) and compared with the previous year's run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.industry.models import Target
from chanye.industry.selectors import active_pack
from chanye.regions.models import Region
from chanye.targets.models import AssessmentRun, AssessmentScore
from chanye.targets.selectors import latest_of_year

TWO = Decimal("0.01")


def _target(indicator: str, region_id: int, year: int) -> Decimal | None:
    t = (
        Target.objects.filter(is_active=True, indicator=indicator, region_id=region_id).filter(per_year=True).first()
        or Target.objects.filter(is_active=True, indicator=indicator, region_id=region_id, year=year).first()
    )
    return t.value if t else None


def _ranks(values: dict[int, Decimal | None], higher_is_better: bool = True) -> dict[int, int]:
    present = {k: v for k, v in values.items() if v is not None}
    ordered = sorted(present.values(), reverse=higher_is_better)
    return {k: ordered.index(v) + 1 for k, v in present.items()}


def score_units(config: dict[str, Any], year: int, units: list[Region]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {u.pk: {"total": Decimal(0), "details": []} for u in units}
    n = len(units)
    for ind in config["indicators"]:
        code, weight = ind["indicator"], Decimal(str(ind["weight"]))
        cap = Decimal(str(ind.get("cap", "1.2")))
        higher = ind.get("higher_is_better", True)
        found = latest_of_year(code, year, by="region", ids=[u.pk for u in units])  # one query per indicator
        actual = {u.pk: found[u.pk][0] if u.pk in found else None for u in units}
        ranks = _ranks(actual, higher)
        for u in units:
            a = actual[u.pk]
            d: dict[str, Any] = {
                "indicator": code,
                "label": ind["label"],
                "weight": str(weight),
                "scoring": ind["scoring"],
                "actual": None if a is None else str(a),
                "rank": ranks.get(u.pk),
            }
            score = Decimal(0)
            if ind["scoring"] == "share_capped":
                t = _target(code, u.pk, year)
                d["target"] = None if t is None else str(t)
                if a is not None and t:
                    share = a / t if higher else (t / a if a else cap)
                    share = min(share, cap)
                    d["share"] = str(share.quantize(Decimal("0.0001")))
                    score = weight * share
                else:
                    d["note"] = "无数据" if a is None else "未设区县目标"
            else:  # rank
                r = ranks.get(u.pk)
                if r is not None:
                    score = weight if n == 1 else weight * Decimal(n - r) / Decimal(n - 1)
                else:
                    d["note"] = "无数据"
            d["score"] = str(score.quantize(TWO))
            out[u.pk]["details"].append(d)
            out[u.pk]["total"] += score
    return out


@transaction.atomic
def do_compute_assessment(*, actor: Actor, year: int) -> AssessmentRun:
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以计算年度考核。")
    pack = active_pack()
    config = (pack.content or {}).get("assessment") if pack else None
    if not config:
        raise ValidationError("本市政策包没有规定年度考核的指标和计分办法，无法计算。")
    units = list(Region.objects.county_level())
    scored = score_units(config, year, units)
    totals = {pk: v["total"].quantize(TWO) for pk, v in scored.items()}
    ranks = _ranks(totals)  # ties share the better rank
    previous = {}
    prev_run = AssessmentRun.objects.filter(year=year - 1).first()
    if prev_run:
        previous = dict(prev_run.scores.values_list("region_id", "rank"))
    run, created = AssessmentRun.objects.update_or_create(
        year=year, defaults={"name": config.get("name", "年度考核"), "config": config}
    )
    run.scores.all().delete()
    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(
                run=run,
                region_id=pk,
                total=totals[pk],
                rank=ranks[pk],
                previous_rank=previous.get(pk),
                details=scored[pk]["details"],
            )
            for pk in totals
        ]
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=run,
        after={"year": year, "totals": {str(k): str(v) for k, v in totals.items()}},
        message=f"计算{year}年{run.name}（{config.get('rule', '')}）",
    )
    return run


def default_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year - 1 if today.month < 3 else today.year

"""Sizing the demo's firms to the city's own targets, so each city's 目标 page is believable (issue 12: “believable,
varied statuses”): 益阳's 电子信息 is a 1000亿 industry and its demo cluster should be near that, not 27亿.

Before trajectories, 规上 periods and monthly figures are derived from the firms' sizes (annual output, 万元), the
sizes are scaled — so every later figure, 规上 status and warning stays consistent with them:
1. every cluster a target sets an output or revenue for (YY-T-2's sub-industries first, then their
   parents, whose scaling fills what the children leave) to the target × a reach drawn from REACH (some met,
   most near, some behind);
2. for each cluster-count target (黄冈 3 千亿 / 10 百亿, 益阳 千亿级产业), the largest clusters of its family not
   already sized, one more than the target asks, around its threshold (some just over, some just under);
3. for each enterprise-count target (百亿级 / 50亿级 / 30亿级, by sector where it says so), about that many of the
   largest firms of the sector around the threshold.
A target due after the demo's year asks only for the share of the plan's years passed (a 2030 goal is not met in
2026).
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from chanye.industry.models import Cluster, IndustryCode, Target
from chanye.targets import definitions as defs

YI = 10000.0  # 万元 per 亿元
ABOVE_SCALE = 2000  # 万元 a year: as the generator's
AVERAGE_CAP = 8 * 10000.0  # 万元: a sized cluster's growing firms average at most 8亿 (the tiers add the giants)
REACH = (0.62, 0.78, 0.9, 0.97, 1.04, 1.15)


def _scale(idx: list[int], desired: float, meta: list[dict[str, Any]], fixed: set[int]) -> None:
    """Scale the members not yet sized so the members' total reaches `desired` (万元). Only the larger members grow
    (those of 规上 size, more when they would average over AVERAGE_CAP): output concentrates in big firms and the
    share of 规上 firms stays believable."""
    unfixed = sorted((i for i in idx if i not in fixed), key=lambda i: -meta[i]["size"])
    n = max(3, sum(1 for i in unfixed if meta[i]["size"] >= ABOVE_SCALE))
    have_fixed = sum(meta[i]["size"] for i in idx if i in fixed)
    while n < len(unfixed) and (desired - have_fixed) / n > AVERAGE_CAP:
        n += max(1, n // 4)  # spread a large total over more firms rather than making a few giants
    free = unfixed[:n]
    small = unfixed[n:]
    have = sum(meta[i]["size"] for i in idx if i in fixed) + sum(meta[i]["size"] for i in small)
    current = sum(meta[i]["size"] for i in free)
    if not free or current <= 0 or desired - have <= 0:
        return
    f = (desired - have) / current
    for i in free:
        meta[i]["size"] *= f
    fixed.update(free)


def _threshold(t: Target) -> float | None:
    params = t.params if isinstance(t.params, dict) else {}
    try:
        return float(Decimal(str(params["threshold"]))) * YI
    except (KeyError, ArithmeticError, ValueError):
        return None


def _along(t: Target, first_year: int | None, year: int) -> float:
    """How far along the plan a target's city should be in `year`: 1 for a target due by then (or yearly), else the
    share of the plan's years passed (at least 0.3) — a 2030 target is not expected to be met in 2026."""
    if t.per_year or not t.year or t.year <= year or first_year is None:
        return 1.0
    return max(0.3, min(1.0, (year - first_year + 1) / (t.year - first_year + 1)))


def _around(rng: random.Random, n: int) -> list[float]:
    """Factors around a count target's threshold for its n + 1 largest: all but the last of the n over it, the last
    sometimes just under (the target behind by one), one more under it."""
    return [rng.choice((1.05, 1.2, 1.35)) for _ in range(max(0, n - 1))] + [rng.choice((0.92, 1.1)), 0.8][: n + 1]


def calibrate(rng: random.Random, ents: list[Any], meta: list[dict[str, Any]], year: int) -> int:
    """Scale the sizes in `meta` to the active pack's targets as they should stand in `year`; the number of clusters
    and firms sized."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    period = (pack.content.get("period") or []) if pack else []
    first_year = int(period[0]) if period else None
    targets = list(Target.objects.filter(is_active=True, region__isnull=True).select_related("cluster"))
    members: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(meta):
        for c in m["clusters"]:
            members[c.pk].append(i)
    fixed: set[int] = set()
    sized = 0
    per_cluster = [t for t in targets if t.indicator in ("cluster_output", "cluster_revenue") and t.cluster]
    # children before parents
    for t in sorted(per_cluster, key=lambda t: (t.cluster is None or t.cluster.parent_id is None, t.code)):
        along = _along(t, first_year, year)
        _scale(members[t.cluster.pk], float(t.value) * YI * along * rng.choice(REACH), meta, fixed)  # type: ignore[union-attr]
        sized += 1
    targeted = {t.cluster_id for t in per_cluster}
    top = list(Cluster.objects.filter(is_active=True, parent__isnull=True))
    for t in sorted((t for t in targets if t.indicator == defs.CLUSTER_COUNT), key=lambda t: -(_threshold(t) or 0)):
        threshold = _threshold(t)
        family = str((t.params or {}).get("family") or "")
        if threshold is None:
            continue
        clusters = [c for c in top if (not family or c.family == family) and c.pk not in targeted and members[c.pk]]
        clusters.sort(key=lambda c: -sum(meta[i]["size"] for i in members[c.pk]))
        factors = _around(rng, max(1, round(float(t.value) * _along(t, first_year, year))))
        for c, factor in zip(clusters, factors, strict=False):
            _scale(members[c.pk], threshold * factor, meta, fixed)
            targeted.add(c.pk)
            sized += 1
    sections = dict(IndustryCode.objects.values_list("code", "section"))
    chosen: set[int] = set()
    for t in sorted((t for t in targets if t.indicator == defs.ENTERPRISE_COUNT), key=lambda t: -(_threshold(t) or 0)):
        try:
            spec = defs.count_spec(defs.ENTERPRISE_COUNT, t.params if isinstance(t.params, dict) else {})
        except (ValueError, ArithmeticError):
            continue
        threshold = float(spec.threshold) * YI

        def in_sector(e: Any, wanted: str = spec.sections) -> bool:
            section = sections.get(e.industry_code_id or "", "")
            return not wanted or (bool(section) and section in wanted)

        firms = [i for i, e in enumerate(ents) if i not in chosen and in_sector(e)]
        firms.sort(key=lambda i: -meta[i]["size"])
        factors = _around(rng, max(1, round(float(t.value) * _along(t, first_year, year))))
        for i, factor in zip(firms, factors, strict=False):
            meta[i]["size"] = max(meta[i]["size"], threshold * factor)
            meta[i]["anchor"] = True  # a firm that size is 规上 and named among the city's leading firms
            chosen.add(i)
            sized += 1
    return sized

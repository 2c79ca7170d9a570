"""The target tree: city → county → cluster, each target with its progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from chanye.core import access
from chanye.industry.models import Target
from chanye.regions.models import Region
from chanye.targets.progress import Progress, all_progress


@dataclass
class Node:
    title: str
    kind: str  # city | county | cluster
    items: list[Progress] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = {"met": 0, "on_track": 0, "behind": 0, "no_data": 0}
        for p in self.items:
            out[p.status] += 1
        return out


def visible_targets(user: Any) -> list[Target]:
    qs = Target.objects.filter(is_active=True).select_related("region", "cluster").order_by("rule", "code")
    if access.unit_id(user):
        qs = qs.filter(Q(region__isnull=True) | Q(region_id=access.unit_id(user)))
    return list(qs)


def assessment_view(user: Any, run: Any) -> tuple[list[Any], set[int]]:
    """What a user sees of an assessment run (HG-A-1, YY-P-3), on the page and in every export alike: the ranking of
    every unit (total, rank, change — published to all units), and the itemised score cards of the units returned in
    the set: every unit for city-wide users, only their own unit for a county/park officer (a park officer: the park
    if it is assessed, else nothing)."""
    scores = list(run.scores.select_related("region")) if run is not None else []
    unit = access.unit_id(user)
    detailed = (
        {s.region_id for s in scores}
        if access.is_city_wide(user)
        else {s.region_id for s in scores if s.region_id == unit}
    )
    return scores, detailed


def target_tree(*, user: Any, today: dt.date | None = None, status: str = "", rule_prefix: str = "") -> list[Node]:
    targets = visible_targets(user)
    if rule_prefix:
        targets = [t for t in targets if t.rule.startswith(rule_prefix)]
    progress = all_progress(today=today, targets=targets)
    if status:
        progress = [p for p in progress if p.status == status]
    city = Node("全市", "city")
    counties: dict[int, Node] = {}
    clusters: dict[int, Node] = {}
    order = {r.pk: i for i, r in enumerate(Region.objects.order_by("sort_order", "code"))}
    for p in progress:
        t = p.target
        if t.cluster_id:
            clusters.setdefault(t.cluster_id, Node(t.cluster.name, "cluster")).items.append(p)
        elif t.region_id:
            counties.setdefault(t.region_id, Node(t.region.name, "county")).items.append(p)
        else:
            city.items.append(p)
    nodes = [city] if city.items else []
    nodes += [counties[k] for k in sorted(counties, key=lambda k: order.get(k, 0))]
    nodes += list(clusters.values())
    return nodes


def latest_of_year(
    indicator: str, year: int, *, by: str, ids: list[int], params_key: str = ""
) -> dict[int, tuple[Decimal, dt.date]]:
    """Per region (`by="region"`) or cluster (`by="cluster"`) of `ids`: its value of `indicator` at its latest period
    in `year`, a department's reported figure winning over the computed one of the same period — the year's figure
    the yearly assessment (HG-A-1, YY-P-3) and the 块状经济 recognition read; one query."""
    from chanye.targets.models import IndicatorValue

    column = f"{by}_id"
    rows = IndicatorValue.objects.filter(
        indicator=indicator, params_key=params_key, period__year=year, **{f"{column}__in": ids}
    ).values_list(column, "period", "source", "value")
    best: dict[int, tuple[dt.date, bool, Decimal]] = {}
    for key, period, source, value in rows:
        reported = source == IndicatorValue.Source.REPORTED
        if key not in best or (period, reported) > best[key][:2]:
            best[key] = (period, reported, value)
    return {k: (v, p) for k, (p, _, v) in best.items()}

"""Reads on chain maps: per-link figures, gap classification (XN-CL-5 缺失/薄弱环节) and the graph the map draws.

A link's figures count the local enterprises placed on it that the user may see (optionally one county): how
many, how many 规上, their industrial output (统计 figures) over the 12 months to the latest month with statistics,
and that output's share of the chain's (each enterprise counted once in the chain total). `classify` turns figures
into a status:

* missing (缺失) — no local enterprise;
* weak (薄弱) — fewer enterprises than the pack's `chain_link_min_enterprises` (or the link's own minimum), or an
  output share below `chain_link_min_output_share` % when the chain has output at all — capped at half of an even
  split (50 % ÷ number of links), so that in a long chain a link is not weak merely for its even share (40 links:
  2.5 % each, weak below 1.25 % rather than 5 %; the seed chains of 2–7 links keep the pack's 5 %);
* single (单一支撑) — a key link (关键环节) held by one enterprise only;
* strong (较强) — none of these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.http import Http404

from chanye.core import access
from chanye.enterprises.choices import FigureSource
from chanye.enterprises.models import MonthlyFigure
from chanye.industry.selectors import threshold
from chanye.regions.models import Region

from .models import AttractionTarget, Chain, ChainEdge, ChainLink, LinkEnterprise, LinkRole, Stage
from .services import can_edit_chains

DEFAULT_MIN_ENTERPRISES = 3  # platform default when the pack sets none
DEFAULT_MIN_SHARE = Decimal(5)  # %, platform default when the pack sets none

STATUS_LABELS = {"missing": "缺失", "weak": "薄弱", "single": "单一支撑", "strong": "较强"}
STATUS_COLOURS = {"missing": "#dc3545", "weak": "#fd7e14", "single": "#ffc107", "strong": "#198754"}


@dataclass
class Thresholds:
    min_enterprises: int = DEFAULT_MIN_ENTERPRISES
    min_share: Decimal = DEFAULT_MIN_SHARE  # percent

    @classmethod
    def from_pack(cls) -> Thresholds:
        n = threshold("chain_link_min_enterprises", DEFAULT_MIN_ENTERPRISES)
        share = threshold("chain_link_min_output_share", DEFAULT_MIN_SHARE)
        return cls(min_enterprises=int(n or 0), min_share=Decimal(share or 0))


@dataclass
class LinkFigures:
    link: ChainLink
    enterprises: int = 0
    above_scale: int = 0
    leaders: int = 0
    output: Decimal = Decimal(0)  # 万元, 12 months
    share: Decimal | None = None  # percent of the chain's output; None when the chain has no output
    targets: int = 0
    status: str = "missing"
    reasons: list[str] = field(default_factory=list)
    # the enterprises counted → their 12-month output (None: no statistics in the window)
    enterprise_output: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def chain_enterprises(figures: list[LinkFigures]) -> int:
    """How many enterprises the figures of one chain count, an enterprise on several links once."""
    return len(set().union(*(f.enterprise_output for f in figures)))


def figures_json(f: LinkFigures) -> dict[str, Any]:
    """One link's figures for the map's JavaScript (graph nodes and the `links` of data.json)."""
    return {
        "enterprises": f.enterprises,
        "aboveScale": f.above_scale,
        "leaders": f.leaders,
        "output": float(f.output),
        "share": float(f.share) if f.share is not None else None,
        "targets": f.targets,
        "status": f.status,
        "statusLabel": f.status_label,
        "reasons": f.reasons,
        "key": f.link.is_key,
        "chokepoint": f.link.is_chokepoint,
    }


def classify(
    *,
    enterprises: int,
    share: Decimal | None,
    is_key: bool,
    thresholds: Thresholds,
    min_enterprises: int | None = None,
    links: int | None = None,
) -> tuple[str, list[str]]:
    """The gap status of one link and the reasons, in Chinese; `links` is the chain's number of links (for the cap
    of the share threshold at half an even split)."""
    if enterprises == 0:
        return "missing", ["本地无企业"]
    reasons: list[str] = []
    need = min_enterprises if min_enterprises is not None else thresholds.min_enterprises
    if enterprises < need:
        reasons.append(f"企业{enterprises}家，少于{need}家")
    min_share, capped = thresholds.min_share, False
    if links and Decimal(50) / links < min_share:
        min_share, capped = (Decimal(50) / links).quantize(Decimal("0.01")), True
    if share is not None and share < min_share:
        note = f"（{links}个环节平均占比的一半）" if capped else ""
        reasons.append(f"产值占全链{share:.1f}%，低于{min_share.normalize():f}%{note}")
    if reasons:
        if is_key and enterprises == 1:
            reasons.append("关键环节仅一家企业支撑")
        return "weak", reasons
    if is_key and enterprises == 1:
        return "single", ["关键环节仅一家企业支撑"]
    return "strong", []


def figures_window(until: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The 12 months to `until` (default: the latest month with statistics figures)."""
    if until is None:
        until = MonthlyFigure.objects.filter(source=FigureSource.STATS).aggregate(m=Max("month"))["m"]
        if until is None:
            return None
    y, m = until.year, until.month - 11
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1), until


def require_reader(request: Any) -> None:
    """Chain and 招商 pages are for the city, county/park officers and department viewers; anyone else finds nothing
    here (404), and the attempt is recorded for the auditor."""
    access.require_reader(request.user, what="产业链与招商页面")


def require_writer(request: Any, obj: Any = None, *, what: str = "招商目标库和招商线索") -> None:
    """Writes to the target library and leads: read-only users (viewers) and rows of other units get 404, audited."""
    require_reader(request)
    access.require_write(request.user, obj, what=what)


def access_chain(*, user: Any, pk: int) -> Chain:
    """A chain by pk; an inactive chain only for those who may edit it (city administrators); otherwise 404."""
    qs = Chain.objects.select_related("cluster")
    if not can_edit_chains(user):
        qs = qs.filter(is_active=True)
    chain = qs.filter(pk=pk).first()
    if chain is None:
        raise Http404("产业链不存在")
    return chain


def members_for(user: Any, county: Region | None = None) -> Any:
    """The placements on chain links the user may see (`LinkEnterprise.objects.for_user`), optionally of the
    enterprises of one county or park."""
    qs = LinkEnterprise.objects.for_user(user)
    if county is not None:
        qs = qs.filter(Q(enterprise__county=county) | Q(enterprise__park=county))
    return qs


def link_figures(
    chain: Chain,
    *,
    user: Any,
    county: Region | None = None,
    until: dt.date | None = None,
    thresholds: Thresholds | None = None,
) -> list[LinkFigures]:
    """Figures and status of every link of `chain`, in chain order; a handful of queries whatever the chain's size."""
    return link_figures_many([chain], user=user, county=county, until=until, thresholds=thresholds)[chain.pk]


def link_figures_many(
    chains: Iterable[Chain],
    *,
    user: Any,
    county: Region | None = None,
    until: dt.date | None = None,
    thresholds: Thresholds | None = None,
) -> dict[int, list[LinkFigures]]:
    """`link_figures` of several chains at once (chain pk → figures in chain order), in the same few queries
    whatever the number of chains, links and enterprises; each chain's output total counts an enterprise once."""
    thresholds = thresholds or Thresholds.from_pack()
    by_pk = {c.pk: c for c in chains}
    chain_ids = list(by_pk)
    links: dict[int, list[ChainLink]] = {pk: [] for pk in chain_ids}
    for x in ChainLink.objects.filter(chain_id__in=chain_ids).order_by("chain_id", "position", "pk"):
        x.chain = by_pk[x.chain_id]
        links[x.chain_id].append(x)
    members = members_for(user, county).filter(link__chain_id__in=chain_ids)
    rows = list(members.values_list("link_id", "enterprise_id", "enterprise__is_above_scale", "role"))
    output: dict[int, Decimal] = {}
    window = figures_window(until)
    if window and rows:
        for eid, total in (
            MonthlyFigure.objects.filter(
                enterprise_id__in=members.values("enterprise_id"), month__range=window, source=FigureSource.STATS
            )
            .order_by()  # no join to enterprises for the default ordering
            .values("enterprise_id")
            .annotate(t=Sum("output"))
            .values_list("enterprise_id", "t")
        ):
            output[eid] = Decimal(total or 0)
    targets = dict(
        AttractionTarget.objects.filter(link__chain_id__in=chain_ids)
        .values("link_id")
        .annotate(n=Count("id"))
        .values_list("link_id", "n")
    )
    figs = {x.pk: LinkFigures(link=x, targets=targets.get(x.pk, 0)) for ls in links.values() for x in ls}
    for link_id, eid, above, role in rows:
        f = figs[link_id]
        f.enterprises += 1
        f.above_scale += 1 if above else 0
        f.leaders += 1 if role == LinkRole.LEADER else 0
        f.output += output.get(eid, Decimal(0))
        f.enterprise_output[eid] = output.get(eid)
    out: dict[int, list[LinkFigures]] = {}
    for pk in chain_ids:
        in_chain = set().union(*(figs[x.pk].enterprise_output for x in links[pk]))  # each enterprise once
        chain_output = sum((output.get(e, Decimal(0)) for e in in_chain), Decimal(0))
        for x in links[pk]:
            f = figs[x.pk]
            f.share = (f.output * 100 / chain_output).quantize(Decimal("0.1")) if chain_output else None
            f.status, f.reasons = classify(
                enterprises=f.enterprises,
                share=f.share,
                is_key=x.is_key,
                thresholds=thresholds,
                min_enterprises=x.min_enterprises,
                links=len(links[pk]),
            )
        out[pk] = [figs[x.pk] for x in links[pk]]
    return out


def county_distribution(chain: Chain, *, user: Any, links: list[ChainLink] | None = None) -> dict[str, Any]:
    """Where each link's enterprises are: counties (county-level units with any) × links, enterprise counts, for the
    map page's distribution table (which counties hold a link, which hold none). `links`: the chain's links in order
    when the caller has them already."""
    counts: dict[tuple[int, int], int] = {}
    for link_id, county_id, n in (
        LinkEnterprise.objects.for_user(user)
        .filter(link__chain=chain)
        .values("link_id", "enterprise__county_id")
        .annotate(n=Count("id"))
        .values_list("link_id", "enterprise__county_id", "n")
        .order_by()
    ):
        counts[(link_id, county_id)] = n
    used = {c for _, c in counts}
    counties = [r for r in Region.objects.county_level().order_by("code") if r.pk in used]
    top = max(counts.values(), default=0)
    rows = []
    for link in links if links is not None else chain.links.order_by("position"):
        cells = [counts.get((link.pk, c.pk), 0) for c in counties]
        rows.append(
            {
                "link": link,
                "cells": [{"n": n, "alpha": round(0.15 + 0.85 * n / top, 2) if n and top else 0} for n in cells],
                "counties": sum(1 for n in cells if n),
            }
        )
    return {"counties": counties, "rows": rows}


def gaps(figures: list[LinkFigures]) -> list[LinkFigures]:
    """The links that need attention, missing first."""
    order = {"missing": 0, "single": 1, "weak": 2}
    return sorted((f for f in figures if f.status != "strong"), key=lambda f: (order[f.status], f.link.position))


def chains_for(*, cluster: Any = None, active: bool = True) -> Any:
    qs = Chain.objects.select_related("cluster").filter(is_active=active)
    if cluster is not None:
        qs = qs.filter(Q(cluster=cluster) | Q(cluster__parent=cluster))
    return qs


def graph(chain: Chain, figures: list[LinkFigures]) -> dict[str, Any]:
    """ECharts graph data: links placed in stage columns (上游 → 下游), coloured by status, edges as arrows."""
    columns: dict[str, list[LinkFigures]] = {s: [] for s in Stage.values}
    for f in figures:
        columns[f.link.stage].append(f)
    nodes = []
    for col, stage in enumerate(Stage.values):
        items = columns[stage]
        for row, f in enumerate(items):
            nodes.append(
                {
                    "id": str(f.link.pk),
                    "name": f.link.name,
                    "x": col * 300 + (row % 2) * 40,
                    "y": (row - (len(items) - 1) / 2) * 110,
                    "stage": Stage(stage).label,
                    **figures_json(f),
                    "products": f.link.products,
                    "itemStyle": {"color": STATUS_COLOURS[f.status]},
                }
            )
    edges = [
        {"source": str(a), "target": str(b)}
        for a, b in ChainEdge.objects.filter(source__chain=chain).values_list("source_id", "target_id")
    ]
    return {"nodes": nodes, "edges": edges, "stages": [s.label for s in Stage]}

"""产业链图谱 pages (XN-CL-5, XN-SYS-4): the chain list by cluster, one chain's interactive map with its data
(`data.json`) and the link panel a click on a node loads, and the gap list (缺失/薄弱环节) with its .xlsx export.

Chain templates are city-wide; the figures on them (enterprises, 规上, output, share, status) count only the
enterprises the user may see (`LinkEnterprise.objects.for_user`), optionally one county for city-wide users.
Reads go through `chanye.chains.selectors`; the only write here is the audit row of an export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit, xlsx
from chanye.core.downloads import attachment
from chanye.core.models import AuditAction
from chanye.industry.models import Cluster
from chanye.regions.models import Region

from . import finance, selectors
from .models import Chain, LinkRole, Stage
from .services import PLACERS, can_edit_chains

STATUS_ORDER = ("strong", "weak", "single", "missing")  # legend order: 较强, 薄弱, 单一支撑, 缺失
ROLE_ORDER = {LinkRole.LEADER: 0, LinkRole.CORE: 1, LinkRole.ORDINARY: 2}
GAP_HEADERS = ["集群", "产业链", "环节", "位置", "状态", "原因", "企业数", "规上", "产值占比(%)", "招商目标数"]
GAP_WIDTHS = [22, 24, 18, 8, 10, 48, 8, 8, 12, 10]


# ---------------------------------------------------------------- shared


def _county(request: AuthedRequest) -> Region | None:
    """The county filter: a county officer is fixed to their own unit (their scope already is), a city-wide user
    may pick one county-level unit with ?county=<region code>."""
    if access.is_officer(request.user):
        return None
    code = (request.GET.get("county") or "").strip()
    if not code:
        return None
    return Region.objects.county_level().filter(code=code).first()


def _county_context(request: AuthedRequest, county: Region | None) -> dict[str, Any]:
    fixed = request.user.region if access.is_officer(request.user) else None
    return {
        "county": county,
        "fixed_county": fixed,
        "counties": [] if fixed else list(Region.objects.county_level().only("code", "name")),
        "county_query": f"county={county.code}" if county else "",
    }


def _until(window: tuple[dt.date, dt.date] | None) -> dt.date | None:
    return window[1] if window else None


def _window_label(window: tuple[dt.date, dt.date] | None) -> str:
    if window is None:
        return "暂无产值数据"
    return f"{window[0]:%Y年%m月}—{window[1]:%Y年%m月}"


def _top(cluster: Cluster | None, clusters: dict[int, Cluster]) -> Cluster | None:
    seen: set[int] = set()
    while cluster is not None and cluster.parent_id and cluster.parent_id in clusters and cluster.pk not in seen:
        seen.add(cluster.pk)
        cluster = clusters[cluster.parent_id]
    return cluster


def _strip(figures: list[selectors.LinkFigures]) -> list[dict[str, Any]]:
    """The links of a chain in stage columns (上游 | 中游 | 下游) for the mini strip on the list."""
    out = []
    for stage in Stage:
        items = [{"f": f, "colour": selectors.STATUS_COLOURS[f.status]} for f in figures if f.link.stage == stage.value]
        if items:
            out.append({"label": stage.label, "links": items})
    return out


def _status_counts(figures: list[selectors.LinkFigures]) -> list[dict[str, Any]]:
    return [
        {
            "key": k,
            "label": selectors.STATUS_LABELS[k],
            "colour": selectors.STATUS_COLOURS[k],
            "n": sum(1 for f in figures if f.status == k),
        }
        for k in STATUS_ORDER
    ]


def _legend() -> list[dict[str, str]]:
    return [
        {"key": k, "label": selectors.STATUS_LABELS[k], "colour": selectors.STATUS_COLOURS[k]} for k in STATUS_ORDER
    ]


# ---------------------------------------------------------------- list


@login_required
@require_GET
def chain_list(request: AuthedRequest) -> HttpResponse:
    """Active chains grouped by top-level cluster, each with its link count and strong/weak/missing/single counts."""
    selectors.require_reader(request)
    county = _county(request)
    window = selectors.figures_window()
    chains = list(selectors.chains_for())
    figures = selectors.link_figures_many(chains, user=request.user, county=county, until=_until(window))
    clusters = {c.pk: c for c in Cluster.objects.only("pk", "code", "name", "parent_id", "sort_order")}
    groups: dict[int | None, dict[str, Any]] = {}
    for chain in chains:
        top = _top(clusters.get(chain.cluster_id) if chain.cluster_id else None, clusters)
        group = groups.setdefault(top.pk if top else None, {"cluster": top, "rows": []})
        figs = figures[chain.pk]
        group["rows"].append(
            {
                "chain": chain,
                "sub_cluster": chain.cluster if chain.cluster and top and chain.cluster.pk != top.pk else None,
                "links": len(figs),
                "counts": _status_counts(figs),
                "strip": _strip(figs),
            }
        )
    ordered = sorted(
        groups.values(),
        key=lambda g: (g["cluster"] is None, g["cluster"].sort_order if g["cluster"] else 0, str(g["cluster"] or "")),
    )
    return render(
        request,
        "chains/list.html",
        {
            "groups": ordered,
            "total": len(chains),
            "legend": _legend(),
            "window_label": _window_label(window),
            "can_edit": can_edit_chains(request.user),
            **_county_context(request, county),
        },
    )


# ---------------------------------------------------------------- one chain: map, data, link panel


def _map_height(figures: list[selectors.LinkFigures]) -> int:
    rows = max((sum(1 for f in figures if f.link.stage == s) for s in Stage.values), default=1)
    return max(460, min(1400, 180 + 90 * rows))


@login_required
@require_GET
def chain_map(request: AuthedRequest, pk: int) -> HttpResponse:
    """The interactive map (drawn from `data.json`) and the table of all links."""
    selectors.require_reader(request)
    chain = selectors.access_chain(user=request.user, pk=pk)
    county = _county(request)
    window = selectors.figures_window()
    thresholds = selectors.Thresholds.from_pack()
    figures = selectors.link_figures(
        chain, user=request.user, county=county, until=_until(window), thresholds=thresholds
    )
    return render(
        request,
        "chains/map.html",
        {
            "chain": chain,
            "figures": figures,
            "rows": [{"f": f, "colour": selectors.STATUS_COLOURS[f.status]} for f in figures],
            "counts": _status_counts(figures),
            "legend": _legend(),
            "thresholds": thresholds,
            "window_label": _window_label(window),
            "height": _map_height(figures),
            "can_edit": can_edit_chains(request.user),
            "finance": finance.chain_finance(chain, user=request.user, county=county),  # XN-LZ-11
            "distribution": (
                selectors.county_distribution(chain, user=request.user, links=[f.link for f in figures])
                if county is None and not access.is_officer(request.user)
                else None
            ),
            **_county_context(request, county),
        },
    )


def map_payload(chain: Chain, *, user: Any, county: Region | None) -> dict[str, Any]:
    """The map's server data: the ECharts graph (nodes in stage columns, edges) and every link's figures."""
    window = selectors.figures_window()
    thresholds = selectors.Thresholds.from_pack()
    figures = selectors.link_figures(chain, user=user, county=county, until=_until(window), thresholds=thresholds)
    g = selectors.graph(chain, figures)
    return {
        "chain": {
            "id": chain.pk,
            "code": chain.code,
            "name": chain.name,
            "cluster": chain.cluster.name if chain.cluster else None,
        },
        "county": {"code": county.code, "name": county.name} if county else None,
        "window": {"from": f"{window[0]:%Y-%m}", "to": f"{window[1]:%Y-%m}"} if window else None,
        "thresholds": {"minEnterprises": thresholds.min_enterprises, "minShare": float(thresholds.min_share)},
        "statuses": _legend(),
        "stages": g["stages"],
        "nodes": g["nodes"],
        "edges": g["edges"],
        "links": [
            {
                "id": f.link.pk,
                "code": f.link.code,
                "name": f.link.name,
                "stage": f.link.stage,
                "stageLabel": Stage(f.link.stage).label,
                **selectors.figures_json(f),
            }
            for f in figures
        ],
    }


@login_required
@require_GET
def map_data(request: AuthedRequest, pk: int) -> JsonResponse:
    selectors.require_reader(request)
    chain = selectors.access_chain(user=request.user, pk=pk)
    payload = map_payload(chain, user=request.user, county=_county(request))
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def link_panel(request: AuthedRequest, pk: int, link_pk: int) -> HttpResponse:
    """The HTML fragment for one link: its local enterprises (in scope) and its attraction targets."""
    selectors.require_reader(request)
    chain = selectors.access_chain(user=request.user, pk=pk)
    county = _county(request)
    window = selectors.figures_window()
    # the whole chain's figures: the link's share and status depend on the other links
    figures = selectors.link_figures(chain, user=request.user, county=county, until=_until(window))
    f = next((f for f in figures if f.link.pk == link_pk), None)
    if f is None:
        raise Http404("环节不存在")
    link = f.link
    members = selectors.members_for(request.user, county).filter(link=link)
    rows = sorted(
        (
            {"m": m, "e": m.enterprise, "output": f.enterprise_output.get(m.enterprise_id)}
            for m in members.select_related("enterprise", "enterprise__county", "enterprise__park")
        ),
        key=lambda r: (ROLE_ORDER.get(r["m"].role, 9), -(r["output"] or 0), r["e"].name),
    )
    return render(
        request,
        "chains/_link_panel.html",
        {
            "chain": chain,
            "link": link,
            "f": f,
            "colour": selectors.STATUS_COLOURS[f.status],
            "stage_label": Stage(link.stage).label,
            "rows": rows,
            "targets": list(link.targets.all()),
            "window_label": _window_label(window),
            "county": county,
            "can_add": access.has_role(request.user, PLACERS),
        },
    )


# ---------------------------------------------------------------- gap list and export


def _cluster(request: AuthedRequest) -> Cluster | None:
    code = (request.GET.get("cluster") or "").strip()
    return Cluster.objects.filter(code=code).first() if code else None


def gap_rows(
    *,
    user: Any,
    cluster: Cluster | None,
    county: Region | None,
    window: tuple[dt.date, dt.date] | None,
    thresholds: selectors.Thresholds,
) -> list[dict[str, Any]]:
    """Every missing, single-supported and weak link of the active chains (of one cluster and its sub-clusters),
    chain by chain, missing first within a chain; figures for the user's scope and the county."""
    chains = list(selectors.chains_for(cluster=cluster))
    figures = selectors.link_figures_many(chains, user=user, county=county, until=_until(window), thresholds=thresholds)
    rows = []
    for chain in chains:
        for f in selectors.gaps(figures[chain.pk]):
            rows.append(
                {
                    "cluster": chain.cluster.name if chain.cluster else "",
                    "chain": chain,
                    "f": f,
                    "link": f.link,
                    "stage": Stage(f.link.stage).label,
                    "status": f.status,
                    "status_label": f.status_label,
                    "colour": selectors.STATUS_COLOURS[f.status],
                    "reasons": "；".join(f.reasons),
                }
            )
    return rows


def _gap_filters(request: AuthedRequest) -> tuple[Cluster | None, Region | None, str]:
    cluster, county = _cluster(request), _county(request)
    parts = []
    if cluster:
        parts.append(f"cluster={cluster.code}")
    if county:
        parts.append(f"county={county.code}")
    return cluster, county, "&".join(parts)


def _cluster_options() -> list[Cluster]:
    """Clusters that carry an active chain, with their parents, in the pack's order."""
    clusters = {c.pk: c for c in Cluster.objects.only("pk", "code", "name", "parent_id", "sort_order")}
    wanted: set[int] = set()
    for cid in Chain.objects.filter(is_active=True, cluster__isnull=False).values_list("cluster_id", flat=True):
        while cid and cid not in wanted and cid in clusters:
            wanted.add(cid)
            cid = clusters[cid].parent_id
    return sorted((clusters[c] for c in wanted), key=lambda c: (c.sort_order, c.code))


@login_required
@require_GET
def gap_list(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request)
    cluster, county, query = _gap_filters(request)
    window, thresholds = selectors.figures_window(), selectors.Thresholds.from_pack()
    rows = gap_rows(user=request.user, cluster=cluster, county=county, window=window, thresholds=thresholds)
    counts = [
        {"key": k, "label": selectors.STATUS_LABELS[k], "colour": selectors.STATUS_COLOURS[k]}
        | {"n": sum(1 for r in rows if r["status"] == k)}
        for k in ("missing", "single", "weak")
    ]
    return render(
        request,
        "chains/gaps.html",
        {
            "rows": rows,
            "counts": counts,
            "cluster": cluster,
            "clusters": _cluster_options(),
            "query": query,
            "thresholds": thresholds,
            "window_label": _window_label(window),
            **_county_context(request, county),
        },
    )


@login_required
@require_GET
def gap_export(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request)
    cluster, county, _ = _gap_filters(request)
    rows = gap_rows(
        user=request.user,
        cluster=cluster,
        county=county,
        window=selectors.figures_window(),
        thresholds=selectors.Thresholds.from_pack(),
    )
    data = xlsx.table(
        GAP_HEADERS,
        (
            [
                r["cluster"],
                r["chain"].name,
                r["link"].name,
                r["stage"],
                r["status_label"],
                r["reasons"],
                r["f"].enterprises,
                r["f"].above_scale,
                float(r["f"].share) if r["f"].share is not None else None,
                r["f"].targets,
            ]
            for r in rows
        ),
        widths=GAP_WIDTHS,
        sheet_name="缺失薄弱环节",
    )
    scope = "、".join(x for x in (cluster.name if cluster else "", county.name if county else "") if x) or "全部"
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出产业链缺失/薄弱环节清单（{scope}）")
    return attachment(data, f"缺失薄弱环节_{timezone.localdate():%Y%m%d}.xlsx")

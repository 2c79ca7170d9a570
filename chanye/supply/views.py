"""供应链 pages (issue 15): local sourcing from VAT invoices for the city (or the officer's county), each county-level
unit, the chain leaders, each chain's links and each firm; who the city buys from outside; one click to put an outside
supplier into a link's 招商目标库. Figures come from `selectors`/`analytics` (the same as the API and the export)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.downloads import audited_export
from chanye.core.forms import messages_of
from chanye.enterprises.models import Enterprise
from chanye.supply import analytics, selectors, services


def _year(request: AuthedRequest, years: list[int]) -> int | None:
    try:
        y = int(request.GET.get("year", ""))
    except ValueError:
        y = 0
    return y if y in years else (years[0] if years else None)


@login_required
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    access.require_reader(request.user, what="供应链页面")
    years = selectors.years()
    year = _year(request, years)
    data = selectors.overview(request.user, year) if year else None
    chart = None
    if data:
        chart = {
            "months": [r["month"] for r in data["trend"]],
            "local": [r["local_share"] for r in data["trend"]],
            "same": [r["same_county_share"] for r in data["trend"]],
            "goal": data["goal"]["value"] if data["goal"] else None,
            "counties": [c["name"] for c in data["counties"]],
            "county_local": [c["local_share"] for c in data["counties"]],
        }
    return render(
        request,
        "supply/overview.html",
        {
            "years": years,
            "year": year,
            "data": data,
            "chart": chart,
            "can_add_target": access.can_write(request.user),
            "can_upload": access.is_city_admin(request.user),
            "chains": sorted({(x["chain_id"], x["chain"]) for x in (data["links"] if data else [])}),
        },
    )


@login_required
@require_GET
def export_xlsx(request: AuthedRequest) -> HttpResponse:
    access.require_reader(request.user, what="供应链导出")
    years = selectors.years()
    year = _year(request, years)
    if year is None:
        messages.info(request, "还没有发票数据，无可导出。")
        return redirect("supply:overview")
    from chanye.supply.exports import overview_workbook

    data = selectors.overview(request.user, year)
    return audited_export(
        request.user, overview_workbook(year, data), f"供应链本地配套_{year}", f"导出{year}年供应链本地配套"
    )


@login_required
@require_GET
def firm(request: AuthedRequest, pk: int) -> HttpResponse:
    """One firm's purchases: monthly local share, outside suppliers, and its two-level local supplier graph."""
    access.require_reader(request.user, what="企业供应链")
    e = access.get(Enterprise, request.user, pk=pk, what="企业供应链")
    years = selectors.years()
    year = _year(request, years)
    months = selectors.year_months(year) if year else []
    trend = analytics.shares(months, by="firm", buyers={e.pk}) if months else []
    total = selectors.add_up(trend).get(e.pk)
    links = selectors.chain_links()
    outside = selectors.outside(request.user, year, buyers={e.pk}, links=links) if year and months else None
    graph = analytics.supplier_graph(e.pk, months, visible=selectors.scope_buyers(request.user)) if months else None
    goal = selectors.target()
    return render(
        request,
        "supply/firm.html",
        {
            "e": e,
            "years": years,
            "year": year,
            "trend": trend,
            "total": total,
            "goal": goal,
            "meets": selectors.meets(total["local_share"] if total else None, goal),
            "outside": outside,
            "graph": graph,
            "chart": {
                "months": [r["month"] for r in trend],
                "local": [r["local_share"] for r in trend],
                "goal": goal["value"] if goal else None,
            },
            "can_add_target": access.can_write(request.user),
            "links": links,
            "city_wide": access.is_city_wide(request.user),
        },
    )


@login_required
@require_GET
def chain(request: AuthedRequest, chain_id: int) -> HttpResponse:
    """A chain's links: the local share of the purchases of each link's firms, and the outside suppliers of the
    chain's firms mapped onto its links."""
    access.require_reader(request.user, what="产业链供应链")
    links = selectors.chain_links(chain_id)
    if not links:
        access.deny(request.user, what="产业链供应链", object_type="chains.chain", object_id=chain_id)
    years = selectors.years()
    year = _year(request, years)
    months = selectors.year_months(year) if year else []
    buyers = selectors.scope_buyers(request.user)
    rows: list[dict[str, Any]] = []
    outside = None
    if months:
        import pyarrow as pa

        pairs = [(m, lk["id"]) for lk in links for m in lk["members"] if buyers is None or m in buyers]
        members = pa.table(
            {"enterprise_id": [p[0] for p in pairs], "group_id": [p[1] for p in pairs]},
            schema=pa.schema([("enterprise_id", pa.int64()), ("group_id", pa.int64())]),
        )
        figures = selectors.add_up(analytics.shares(months, by="group", members=members, buyers=buyers))
        firms = {m for m, _ in pairs}
        outside = selectors.outside(request.user, year, buyers=firms, links=links) if year and firms else None
        goal = selectors.target()
        for lk in links:
            f = figures.get(lk["id"])
            rows.append({**lk, "figures": f, "meets": selectors.meets(f["local_share"] if f else None, goal)})
    return render(
        request,
        "supply/chain.html",
        {
            "chain": links[0]["chain"],
            "chain_id": chain_id,
            "rows": rows,
            "links": links,
            "years": years,
            "year": year,
            "outside": outside,
            "goal": selectors.target(),
            "can_add_target": access.can_write(request.user),
        },
    )


@login_required
@require_POST
def upload(request: AuthedRequest) -> HttpResponse:
    """The city's upload of an invoice-line file (CSV, .xlsx or Parquet, up to CHANYE_IMPORT_MAX_BYTES): checked and
    stored like `chanye import invoices`; the batch page shows the outcome (errors by row, what was stored)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from chanye.core.roles import CITY
    from chanye.supply.invoice_import import import_invoices

    access.require(request.user, CITY, what="发票明细导入")
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, "请选择要导入的发票明细文件（CSV、Excel 或 Parquet）。")
        return redirect("supply:overview")
    name = f.name or "invoices.csv"
    if (f.size or 0) > settings.CHANYE_IMPORT_MAX_BYTES:
        limit = settings.CHANYE_IMPORT_MAX_BYTES // 2**20
        messages.error(request, f"文件超过 {limit} MB：大文件请由管理员在服务器上用 chanye import invoices 导入。")
        return redirect("supply:overview")
    suffix = Path(name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        renamed = path.with_name(Path(name).name[:200] or path.name)
        path.rename(renamed)
        outcome = import_invoices(renamed, user=request.user, dry_run=bool(request.POST.get("dry_run")))
    return redirect("core:import_batch", pk=outcome.batch.pk)


@login_required
@require_POST
def add_target(request: AuthedRequest) -> HttpResponse:
    """One click: an outside supplier into a link's 招商目标库 (the link's own rules apply; audited there)."""
    access.require_write(request.user, what="招商目标")
    back = request.POST.get("next") or reverse("supply:overview")
    if not back.startswith("/"):
        back = reverse("supply:overview")
    try:
        link_id = int(request.POST.get("link", ""))
    except ValueError:
        messages.error(request, "请选择要加入的产业链环节。")
        return redirect(back)
    try:
        services.do_add_supplier_target(
            actor=request.user,
            link_id=link_id,
            uscc=request.POST.get("uscc", ""),
            name=request.POST.get("name", ""),
            region=request.POST.get("region", ""),
            products=request.POST.get("products", ""),
            amount=request.POST.get("amount", ""),
        )
    except (ValidationError, PermissionDenied) as e:
        for m in messages_of(e):
            messages.error(request, m)
        return redirect(back)
    messages.success(request, "已加入招商目标库。")
    return redirect(back)

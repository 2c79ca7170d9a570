"""招商目标库 pages (XN-CL-5 按图索骥): the attraction-target library by chain and link, adding and editing a target,
its import (a job of the import framework) with its template, and its export in the import's columns.

Readers are the city, county/park officers and department viewers; others find nothing here (404). Viewers read;
writes (403 for them) go through `chanye.chains.services.do_save_target`, which audits them and refuses in Chinese."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit, xlsx
from chanye.core.downloads import attachment, audited_export
from chanye.core.forms import messages_of
from chanye.core.imports.runner import start_import

from . import selectors, services
from . import target_import as ti
from .forms_leads import TargetFilter, TargetForm, TargetImportForm, active_chains, link_choices, option_groups
from .models import AttractionTarget, Chain, Lead

PER_PAGE = 50


def _can_write(user: Any) -> bool:
    return access.can_write(user)


def _target_counts(f: TargetFilter, chains: list[Chain]) -> list[dict[str, Any]]:
    """Targets per link of `chains` (prefetched with their links) matching the filter's location and text."""
    base = TargetFilter(location=f.location, q=f.q).apply(AttractionTarget.objects.all())
    n = dict(base.order_by().values_list("link_id").annotate(n=Count("pk")))
    out = []
    for chain in chains:
        links = [{"link": link, "n": n.get(link.pk, 0)} for link in chain.links.all()]
        out.append({"chain": chain, "links": links, "total": sum(x["n"] for x in links)})
    return out


def _filtered(request: AuthedRequest) -> tuple[TargetFilter, QuerySet[AttractionTarget]]:
    """The library as the page's filters select it, in its order: the page and the export list the same rows."""
    f = TargetFilter.from_params(request.GET)
    qs = f.apply(AttractionTarget.objects.select_related("link__chain")).order_by(
        "link__chain__sort_order", "link__position", "-revenue", "name"
    )
    return f, qs


@login_required
@require_GET
def targets(request: AuthedRequest) -> HttpResponse:
    """招商目标库: the candidate companies per link, filterable by chain, link, location and text."""
    selectors.require_reader(request)
    f, qs = _filtered(request)
    paginator = Paginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    visible = Lead.objects.for_user(request.user).filter(target_id__in=[t.pk for t in page])
    lead_counts = dict(visible.order_by().values_list("target_id").annotate(n=Count("pk")))
    for t in page:
        t.n_leads = lead_counts.get(t.pk, 0)  # type: ignore[attr-defined]
        t.editable = services.can_edit_target(request.user, t)  # type: ignore[attr-defined]
    chains = active_chains()
    shown = [c for c in chains if c.code == f.chain] if f.chain else chains  # the link filter and counts follow it
    return render(
        request,
        "chains/targets_list.html",
        {
            "filters": f,
            "page": page,
            "total": paginator.count,
            "counts": _target_counts(f, shown),
            "chains": chains,
            "link_options": option_groups(link_choices(empty="全部环节", chains=shown)),
            "can_edit": _can_write(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit a target (→ `services.do_save_target`); the link is chosen among the active chains' links."""
    selectors.require_writer(request, what="招商目标")
    instance = None
    if pk is not None:
        instance = AttractionTarget.objects.select_related("link__chain").filter(pk=pk).first()
        if instance is None:
            raise Http404("招商目标不存在")
        if not services.can_edit_target(request.user, instance):
            access.deny(request.user, what="招商目标", obj=instance)
    initial = None
    if instance is None and request.GET.get("link", "").isdigit():
        initial = {"link": request.GET["link"]}
    kwargs = {"initial": initial} if initial else {}
    form = TargetForm(request.POST or None, instance=instance, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.do_save_target(actor=request.user, target=instance or AttractionTarget(), data=form.to_data())
        except (ValidationError, PermissionDenied) as e:
            for msg in messages_of(e):
                form.add_error("uscc" if "统一社会信用代码" in msg else None, msg)
            if instance is not None:  # the service set the typed values on it before refusing
                instance = AttractionTarget.objects.select_related("link__chain").get(pk=instance.pk)
        else:
            messages.success(request, "招商目标已保存。" if instance else f"已添加招商目标“{t.name}”。")
            return redirect(reverse("chains:targets") + f"?link={t.link_id}")
    return render(request, "chains/targets_edit.html", {"form": form, "instance": instance})


@login_required
@require_http_methods(["GET", "POST"])
def targets_import(request: AuthedRequest) -> HttpResponse:
    """Upload the bureau's lists (`target_import.TargetImporter`): like every import, it runs as a job whose page shows
    its progress and every error; the whole file is checked first, all or nothing."""
    selectors.require_writer(request)
    form = TargetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = start_import(
            ti.TargetImporter.kind,
            data=upload.read(),
            filename=upload.name,
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("core:import_batch", pk=batch.pk)
    columns = [
        {
            "header": c.label + (f"({next(iter(c.units))})" if c.units else ""),
            "required": c.required,
            "help": c.help,
            "aliases": "、".join(c.aliases),
        }
        for c in ti.TargetImporter.columns
    ]
    return render(request, "chains/targets_import.html", {"form": form, "columns": columns})


@login_required
@require_GET
def targets_template(request: AuthedRequest) -> HttpResponse:
    selectors.require_writer(request, what="招商目标导入")
    data = xlsx.template(
        ti.TargetImporter.columns,
        title="招商目标库导入模板",
        notes=ti.TEMPLATE_NOTES,
        text_keys=ti.TEXT_KEYS,
        example_rows=ti.TEMPLATE_EXAMPLES,
    )
    return attachment(data, "招商目标库导入模板.xlsx")


TARGET_HEADERS = [
    "产业链编号",
    "产业链名称",
    "环节名称",
    "环节位置",
    "企业名称",
    "统一社会信用代码",
    "所在地",
    "主要产品",
    "规模",
    "营业收入(亿元)",
    "来源",
    "备注",
]


@login_required
@require_GET
def targets_export(request: AuthedRequest) -> HttpResponse:
    """The (filtered) library as .xlsx, in the import's columns so an edited copy can be imported back."""
    selectors.require_reader(request)
    f, qs = _filtered(request)
    rows = (
        [
            t.link.chain.code,
            t.link.chain.name,
            t.link.name,
            t.link.get_stage_display(),
            t.name,
            t.uscc,
            t.location,
            t.products,
            t.size,
            t.revenue,
            t.source,
            t.note,
        ]
        for t in qs.iterator(chunk_size=2000)
    )
    data = xlsx.table(
        TARGET_HEADERS,
        rows,
        text_columns=[0, 5],
        widths=[16, 20, 14, 8, 34, 22, 16, 30, 16, 14, 20, 30],
        sheet_name="招商目标库",
    )
    return audited_export(request.user, data, "招商目标库", f"导出招商目标库（{audit.query_words(f.querystring())}）")

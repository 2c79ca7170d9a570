from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chanye.core import access, audit, hooks, xlsx
from chanye.core.downloads import attachment
from chanye.core.models import AuditAction
from chanye.core.roles import BUSINESS
from chanye.enterprises import selectors, services
from chanye.enterprises.choices import METRICS, FigureSource, HonourKind
from chanye.enterprises.filtersets import EnterpriseFilter
from chanye.enterprises.forms import EnterpriseForm, MonthlyForm
from chanye.industry.models import Cluster, Industry
from chanye.regions.models import Region


def _business_user(request: HttpRequest) -> None:
    access.require(request.user, BUSINESS)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _business_user(request)
    f = EnterpriseFilter.from_params(request.GET)
    qs = selectors.enterprise_list(user=request.user, filters=f)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    counties = Region.objects.county_level()
    if access.unit_id(request.user):
        counties = counties.filter(pk=access.unit_id(request.user))
    return render(
        request,
        "enterprises/list.html",
        {
            "page": page,
            "filters": f,
            "counties": counties,
            "industries": Industry.objects.filter(is_active=True),
            "clusters": Cluster.objects.filter(is_active=True, parent__isnull=True),
            "tiers": HonourKind.choices,
            "total": paginator.count,
        },
    )


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    _business_user(request)
    f = EnterpriseFilter.from_params(request.GET)
    qs = selectors.enterprise_list(user=request.user, filters=f)
    headers = ["统一社会信用代码", "企业名称", "所属区县", "所属园区", "行业代码", "是否规上", "荣誉与梯度"]
    rows = (
        (
            e.uscc,
            e.name,
            e.county.name,
            e.park.name if e.park_id else "",
            e.industry_code_id or "",
            "是" if e.is_above_scale else "否",
            "、".join(str(h) for h in e.honours.all()),
        )
        for e in qs.iterator(chunk_size=2000)
    )
    data = xlsx.table(headers, rows, text_columns=[0, 4], widths=[22, 36, 12, 16, 10, 8, 40], sheet_name="企业名录")
    audit.record(
        actor=request.user, action=AuditAction.EXPORT, message=f"导出企业名录（{audit.query_words(f.querystring())}）"
    )
    return attachment(data, f"企业名录_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    _business_user(request)
    ent = selectors.access_enterprise(user=request.user, uscc=uscc)
    can_submit = services.can_submit_monthly(request.user, ent)
    form = MonthlyForm(request.POST or None)
    if request.method == "POST":
        if not can_submit:
            access.deny(request.user, what="企业", obj=ent)
        if form.is_valid():
            values = {m.field: form.cleaned_data.get(m.field) for m in METRICS}
            if not any(v is not None for v in values.values()):
                form.add_error(None, "请至少填写一项数据。")
            else:
                try:
                    _, status = services.do_submit_monthly(
                        actor=access.actor_of(request), enterprise=ent, month=form.cleaned_data["month"], values=values
                    )
                except (ValidationError, PermissionDenied) as e:
                    form.add_error(None, "；".join(getattr(e, "messages", [str(e)])))
                else:
                    messages.success(
                        request,
                        {
                            "created": "已保存。",
                            "updated": "已更新，原值保留在修订记录中。",
                            "unchanged": "数据与已有记录相同，未修改。",
                        }[status],
                    )
                    return redirect("enterprises:detail", uscc=ent.uscc)
    source = request.GET.get("source") or FigureSource.STATS
    series = selectors.monthly_series(enterprise=ent, source=source)
    rows = list(selectors.monthly_rows(enterprise=ent).prefetch_related("revisions")[:120])
    return render(
        request,
        "enterprises/detail.html",
        {
            "e": ent,
            "series_json": json.dumps(series, ensure_ascii=False),
            "rows": rows,
            "metrics": METRICS,
            "source": source,
            "sources": FigureSource.choices,
            "form": form,
            "can_submit": can_submit,
            "chain_links": ent.chain_links.select_related("link__chain").filter(link__chain__is_active=True),
            "support": [a for found in hooks.enterprise_support(enterprise=ent, user=request.user) for a in found],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, uscc: str | None = None) -> HttpResponse:
    """Register (uscc None) or edit an enterprise: city administrators anywhere, county officers in their unit."""
    access.require_write(request.user, what="企业")
    instance = selectors.access_enterprise(user=request.user, uscc=uscc) if uscc else None
    initial = {}
    if instance is not None:
        initial = {
            "uscc": instance.uscc,
            "name": instance.name,
            "county": instance.county,
            "park": instance.park,
            "industry_code": instance.industry_code_id or "",
            "industries": list(instance.industries.all()),
            "clusters": list(instance.clusters.all()),
            "is_above_scale": instance.is_above_scale,
            "aliases": "、".join(a.name for a in instance.aliases.all()),
            "address": instance.address,
        }
    form = EnterpriseForm(request.POST or None, initial=initial, user=request.user, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            ent, status = services.do_save_enterprise(
                actor=access.actor_of(request), data=form.to_data(), existing=instance
            )
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, "；".join(getattr(e, "messages", [str(e)])))
        else:
            messages.success(
                request, {"created": "企业已登记。", "updated": "已保存修改。", "unchanged": "没有修改。"}[status]
            )
            return redirect("enterprises:detail", uscc=ent.uscc)
    return render(request, "enterprises/edit.html", {"form": form, "instance": instance})

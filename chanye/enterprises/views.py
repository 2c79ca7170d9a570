from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chanye.accounts.models import Role
from chanye.chains import importers as chain_importers
from chanye.chains import target_import
from chanye.core import audit, xlsx
from chanye.core.downloads import attachment
from chanye.core.models import AuditAction, ImportBatch
from chanye.enterprises import selectors, services
from chanye.enterprises.choices import METRICS, FigureSource, HonourKind
from chanye.enterprises.filtersets import EnterpriseFilter
from chanye.enterprises.forms import EnterpriseForm, ImportForm, MonthlyForm
from chanye.enterprises.importers import IMPORTERS, start_import
from chanye.industry.models import Cluster, Industry
from chanye.projects import importers as project_importers
from chanye.regions.models import Region


def _business_user(request: HttpRequest) -> None:
    if not request.user.sees_business_data:
        audit.record(actor=request.user, action=AuditAction.DENIED, message=f"访问 {request.path}")
        raise Http404("页面不存在")


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _business_user(request)
    f = EnterpriseFilter.from_params(request.GET)
    qs = selectors.enterprise_list(user=request.user, filters=f)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    counties = Region.objects.county_level()
    if request.user.role == Role.COUNTY_OFFICER:
        counties = counties.filter(pk=request.user.region_id)
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
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出企业名录（{f.querystring() or '全部'}）")
    return attachment(data, f"企业名录_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    _business_user(request)
    ent = selectors.access_enterprise(user=request.user, uscc=uscc)
    can_submit = request.user.role in (Role.CITY_ADMIN, Role.COUNTY_OFFICER) or (
        request.user.role == Role.ENTERPRISE and request.user.enterprise_id == ent.pk
    )
    form = MonthlyForm(request.POST or None)
    if request.method == "POST":
        if not can_submit:
            raise Http404
        if form.is_valid():
            values = {m.field: form.cleaned_data.get(m.field) for m in METRICS}
            if not any(v is not None for v in values.values()):
                form.add_error(None, "请至少填写一项数据。")
            else:
                try:
                    _, status = services.do_submit_monthly(
                        actor=request.user, enterprise=ent, month=form.cleaned_data["month"], values=values
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, uscc: str | None = None) -> HttpResponse:
    """Register (uscc None) or edit an enterprise: city administrators anywhere, county officers in their unit."""
    _business_user(request)
    if request.user.role not in (Role.CITY_ADMIN, Role.COUNTY_OFFICER):
        raise Http404
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
            ent, status = services.do_save_enterprise(actor=request.user, data=form.to_data(), existing=instance)
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, "；".join(getattr(e, "messages", [str(e)])))
        else:
            messages.success(
                request, {"created": "企业已登记。", "updated": "已保存修改。", "unchanged": "没有修改。"}[status]
            )
            return redirect("enterprises:detail", uscc=ent.uscc)
    return render(request, "enterprises/edit.html", {"form": form, "instance": instance})


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    _business_user(request)
    if not request.user.can_import:
        raise Http404
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": request.GET.get("kind")} if request.GET.get("kind") in IMPORTERS else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = start_import(
            form.cleaned_data["kind"],
            data=upload.read(),
            filename=upload.name,
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
            options={"source": form.cleaned_data.get("source")},
        )
        return redirect("enterprises:import_batch", pk=batch.pk)
    batches = ImportBatch.objects.filter(kind__in=IMPORTERS).order_by("-started_at")
    if request.user.role != Role.CITY_ADMIN:
        batches = batches.filter(user=request.user)
    batches = list(batches[:20])
    for b in batches:
        b.kind_label = IMPORTERS[b.kind].title
    kinds = [k for k, _ in form.fields["kind"].choices]
    templates = [(k, IMPORTERS[k].title) for k in IMPORTERS if k in kinds]
    return render(request, "enterprises/import.html", {"form": form, "batches": batches, "templates": templates})


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    qs = ImportBatch.objects.filter(pk=pk)
    if request.user.role != Role.CITY_ADMIN:
        qs = qs.filter(user=request.user)
    batch = qs.first()
    if batch is None:
        raise Http404("导入批次不存在")
    return batch


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    _business_user(request)
    batch = _batch_for(request, pk)
    template = "enterprises/_batch.html" if request.headers.get("HX-Request") else "enterprises/import_batch.html"
    return render(request, template, {"batch": batch, "errors": batch.errors[:500], "warnings": batch.warnings[:200]})


@login_required
def import_errors_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _business_user(request)
    batch = _batch_for(request, pk)
    rows = [(e["row"] or "文件", e["column"], e["value"], e["message"]) for e in batch.errors]
    rows += [(w["row"] or "文件", w["column"], w["value"], "提示：" + w["message"]) for w in batch.warnings]
    data = xlsx.table(
        ["行号", "列", "值", "原因"],
        rows,
        title=f"{batch.filename} 校验结果（{batch.get_status_display()}）",
        widths=[8, 22, 30, 80],
        text_columns=[2],
        sheet_name="错误清单",
    )
    return attachment(data, f"错误清单_{Path(batch.filename).stem}.xlsx")


TEMPLATE_NOTES = {
    "enterprises": [
        "1. 第一行为表头，请勿修改列名；标橙色的列必填。可以删除不需要的选填列。",
        "2. 统一社会信用代码列已设为“文本”格式。请勿以数字格式输入：Excel 数字只保留15位，18位代码会丢失末尾。",
        "3. 所属区县填写名称（如 咸安区、咸宁高新区）或区划代码（如 421202）。",
        "4. 行业代码按《国民经济行业分类》GB/T 4754-2017 填写小类代码，如 3311。",
        "5. 荣誉列填写 是/否，或级别 国家级/省级/市级，可带认定年份，如“省级(2023)”。",
        "6. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
    ],
    "monthly": [
        "1. 每行是一家企业一个月的数据；用统一社会信用代码（推荐）或企业名称识别企业。",
        "2. 年月可写 2025-03、2025年3月、202503，或 Excel 日期。",
        "3. 每个数据列的表头必须带单位，如 工业总产值(万元) 或 工业总产值(元)，系统会自动换算为万元。",
        "4. 填写当月数（非累计数）。空白、“—”、“/” 视为未报送，不会覆盖已有数据。",
        "5. 重复导入同一文件不会产生变化；修改后的数字会更新，原值保留在修订记录中。",
    ],
    **project_importers.TEMPLATE_NOTES,
    "chain_members": chain_importers.TEMPLATE_NOTES,
    "attraction_targets": target_import.TEMPLATE_NOTES,
}
TEMPLATE_EXAMPLES: dict[str, list[dict[str, object]]] = {
    "enterprises": [
        {
            "uscc": "91421200MA4F000000",
            "name": "湖北示例科技有限公司",
            "county": "咸安区",
            "industry_code": "3311",
            "is_above_scale": "是",
            "h_specialized": "省级(2023)",
        }
    ],
    "monthly": [{"uscc": "91421200MA4F000000", "name": "湖北示例科技有限公司", "month": "2025-03", "output": 1234.5}],
    **project_importers.TEMPLATE_EXAMPLES,
    "chain_members": chain_importers.TEMPLATE_EXAMPLES,
    "attraction_targets": target_import.TEMPLATE_EXAMPLES,
}
# columns written as text in the templates, so that Excel keeps codes such as 0313 or an 18-digit USCC intact
TEMPLATE_TEXT_KEYS = [
    "uscc",
    "industry_code",
    *project_importers.TEXT_KEYS,
    *chain_importers.TEXT_KEYS,
    *target_import.TEXT_KEYS,
]


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _business_user(request)
    if kind not in IMPORTERS:
        raise Http404
    importer = IMPORTERS[kind]
    filename = f"{importer.title}导入模板.xlsx"
    if own := getattr(importer, "template", None):  # a file that is not one record a row (a yearbook table)
        return attachment(own(), filename)
    data = xlsx.template(
        importer.columns,
        title=f"{importer.title}导入模板",
        notes=TEMPLATE_NOTES[kind],
        text_keys=TEMPLATE_TEXT_KEYS,
        example_rows=TEMPLATE_EXAMPLES[kind],
    )
    return attachment(data, filename)

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.downloads import DOCX, XLSX, attachment
from chanye.core.imports.values import CellError, parse_month
from chanye.core.roles import CITY
from chanye.industry.models import Target
from chanye.targets import definitions, echelons, selectors, services
from chanye.targets.catalogue import CATALOGUE
from chanye.targets.progress import STATUS_LABELS, progress_for


def _require(request: AuthedRequest) -> None:
    access.require_reader(request.user, what="目标与考核页面")


@login_required
def target_tree(request: AuthedRequest) -> HttpResponse:
    _require(request)
    status = request.GET.get("status", "")
    rule = request.GET.get("rule", "")
    nodes = selectors.target_tree(user=request.user, status=status, rule_prefix=rule)
    sparks = {p.target.code: p.history for n in nodes for p in n.items if p.history}
    totals = {"met": 0, "on_track": 0, "behind": 0, "no_data": 0}
    for n in nodes:
        for k, v in n.counts.items():
            totals[k] += v
    prefixes = sorted(
        {
            t.rule.split("-")[0] + "-" + t.rule.split("-")[1]
            for t in selectors.visible_targets(request.user)
            if t.rule.count("-") >= 2
        }
    )
    return render(
        request,
        "targets/tree.html",
        {
            "nodes": nodes,
            "status": status,
            "rule": rule,
            "statuses": STATUS_LABELS,
            "totals": totals,
            "prefixes": prefixes,
            "sparks_json": json.dumps(sparks),
            "catalogue": CATALOGUE,
            "has_tiers": bool(echelons.pack_tiers()),  # 梯队名单 (EZ-T-1, HG-T-1, YY-T-1, YY-P-1)
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_detail(request: AuthedRequest, code: str) -> HttpResponse:
    _require(request)
    target = next((t for t in selectors.visible_targets(request.user) if t.code == code), None)
    if target is None:
        hidden = Target.objects.filter(code=code, is_active=True).first()
        if hidden is not None:  # another unit's target
            access.deny(request.user, what="目标", obj=hidden)
        raise Http404("目标不存在")
    can_report = services.can_report(request.user, target)
    errors: list[str] = []
    if request.method == "POST":
        if not can_report:
            access.deny(request.user, what="目标", obj=target)
        try:
            period = parse_month(request.POST.get("period", ""))
        except CellError as e:
            errors.append(f"月份：{e}")
        try:
            value = Decimal(request.POST.get("value", "").replace(",", "").strip())
        except InvalidOperation:
            errors.append("数值：不是数字")
        note = request.POST.get("note", "").strip()
        if not note:
            errors.append("数据来源：请注明来源（如 市统计局2025年10月快报）")
        if not errors:
            try:
                services.do_report_value(actor=request.user, target=target, period=period, value=value, note=note)
            except PermissionDenied as e:
                errors.append(str(e))
            else:
                messages.success(request, "已保存报送数据。")
                return redirect("targets:detail", code=code)
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    start = pack.content.get("period", [None])[0] if pack else None
    p = progress_for(target, period_start=start)
    return render(
        request,
        "targets/detail.html",
        {
            "p": p,
            "t": target,
            "indicator": CATALOGUE.get(target.indicator),
            "definition": definitions.plain_definition(getattr(CATALOGUE.get(target.indicator), "definition", "")),
            "params_text": definitions.describe_params(target.params),
            "can_report": can_report,
            "errors": errors,
            "history_json": json.dumps(p.history),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: AuthedRequest) -> HttpResponse:
    _require(request)
    from django.core.exceptions import ValidationError

    from chanye.targets.assessment import default_year, do_compute_assessment
    from chanye.targets.models import AssessmentRun

    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default_year())
    except ValueError:
        year = default_year()
    if request.method == "POST":
        access.require_write(request.user, roles=CITY, what="年度考核")
        try:
            do_compute_assessment(actor=request.user, year=year)
            messages.success(request, f"已计算{year}年考核。")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect(f"{request.path}?year={year}")
    run = AssessmentRun.objects.filter(year=year).first()
    if run is None and not (request.GET.get("year") or request.POST.get("year")):
        run = AssessmentRun.objects.order_by("-year").first()  # the latest computed year rather than an empty page
        year = run.year if run else year
    # The ranking is published to every unit (HG-A-1 "results published"); score cards are per county.
    scores, detailed = selectors.assessment_view(request.user, run)
    chart = {"regions": [s.region.label for s in scores], "totals": [float(s.total) for s in scores]}
    mu_tax_on = _mu_tax_enabled()
    return render(
        request,
        "targets/assessment.html",
        {
            "run": run,
            "scores": scores,
            "detailed": detailed,
            "year": year,
            "years": list(AssessmentRun.objects.values_list("year", flat=True)),
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "mu_tax": mu_tax_on,
            "block_label": _block_label(),
            "configured": _assessment_configured(),
        },
    )


@login_required
def assessment_card(request: AuthedRequest, year: int, region: str) -> HttpResponse:
    _require(request)
    from chanye.targets.models import AssessmentScore

    score = AssessmentScore.objects.select_related("run", "region").filter(run__year=year, region__code=region).first()
    if score is None:
        raise Http404("没有该区县的考核结果")
    if score.region_id not in selectors.assessment_view(request.user, score.run)[1]:
        access.deny(request.user, what="考核得分卡", obj=score)
    return render(request, "targets/assessment_card.html", {"s": score, "run": score.run})


@login_required
def assessment_export(request: AuthedRequest, year: int, fmt: str) -> HttpResponse:
    _require(request)

    from chanye.core import audit
    from chanye.core.models import AuditAction
    from chanye.targets.exports import assessment_docx, assessment_xlsx
    from chanye.targets.models import AssessmentRun

    run = AssessmentRun.objects.filter(year=year).first()
    if run is None or fmt not in ("xlsx", "docx"):
        raise Http404
    scores, detailed = selectors.assessment_view(request.user, run)
    data = (assessment_xlsx if fmt == "xlsx" else assessment_docx)(run, scores, detailed)
    ctype = XLSX if fmt == "xlsx" else DOCX
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=run, message=f"导出考核结果 .{fmt}")
    return attachment(data, f"{year}年{run.name}.{fmt}", ctype)


@login_required
def indicator_catalogue(request: AuthedRequest) -> HttpResponse:
    """Every indicator with its definition and the latest city value."""
    _require(request)
    from chanye.targets.models import IndicatorValue

    latest: dict[tuple[str, str], IndicatorValue] = {}
    qs = IndicatorValue.objects.filter(region__isnull=True, cluster__isnull=True).order_by("period", "-source")
    if access.unit_id(request.user):
        qs = IndicatorValue.objects.filter(region_id=access.unit_id(request.user), cluster__isnull=True).order_by(
            "period"
        )
    for v in qs:
        latest[(v.indicator, v.params_key)] = v
    rows = []
    for ind in CATALOGUE.values():
        values = sorted(((k[1], v) for k, v in latest.items() if k[0] == ind.code), key=lambda kv: kv[0])
        # 口径 in words: the notes on a target's parameters (params.threshold …) are the target's, not the officer's
        rows.append({"ind": ind, "values": values, "definition": definitions.plain_definition(ind.definition)})
    return render(request, "targets/catalogue.html", {"rows": rows})


def _mu_tax_enabled() -> bool:
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    assessment = (pack.content.get("assessment") or {}) if pack else {}
    return assessment.get("park_evaluation") == "mu_tax"


def _year(request: AuthedRequest) -> int:
    """The year of a yearly evaluation page (亩均税收, 块状经济认定): the form's, else the query's, else last year."""
    try:
        return int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError as e:
        raise Http404("年度不正确") from e


@login_required
def mu_tax(request: AuthedRequest) -> HttpResponse:
    """园区亩均税收评价 (HG-A-1): every park ranked by tax per mu; parks without land area listed as not evaluated."""
    _require(request)
    if not _mu_tax_enabled():
        raise Http404("本市政策包没有园区亩均税收评价")
    from chanye.targets import mu_tax as evaluation

    year = _year(request)
    rows = evaluation.evaluate(year)
    done, total = evaluation.coverage(rows)
    chart = {
        "parks": [r.park.label for r in rows if r.per_mu is not None],
        "values": [float(r.per_mu) for r in rows if r.per_mu is not None],
    }
    return render(
        request,
        "targets/mu_tax.html",
        {
            "rows": rows,
            "year": year,
            "done": done,
            "total": total,
            "chart": chart,
            "chart_json": json.dumps(chart, ensure_ascii=False),
        },
    )


@login_required
def mu_tax_export(request: AuthedRequest) -> HttpResponse:
    _require(request)
    if not _mu_tax_enabled():
        raise Http404("本市政策包没有园区亩均税收评价")
    from chanye.core import xlsx
    from chanye.core.downloads import audited_export
    from chanye.targets import mu_tax as evaluation

    year = _year(request)
    rows = [[r.rank, r.park.name, r.firms, r.tax, r.area_mu, r.per_mu, r.missing] for r in evaluation.evaluate(year)]
    data = xlsx.table(
        ["排名", "园区", "企业数", "税收（万元）", "用地面积（亩）", "亩均税收（万元/亩）", "说明"],
        rows,
        title=f"{year}年园区亩均税收评价",
        widths=[6, 24, 8, 14, 14, 18, 20],
        sheet_name="亩均税收",
    )
    return audited_export(request.user, data, f"{year}年园区亩均税收评价", f"导出{year}年园区亩均税收评价")


def _assessment_configured() -> bool:
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    return bool(pack and (pack.content or {}).get("assessment"))


def _block_label() -> str:
    from chanye.targets import block_economy

    cfg = block_economy.config()
    return cfg.label if cfg else ""


def _block_config() -> Any:
    from chanye.targets import block_economy

    cfg = block_economy.config()
    if cfg is None:
        raise Http404("本市政策包没有块状经济年度认定")
    return cfg


@login_required
@require_http_methods(["GET", "POST"])
def block_recognition(request: AuthedRequest) -> HttpResponse:
    """块状经济年度认定 (HG-A-1): every base with the year's output against the tier, and the city's decisions."""
    from django.core.exceptions import ValidationError

    from chanye.industry.models import Cluster
    from chanye.regions.models import Region
    from chanye.targets import block_economy
    from chanye.targets.models import BlockRecognition

    _require(request)
    cfg = _block_config()
    year = _year(request)
    if request.method == "POST":
        access.require_write(request.user, roles=CITY, what="块状经济认定")
        try:
            if request.POST.get("action") == "register":
                county = Region.objects.filter(pk=request.POST.get("county") or 0, is_county_level=True).first()
                if county is None:
                    raise ValidationError("请选择所在区县。")
                base = block_economy.do_register_base(
                    actor=request.user, name=request.POST.get("name", ""), county=county
                )
                messages.success(
                    request, f"已登记块状经济基地“{base.name}”。企业可在企业名录导入的“所属集群”列填写该名称。"
                )
            else:
                cluster = Cluster.objects.filter(pk=request.POST.get("cluster") or 0).first()
                if cluster is None:
                    raise ValidationError("找不到该基地。")
                rec = block_economy.do_decide(
                    actor=request.user,
                    cluster=cluster,
                    year=year,
                    decision=request.POST.get("decision", ""),
                    document_no=request.POST.get("document_no", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, f"已记录：{cluster.name} {year}年{rec.get_decision_display()}。")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect(f"{request.path}?year={year}")
    items = block_economy.rows(year, cfg)
    chart = {
        "bases": [r.cluster.name for r in items if r.output is not None],
        "values": [float(r.output) for r in items if r.output is not None],
        "threshold": float(cfg.threshold),
    }
    return render(
        request,
        "targets/block_recognition.html",
        {
            "cfg": cfg,
            "rows": items,
            "year": year,
            "meeting": sum(1 for r in items if r.meets),
            "recognised": block_economy.recognised_count(year),
            "counties": Region.objects.county_level().order_by("code"),
            "decisions": BlockRecognition.Decision.choices,
            "can_decide": access.can_write(request.user, roles=CITY),
            "chart": chart,
            "chart_json": json.dumps(chart, ensure_ascii=False),
        },
    )


@login_required
def block_recognition_export(request: AuthedRequest) -> HttpResponse:
    _require(request)
    cfg = _block_config()
    from chanye.core import xlsx
    from chanye.core.downloads import audited_export
    from chanye.targets import block_economy

    year = _year(request)
    data = xlsx.table(
        ["基地", "所在区县", "当年产值（亿元）", "产值截至", "达到门槛", "认定结果", "认定文号", "说明", "往年认定"],
        block_economy.export_rows(block_economy.rows(year, cfg), year),
        title=f"{year}年{cfg.label}（{cfg.rule_text}）",
        widths=[28, 12, 16, 12, 10, 10, 18, 30, 14],
        sheet_name="块状经济认定",
    )
    return audited_export(request.user, data, f"{year}年{cfg.label}", f"导出{year}年{cfg.label}")

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.downloads import attachment
from chanye.core.roles import CITY
from chanye.cultivation import services
from chanye.cultivation.models import Alert, AlertKind, AlertStatus, AnalysisRun

OPEN = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING]


def _require(request: AuthedRequest) -> None:
    access.require_reader(request.user, what="企业培育页面")


def _own_run(request: Any, run: AnalysisRun | None) -> dict[str, int]:
    """A county officer's header counts the county's own alerts of the run's month, not the city's run totals."""
    if run is None or access.is_city_wide(request.user):
        return {}
    mine = Alert.objects.for_user(request.user).filter(month=run.month)
    return dict(mine.values_list("kind").annotate(n=Count("id")).order_by())


@login_required
def alert_list(request: AuthedRequest) -> HttpResponse:
    """The to-do list: open alerts of the user's unit, newest month first."""
    _require(request)
    kind = request.GET.get("kind", "")
    show = request.GET.get("show", "open")
    qs = Alert.objects.for_user(request.user).select_related("enterprise", "enterprise__county")
    if kind:
        qs = qs.filter(kind=kind)
    if show == "open":
        qs = qs.filter(status__in=OPEN)
    runs = list(AnalysisRun.objects.order_by("-month")[:24])
    month = None
    if request.GET.get("month"):
        try:
            month = dt.date.fromisoformat(request.GET["month"][:7] + "-01")
        except ValueError:
            month = None
    if month is not None:
        qs = qs.filter(month=month)
    counts = dict.fromkeys(AlertKind.values, 0) | dict(
        Alert.objects.for_user(request.user)
        .filter(status__in=OPEN)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    page = Paginator(qs.prefetch_related("actions").order_by("-month", "kind", "enterprise__name"), 50).get_page(
        request.GET.get("page")
    )
    from chanye.cultivation.selectors import open_alerts_by_month

    return render(
        request,
        "cultivation/alerts.html",
        {
            "page": page,
            "kind": kind,
            "show": show,
            "kinds": AlertKind.choices,
            "counts": counts,
            "can_act": access.can_write(request.user),
            "chart": open_alerts_by_month(user=request.user),
            "runs": runs,
            "month": month,
            "run": (run := next((r for r in runs if r.month == month), runs[0] if runs else None)),
            "own_run": _own_run(request, run),
            "today": timezone.localdate(),
            "data_months": _data_months() if access.is_city_admin(request.user) else [],
        },
    )


def _data_months() -> list[dt.date]:
    """The last 12 months with figures, newest first (what an analysis can be run for): from the FigureMonth
    summary, not a DISTINCT over every monthly row."""
    from chanye.analytics.selectors import figure_months

    return figure_months(12)


@login_required
@require_POST
def analysis_start(request: AuthedRequest) -> HttpResponse:
    """A city admin runs a month's analysis from the to-do page; the page then shows its progress."""
    access.require_write(request.user, roles=CITY, what="月度分析")
    month = None
    try:
        month = dt.date.fromisoformat((request.POST.get("month") or "")[:7] + "-01")
        services.do_start_analysis(actor=request.user, month=month)
    except ValueError:
        messages.error(request, "请选择要分析的月份。")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))
    url = reverse("cultivation:alerts")
    return redirect(f"{url}?month={month:%Y-%m}" if month else url)


@login_required
def analysis_status(request: AuthedRequest, month: str) -> HttpResponse:
    """The HTMX fragment polled while a run works; when it ends, the page reloads to show the new alerts."""
    _require(request)
    try:
        run = AnalysisRun.objects.filter(month=dt.date.fromisoformat(month + "-01")).first()
    except ValueError:
        run = None
    if run is None:
        raise Http404
    resp = render(request, "cultivation/_analysis_run.html", {"run": run, "own_run": _own_run(request, run)})
    if run.status != AnalysisRun.Status.RUNNING and request.GET.get("polling"):
        resp["HX-Refresh"] = "true"
    return resp


@login_required
@require_POST
def alert_action(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    alert = access.get(Alert, request.user, what="预警", pk=pk)
    access.require_write(request.user, alert, what="预警")
    action = request.POST.get("action", "")
    try:
        if action == "support":
            raw = request.POST.get("on", "").strip()
            try:
                on = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValidationError(f"帮扶日期“{raw}”无法识别，请按 2025-11-20 的格式填写。") from None
            services.do_add_support(
                actor=request.user, alert=alert, description=request.POST.get("description", ""), on=on
            )
        else:
            services.do_transition(actor=request.user, alert=alert, to=action, reason=request.POST.get("reason", ""))
        messages.success(request, "已保存。")
    except (ValidationError, PermissionDenied, ValueError) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))
    return _back(request, "cultivation:alerts")


@login_required
def quota(request: AuthedRequest) -> HttpResponse:
    """小升规 progress: new 规上 per county against the yearly quota, exits, the candidate pool (XN-GS-4/5)."""
    _require(request)
    from chanye.cultivation.selectors import candidate_pool, quota_chart, quota_progress

    data = quota_progress(user=request.user)
    units = [r["region"] for r in data["rows"]]
    unit = None
    if access.is_city_wide(request.user):
        unit = next((u for u in units if u.code == request.GET.get("county", "")), None)
    pool = candidate_pool(user=request.user, unit=unit)
    page = Paginator(pool, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cultivation/quota.html",
        {
            **data,
            "chart": quota_chart(data["rows"]),
            "pool_page": page,
            "pool_overdue": pool.filter(overdue=True).count(),
            "units": units,
            "unit": unit,
            "this_month": timezone.localdate().replace(day=1),
            "can_act": access.can_write(request.user),
        },
    )


def _back(request: AuthedRequest, default: str = "cultivation:quota") -> HttpResponse:
    """Back to `next` when it is a page of this site (never an outside address), else to `default`."""
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(nxt)
    return redirect(default)


def _require_pool_editor(request: AuthedRequest) -> None:
    access.require_write(request.user, what="培育库")


@login_required
@require_POST
def candidate_add(request: AuthedRequest) -> HttpResponse:
    """手工纳入培育库 (XN-GS-4/5): a firm of the unit by 统一社会信用代码 or exact name, and its planned month."""
    _require_pool_editor(request)
    from chanye.core.imports.values import CellError, parse_month
    from chanye.cultivation.models import CandidateSource
    from chanye.cultivation.selectors import access_pool_enterprise

    try:
        enterprise = access_pool_enterprise(user=request.user, key=request.POST.get("enterprise", ""))
        raw = request.POST.get("planned_entry", "").strip()
        if not raw:
            raise ValidationError("请填写计划入规时间。")
        try:
            planned = parse_month(raw, allow_future=True)
        except CellError as e:
            raise ValidationError(f"计划入规时间“{raw}”无法识别：{e}") from e
        c = services.do_add_candidate(
            actor=request.user,
            enterprise=enterprise,
            planned_entry=planned,
            source=request.POST.get("source") or "manual",
        )
        if c.source != CandidateSource.REVENUE:
            messages.success(
                request,
                f"已将“{enterprise.name}”纳入培育库（{c.get_source_display()}），计划{planned.year}年{planned.month}月入规。",
            )
        else:
            messages.success(
                request,
                f"“{enterprise.name}”已在培育库（{c.get_source_display()}），已设置计划入规时间为"
                f"{planned.year}年{planned.month}月。",
            )
    except Http404 as e:
        messages.error(request, str(e))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))
    return _back(request)


@login_required
@require_POST
def candidate_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a firm out of the pool with a reason (出库)."""
    _require_pool_editor(request)
    from chanye.cultivation.models import Candidate

    candidate = access.get(Candidate.objects.select_related("enterprise"), request.user, what="培育库企业", pk=pk)
    try:
        services.do_remove_candidate(actor=request.user, candidate=candidate, reason=request.POST.get("reason", ""))
        messages.success(request, f"已将“{candidate.enterprise.name}”移出培育库。")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))
    return _back(request)


@login_required
def tiers(request: AuthedRequest) -> HttpResponse:
    """The tier ladder (XN-RD-6) per county and cluster, promotions per year, candidates for the next tier."""
    _require(request)
    from chanye.cultivation.tiers import ladder, ladder_chart

    data = ladder(user=request.user)
    return render(request, "cultivation/tiers.html", {**data, "chart": ladder_chart(data)})


@login_required
def export_xlsx(request: AuthedRequest, what: str) -> HttpResponse:
    """The to-do list (alerts) or the candidate pool as .xlsx, within the user's scope."""
    _require(request)

    from chanye.core import audit, xlsx
    from chanye.core.models import AuditAction
    from chanye.cultivation.models import Candidate

    if what == "alerts":
        qs = Alert.objects.for_user(request.user).select_related("enterprise", "enterprise__county")
        if request.GET.get("show", "open") == "open":
            qs = qs.filter(status__in=OPEN)
        headers = ["月份", "类型", "规则", "统一社会信用代码", "企业名称", "区县", "依据", "状态", "说明"]
        rows = (
            (
                a.month.strftime("%Y-%m"),
                a.get_kind_display(),
                a.rule,
                a.enterprise.uscc,
                a.enterprise.name,
                a.enterprise.county.name,
                a.detail,
                a.get_status_display(),
                a.reason,
            )
            for a in qs.order_by("-month")
        )
        title, widths = "预警待办", [9, 14, 10, 22, 30, 10, 60, 8, 20]
    elif what == "candidates":
        qs = (
            Candidate.objects.for_user(request.user)
            .filter(left_on__isnull=True)
            .select_related("enterprise", "enterprise__county")
        )
        headers = ["入库月份", "入库依据", "统一社会信用代码", "企业名称", "区县", "近12个月营收(万元)", "计划入规时间"]
        rows = (
            (
                c.added_month.strftime("%Y-%m"),
                c.get_source_display(),
                c.enterprise.uscc,
                c.enterprise.name,
                c.enterprise.county.name,
                float(c.revenue_12m) if c.revenue_12m is not None else None,
                c.planned_entry.isoformat() if c.planned_entry else "",
            )
            for c in qs
        )
        title, widths = "拟进规培育库", [9, 14, 22, 30, 10, 16, 12]
    elif what == "quota":
        from chanye.cultivation.selectors import quota_progress

        q = quota_progress(user=request.user)
        headers = [
            "区县/园区",
            "规上企业数",
            f"{q['year']}年新增规上",
            "年度目标",
            "全年预计",
            "退规",
            "培育库",
            "今年入库",
            "入库目标",
        ]

        def _n(v: Any) -> float | None:
            return float(v) if v is not None else None

        rows = [
            (
                r["region"].name,
                r["above"],
                r["new"],
                _n(r["quota"]),
                r["projected"],
                r["exits"],
                r["pool"],
                r["intake"],
                _n(r["intake_target"]),
            )
            for r in q["rows"]
        ]
        title, widths, text_cols = f"小升规进度{q['year']}", [14, 10, 12, 10, 10, 8, 10, 10, 10], []
    elif what == "tiers":
        from chanye.cultivation.tiers import ladder

        data_ = ladder(user=request.user)
        headers = ["区县/园区"] + [label for _, label in data_["tiers"]]
        rows = [(u.name, *[counts.get(k, 0) for k, _ in data_["tiers"]]) for u, counts in data_["counties"]]
        title, widths, text_cols = "梯度培育分区县", [14] + [14] * len(data_["tiers"]), []
    elif what == "tier-candidates":
        from chanye.cultivation.tiers import candidates as tier_candidates

        headers = ["拟申报梯度", "企业名称", "区县", "近12个月营收(万元)", "研发投入强度(%)", "规则"]
        rows = [
            (c["tier"], c["name"], c["county"], float(c["revenue"]), float(c["rd_intensity"]), c["rule"])
            for c in tier_candidates(user=request.user)
        ]
        title, widths, text_cols = "下一梯度候选企业", [16, 30, 10, 16, 14, 10], []
    else:
        raise Http404
    if what in ("alerts", "candidates"):
        text_cols = [2] if what == "candidates" else [3]
    data = xlsx.table(headers, rows, text_columns=text_cols, widths=widths, sheet_name=title)
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{title}")
    return attachment(data, title + ".xlsx")

"""奖补兑现 pages (issue 14): the year's entitlements with each county's share and the funds, the city's 测算 → 公示 →
审核 → 拨付 / 撤销 steps, and for an enterprise user its own entitlements (免申即享: nothing to apply for; it sees why,
confirms its account and may object during the publication period). Writes go through `chanye.rewards.services`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.downloads import audited_export
from chanye.core.forms import messages_of
from chanye.core.roles import BUSINESS, CITY
from chanye.rewards import selectors, services
from chanye.rewards.models import Entitlement, EntitlementStatus, Objection, RewardFund

FILTERS = ("year", "status", "county", "rule", "q")


def _year(value: str, default: int) -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        return default
    return y if 2000 <= y <= 2100 else default


def _filtered(
    request: AuthedRequest, known: list[int] | None = None
) -> tuple[QuerySet[Entitlement], dict[str, str], int]:
    """The list's rows under its filters (year — the latest with entitlements by default —, status, county, rule,
    words), the filters, and the year."""
    known = selectors.years(request.user) if known is None else known
    default = known[0] if known else timezone.localdate().year - 1
    f = {k: request.GET.get(k, "").strip() for k in FILTERS}
    year = _year(f["year"], default)
    f["year"] = str(year)
    qs = selectors.entitlement_list(user=request.user, year=year, status=f["status"])
    if f["county"]:
        qs = qs.filter(county__code=f["county"])
    if f["rule"]:
        qs = qs.filter(rule=f["rule"])
    if f["q"]:
        qs = qs.filter(
            Q(enterprise__name__icontains=f["q"]) | Q(enterprise__uscc=f["q"].upper()) | Q(label__icontains=f["q"])
        )
    return qs, f, year


def _messages(request: AuthedRequest, e: Exception) -> None:
    for m in messages_of(e):
        messages.error(request, m)


@login_required
@require_http_methods(["GET", "POST"])
def entitlement_list(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, BUSINESS, what="奖补兑现")
    known = selectors.years(request.user)
    qs, f, year = _filtered(request, known)
    manage = access.has_role(request.user, CITY)
    if request.method == "POST":
        if not manage:
            access.deny(request.user, what="奖补兑现")
        return _list_action(request, qs, f, year)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    specs, _ = selectors.reward_rules()
    all_of_year = selectors.entitlement_list(user=request.user, year=year)
    counts = selectors.status_counts(all_of_year)
    today = timezone.localdate()
    return render(
        request,
        "rewards/list.html",
        {
            "page": page,
            "filters": f,
            "year": year,
            "years": sorted(set(known) | {year}, reverse=True),
            "querystring": urlencode({k: v for k, v in f.items() if v}),
            "total": selectors.total_amount(qs),
            # what the two buttons would act on: the rows under the current filters
            "to_publish": qs.filter(status=EntitlementStatus.COMPUTED).count() if manage else 0,
            "to_approve": selectors.approvable(qs, today).count() if manage else 0,
            "status_rows": [(label, counts.get(v, 0)) for v, label in EntitlementStatus.choices],
            "shares": selectors.county_shares(qs),
            "funds": selectors.fund_states(year) if access.role_of(request.user) != "enterprise" else [],
            "statuses": EntitlementStatus.choices,
            "rules": sorted({s.rule for s in specs}),
            "counties": selectors.counties_of(all_of_year),
            "manage": manage,
            "is_enterprise": access.role_of(request.user) == "enterprise",
            "has_rules": bool(specs),
            "computable": [s for s in specs if s.when is not None],
        },
    )


def _list_action(request: AuthedRequest, qs: QuerySet[Entitlement], f: dict[str, str], year: int) -> HttpResponse:
    action = request.POST.get("action")
    today = timezone.localdate()
    back = redirect(f"{request.path}?{urlencode({k: v for k, v in f.items() if v})}")
    try:
        if action == "compute":
            y = _year(request.POST.get("compute_year", ""), 0)
            if not y:
                raise ValidationError("请填写2000—2100之间的年度。")
            result = services.do_compute_rewards(actor=request.user, year=y)
            messages.success(request, result.summary() + "。")
            for note in result.notes:
                messages.warning(request, f"未能使用：{note}")
            for kept in result.kept:
                messages.warning(request, f"已办理、未改动：{kept}")
            return redirect(f"{request.path}?year={y}")
        if action == "publish":
            days = int(request.POST.get("days") or 7)
            n = services.do_publish(actor=request.user, entitlements=list(qs), today=today, days=days)
            messages.success(request, f"已公示{n}项奖补，异议截止{today + dt.timedelta(days=days):%Y-%m-%d}。")
        elif action == "approve":
            waiting = qs.filter(status=EntitlementStatus.PUBLISHED).count()
            n = services.do_approve(actor=request.user, entitlements=list(selectors.approvable(qs, today)), today=today)
            messages.success(request, f"已审核通过{n}项奖补。")
            if waiting > n:
                messages.warning(request, f"另有{waiting - n}项仍在公示期内或有未答复的异议，暂不能审核。")
        elif action == "fund":
            try:
                budget = Decimal(request.POST.get("budget", "").strip())
            except InvalidOperation as e:
                raise ValidationError("预算请填写数字（万元）。") from e
            fund = services.do_save_fund(
                actor=request.user,
                name=request.POST.get("name", ""),
                year=year,
                budget=budget,
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"已保存“{fund}”，预算{fund.budget.normalize():f}万元。")
        else:
            messages.error(request, "未知的操作。")
    except (ValidationError, PermissionDenied, ValueError) as e:
        _messages(request, e)
    return back


@login_required
@require_http_methods(["GET", "POST"])
def entitlement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(request.user, BUSINESS, what="奖补兑现")
    e = access.get(Entitlement, request.user, what="奖补", pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            _detail_action(request, e, today)
        except (ValidationError, PermissionDenied, ValueError) as exc:
            _messages(request, exc)
        return redirect("rewards:detail", pk=pk)
    is_enterprise = access.role_of(request.user) == "enterprise"
    manage = access.has_role(request.user, CITY)
    return render(
        request,
        "rewards/detail.html",
        {
            "e": e,
            "objections": list(e.objections.select_related("raised_by", "replied_by")),
            "manage": manage,
            "is_enterprise": is_enterprise,
            "can_object": e.status == EntitlementStatus.PUBLISHED
            and (e.objection_until is None or today <= e.objection_until),
            "funds": RewardFund.objects.filter(year=e.year) if manage else [],
            "today": today,
        },
    )


def _detail_action(request: AuthedRequest, e: Entitlement, today: dt.date) -> None:
    action, p = request.POST.get("action"), request.POST
    if action == "object":
        services.do_raise_objection(actor=request.user, entitlement=e, text=p.get("text", ""), today=today)
        messages.success(request, "已提出异议，市产业主管部门答复后将在此显示。")
    elif action == "answer":
        o = Objection.objects.filter(entitlement=e, pk=p.get("objection") or 0).first()
        if o is None:
            raise ValidationError("异议不存在。")
        services.do_answer_objection(
            actor=request.user, objection=o, reply=p.get("reply", ""), upheld=p.get("upheld") == "1"
        )
        messages.success(request, "已答复异议。")
    elif action == "publish":
        services.do_publish(actor=request.user, entitlements=[e], today=today, days=int(p.get("days") or 7))
        messages.success(request, "已公示。")
    elif action == "approve":
        services.do_approve(actor=request.user, entitlements=[e], today=today, note=p.get("note", ""))
        messages.success(request, "已审核通过。")
    elif action == "pay":
        try:
            paid_on = dt.date.fromisoformat(p.get("paid_on", ""))
        except ValueError as exc:
            raise ValidationError("拨付日期请按“2025-12-31”的格式填写。") from exc
        fund = RewardFund.objects.filter(pk=p.get("fund") or 0, year=e.year).first()
        services.do_pay(
            actor=request.user, entitlement=e, paid_on=paid_on, voucher_no=p.get("voucher_no", ""), fund=fund
        )
        messages.success(request, "已登记拨付。")
    elif action == "revoke":
        services.do_revoke(actor=request.user, entitlement=e, reason=p.get("reason", ""))
        messages.success(request, "已撤销。")
    elif action == "account":
        services.do_confirm_account(
            actor=request.user,
            entitlement=e,
            account_name=p.get("account_name", ""),
            account_bank=p.get("account_bank", ""),
            account_no=p.get("account_no", ""),
        )
        messages.success(request, "已确认收款账户。")
    else:
        messages.error(request, "未知的操作。")


@login_required
@require_GET
def export_xlsx(request: AuthedRequest) -> HttpResponse:
    """The filtered list for the finance bureau (.xlsx)."""
    from chanye.rewards import exports  # openpyxl and python-docx load only when an export is asked for

    access.require(request.user, BUSINESS, what="奖补兑现")
    qs, f, year = _filtered(request)
    rows = qs.select_related("fund")
    data = exports.entitlements_xlsx(
        rows,
        title=f"{year}年奖补兑现清单（合计{selectors.total_amount(qs).normalize():f}万元，导出于{timezone.localdate():%Y-%m-%d}）",
    )
    which = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return audited_export(request.user, data, f"奖补兑现_{year}", f"导出奖补兑现清单（{which}）")


@login_required
@require_GET
def notice(request: AuthedRequest) -> HttpResponse:
    """The publication notice of the year's published entitlements (.docx)."""
    from chanye.rewards import exports

    access.require(request.user, CITY, what="奖补公示")
    qs, f, year = _filtered(request)
    published = qs.filter(status=EntitlementStatus.PUBLISHED)
    rows = list(published)
    if not rows:
        messages.error(request, "当前筛选条件下没有公示中的奖补，无法生成公示名单。")
        return redirect(f"{reverse('rewards:list')}?{urlencode({k: v for k, v in f.items() if v})}")
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    until = max((e.objection_until for e in rows if e.objection_until), default=None)
    data = exports.notice_docx(
        rows, city=pack.city.name if pack else "", year=year, until=until, total=selectors.total_amount(published)
    )
    return audited_export(request.user, data, f"奖补公示名单_{year}", f"导出{year}年奖补公示名单", ext="docx")

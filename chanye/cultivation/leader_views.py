"""Chain-leader pages: the library (链主企业库) with its selection steps (XN-LZ-1/9), each leader's page with duties
(XN-LZ-3/4/5), 包保 visits and demands (XN-LZ-10), supplier relations (XN-LZ-2), its chain's lead bank and coverage
(XN-LZ-11, kept on the chain), the subsidy claims (XN-LZ-6/7/8), the demands to-do list and .xlsx exports. The writes
(the leader page's steps, event claims) are `leader_actions`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Sum, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit, xlsx
from chanye.core.downloads import attachment
from chanye.core.models import AuditAction
from chanye.cultivation import duties, finance, leaders, ledger, subsidies, supply, visits
from chanye.cultivation.models import (
    ActivityKind,
    ChainLeader,
    DemandStatus,
    Direction,
    LeaderDemand,
    LeaderStatus,
    OfficialRank,
    SubsidyClaim,
    SubsidyKind,
)
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Industry

# open → handling → closed, the order people work through them
DEMAND_ORDER = Case(
    When(status=DemandStatus.OPEN, then=Value(0)), When(status=DemandStatus.HANDLING, then=Value(1)), default=Value(2)
)
IN_PROGRESS = [LeaderStatus.APPLIED, LeaderStatus.REVIEWING, LeaderStatus.NOTICE]


def require_page(request: AuthedRequest) -> None:
    access.require_reader(request.user, what="链主企业页面")


def _year(request: AuthedRequest) -> int:
    try:
        y = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return y if 2000 <= y <= 2100 else timezone.localdate().year


def _config() -> dict[str, Any] | None:
    try:
        return leaders.config()
    except ValidationError:
        return None


def _find_enterprise(user: Any, text: str) -> Enterprise:
    text = (text or "").strip()
    if not text:
        raise ValidationError("请输入企业名称或统一社会信用代码。")
    e = access.find(Enterprise, user, Q(uscc=text.upper()) | Q(name=text))
    if e is None:
        raise ValidationError(f"在您的范围内没有找到企业“{text}”。")
    return e


@login_required
def leader_list(request: AuthedRequest) -> HttpResponse:
    """链主企业库 by key industry with this year's duties, visits, demands and local rate; applications; apply."""
    require_page(request)
    year = _year(request)
    today = timezone.localdate()
    qs = ChainLeader.objects.for_user(request.user).select_related("industry", "enterprise", "enterprise__county")
    listed = list(
        qs.filter(status=LeaderStatus.LISTED)
        .prefetch_related("activities", "officials", "visits")
        .order_by("industry__sort_order", "-score")
    )
    rules = duties.duty_rules()
    open_demands = dict(
        LeaderDemand.objects.filter(leader__in=listed)
        .exclude(status=DemandStatus.CLOSED)
        .values_list("leader")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    rates = supply.leader_rates(listed, year)  # XN-LZ-2: invoices where the store has them, else declared
    for x in listed:
        prog = duties.duty_progress(x, year, today=today, rules=rules)
        rows.append(
            {
                "leader": x,
                "duties": prog,
                "duties_met": sum(1 for p in prog if p.status == "met"),
                "missed": len([m for m in visits.missed_months(x, today=today) if m.year == year]),
                "official": visits.current_official(x),
                "open_demands": open_demands.get(x.pk, 0),
                "local_rate": rates[x.pk].rate,
                "local_rate_source": rates[x.pk].source_label,
            }
        )
    cfg = _config()
    below = leaders.below_minimum() if cfg else []
    per_industry = {ind.name: 0 for ind in Industry.objects.filter(is_active=True)}
    for x in ChainLeader.objects.filter(status=LeaderStatus.LISTED).select_related("industry"):
        per_industry[x.industry.name] = per_industry.get(x.industry.name, 0) + 1
    chart = {
        "industries": list(per_industry),
        "counts": list(per_industry.values()),
        "min": int(cfg.get("per_industry_min", 1)) if cfg else None,
        "max": int(cfg.get("per_industry_max", 3)) if cfg else None,
    }
    return render(
        request,
        "cultivation/leaders.html",
        {
            "rows": rows,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "in_progress": qs.filter(status__in=IN_PROGRESS).order_by("industry__sort_order", "applied_on"),
            "closed": qs.filter(status__in=[LeaderStatus.REJECTED, LeaderStatus.REVOKED]),
            "cfg": cfg,
            "below": below,
            "chart": chart,
            "industries": Industry.objects.filter(is_active=True),
            "can_apply": access.can_write(request.user) and cfg is not None,
            "city_rate": (city := supply.city_rate(year)).rate,
            "city_rate_source": city.source_label,
        },
    )


@login_required
@require_POST
def leader_apply(request: AuthedRequest) -> HttpResponse:
    access.require_write(request.user, what="链主企业申报")
    try:
        e = _find_enterprise(request.user, request.POST.get("enterprise", ""))
        ind = Industry.objects.filter(is_active=True, pk=request.POST.get("industry") or 0).first()
        if ind is None:
            raise ValidationError("请选择重点产业。")
        leader = leaders.do_apply(actor=request.user, enterprise=e, industry=ind)
        messages.success(request, f"已登记{e.name}的{ind.name}链主企业申报。")
        return redirect("cultivation:leader", pk=leader.pk)
    except (ValidationError, PermissionDenied) as err:
        messages.error(request, "；".join(getattr(err, "messages", [str(err)])))
    return redirect("cultivation:leaders")


def get_leader(request: AuthedRequest, pk: int) -> ChainLeader:
    qs = ChainLeader.objects.select_related("industry", "enterprise", "enterprise__county")
    return access.get(qs, request.user, what="链主企业", pk=pk)


@login_required
def leader_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page(request)
    leader = get_leader(request, pk)
    year = _year(request)
    today = timezone.localdate()
    cfg = _config()
    reviews = list(leader.reviews.select_related("reviewer"))
    criteria = (cfg or {}).get("criteria", [])
    my_review = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    relations = list(leader.relations.filter(year=year).select_related("partner"))
    calendar = visits.visit_calendar(leader, year, today=today)
    progress = duties.duty_progress(leader, year, today=today)
    return render(
        request,
        "cultivation/leader_detail.html",
        {
            "leader": leader,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "today": today,
            "cfg": cfg,
            "criteria": criteria,
            "reviews": [{"review": r, "scores": [r.scores.get(c["code"], "") for c in criteria]} for r in reviews],
            "my_scores": {c["code"]: (my_review.scores.get(c["code"]) if my_review else "") for c in criteria},
            "objections": list(leader.objections.all()),
            "is_admin": access.is_city_admin(request.user),
            "can_score": leaders.can_review(request.user),
            "can_edit": ledger.can_edit(request.user, leader),
            "duties": progress,
            "duties_chart": {
                "labels": [p.label for p in progress],
                "counted": [p.counted for p in progress],
                "targets": [float(p.target) if p.target is not None else None for p in progress],
            },
            "steps": _steps(leader),
            "activities": leader.activities.filter(on__year=year),
            "activity_kinds": ActivityKind.choices,
            "official": visits.current_official(leader),
            "officials": leader.officials.all(),
            "ranks": OfficialRank.choices,
            "calendar": calendar,
            "missed": [v.month for v in calendar if v.missed],
            "visits": leader.visits.filter(on__year=year),
            "demands": leader.demands.alias(o=DEMAND_ORDER).order_by("o", "-raised_on"),
            "relations": relations,
            "directions": Direction.choices,
            "local_rate": (rate := supply.leader_rate(leader, year)).rate,
            "local_rate_source": rate.source_label,
            "chain_finance": finance.leader_finance(leader, user=request.user),  # XN-LZ-11: the chain's bank
            "claims": leader.claims.all(),
            "limits": {
                "share": subsidies.limit("mna_cost_subsidy_share"),
                "cap": subsidies.limit("mna_cost_subsidy_cap"),
                "equity": subsidies.limit("fund_equity_share_cap"),
            },
            "subsidy_kinds": [(k, v) for k, v in SubsidyKind.choices if k != SubsidyKind.EVENT],
        },
    )


def _steps(leader: ChainLeader) -> list[tuple[str, str]]:
    """The selection steps with their state for the progress strip: done / current / todo / failed."""
    order = [LeaderStatus.APPLIED, LeaderStatus.REVIEWING, LeaderStatus.NOTICE, LeaderStatus.LISTED]
    labels = ["申报", "评审", "公示", "批准入库"]
    if leader.status == LeaderStatus.REJECTED:
        return [("申报", "done"), ("评审", "failed"), ("公示", "todo"), ("批准入库", "todo")]
    if leader.status == LeaderStatus.REVOKED:
        return [(label, "done") for label in labels] + [("撤销", "failed")]
    i = order.index(LeaderStatus(leader.status))
    return [
        (label, "done" if k < i or leader.status == LeaderStatus.LISTED else "current" if k == i else "todo")
        for k, label in enumerate(labels)
    ]


@login_required
def demand_list(request: AuthedRequest) -> HttpResponse:
    """Every chain leader's demands (诉求) in the user's scope; open ones first — the to-do list of XN-LZ-10."""
    require_page(request)
    show = request.GET.get("show", "open")
    qs = LeaderDemand.objects.for_user(request.user).select_related(
        "leader", "leader__enterprise", "leader__enterprise__county", "leader__industry"
    )
    if show == "open":
        qs = qs.exclude(status=DemandStatus.CLOSED)
    return render(
        request,
        "cultivation/demands.html",
        {"demands": qs.alias(o=DEMAND_ORDER).order_by("o", "raised_on"), "show": show},
    )


@login_required
def claims(request: AuthedRequest) -> HttpResponse:
    """Accepted subsidy claims (XN-LZ-6/7/8) with each industry's yearly event total; the city enters event claims."""
    require_page(request)
    year = _year(request)
    qs = SubsidyClaim.objects.filter(year=year).select_related("industry", "leader", "leader__enterprise")
    if access.is_officer(request.user):
        qs = qs.filter(leader__in=ChainLeader.objects.for_user(request.user))
    events = dict(
        SubsidyClaim.objects.filter(year=year, kind=SubsidyKind.EVENT)
        .values_list("industry__name")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    cap = subsidies.limit("industry_event_subsidy_cap")
    today = timezone.localdate()
    return render(
        request,
        "cultivation/claims.html",
        {
            "claims": qs,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "industries": Industry.objects.filter(is_active=True),
            "event_totals": [
                (ind, events.get(ind.name, Decimal(0)), max(Decimal(0), cap - events.get(ind.name, Decimal(0))))
                for ind in Industry.objects.filter(is_active=True)
            ],
            "cap": cap,
            "is_admin": access.is_city_admin(request.user),
        },
    )


@login_required
def export(request: AuthedRequest, what: str) -> HttpResponse:
    """链主企业库 (with the year's duties, visits, demands, local rate) or the demands, as .xlsx within scope."""
    require_page(request)
    year = _year(request)
    today = timezone.localdate()
    if what == "leaders":
        qs = (
            ChainLeader.objects.for_user(request.user)
            .filter(status=LeaderStatus.LISTED)
            .select_related("industry", "enterprise", "enterprise__county")
            .prefetch_related("activities", "officials", "visits")
            .order_by("industry__sort_order", "-score")
        )
        rules = duties.duty_rules()
        headers = ["重点产业", "统一社会信用代码", "链主企业", "区县", "评审得分", "批准日期", "包保领导"]
        kinds = [ActivityKind(d.kind).label for d in duties.DUTIES]
        headers += [f"{k}（{year}年，完成/目标）" for k in kinds]
        headers += [
            "未走访月份",
            "未办结诉求",
            "本地化配套率(%)",
            "所在产业链主办银行",
            "链上企业覆盖（已覆盖/链上企业）",
        ]
        rows = []
        fins = finance.leaders_finance(qs, user=request.user)  # XN-LZ-11: each leader's chains and their bank
        rates = supply.leader_rates(list(qs), year)
        for x in qs:
            prog = duties.duty_progress(x, year, today=today, rules=rules)
            official = visits.current_official(x)
            rows.append(
                (
                    x.industry.name,
                    x.enterprise.uscc,
                    x.enterprise.name,
                    x.enterprise.county.name,
                    float(x.score) if x.score is not None else None,
                    x.approved_on.isoformat() if x.approved_on else "",
                    str(official) if official else "",
                    *[f"{p.counted}/{p.target.normalize():f}" if p.target else str(p.counted) for p in prog],
                    "、".join(f"{m:%Y-%m}" for m in visits.missed_months(x, today=today) if m.year == year),
                    x.demands.exclude(status=DemandStatus.CLOSED).count(),
                    float(r) if (r := rates[x.pk].rate) is not None else None,
                    finance.banks(fins[x.pk]),
                    finance.coverage(fins[x.pk]),
                )
            )
        title, widths = f"链主企业库{year}", [12, 22, 30, 10, 9, 11, 16, 16, 16, 16, 16, 20, 10, 12, 20, 12]
        text_columns = [1]
    elif what == "demands":
        qs = LeaderDemand.objects.for_user(request.user).select_related(
            "leader__enterprise", "leader__enterprise__county", "leader__industry"
        )
        headers = [
            "提出日期",
            "链主企业",
            "区县",
            "重点产业",
            "诉求内容",
            "承办单位",
            "办理时限",
            "状态",
            "办理结果",
            "办结日期",
        ]
        rows = [
            (
                d.raised_on.isoformat(),
                d.leader.enterprise.name,
                d.leader.enterprise.county.name,
                d.leader.industry.name,
                d.content,
                d.department,
                d.due_on.isoformat() if d.due_on else "",
                d.get_status_display(),
                d.response,
                d.closed_on.isoformat() if d.closed_on else "",
            )
            for d in qs.alias(o=DEMAND_ORDER).order_by("o", "raised_on")
        ]
        title, widths, text_columns = "链主企业诉求", [11, 30, 10, 12, 40, 16, 11, 8, 40, 11], []
    else:
        raise Http404
    data = xlsx.table(headers, rows, text_columns=text_columns, widths=widths, sheet_name=title)
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{title}")
    return attachment(data, title + ".xlsx")

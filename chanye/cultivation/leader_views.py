"""Chain-leader pages: the library (链主企业库) with its selection steps (XN-LZ-1/9), each leader's page with duties
(XN-LZ-3/4/5), 包保 visits and demands (XN-LZ-10), supplier relations (XN-LZ-2), the subsidy claims (XN-LZ-6/7/8),
the demands to-do list and .xlsx exports. Every write goes through `chanye.cultivation.leaders` / `duties`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Sum, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chanye.core import access, audit, xlsx
from chanye.core.downloads import attachment
from chanye.core.models import AuditAction
from chanye.core.roles import CITY
from chanye.cultivation import duties, finance, leaders, ledger, subsidies, supply, visits
from chanye.cultivation.models import (
    ActivityKind,
    ChainLeader,
    DemandStatus,
    Direction,
    LeaderDemand,
    LeaderObjection,
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


# Steps of the selection (XN-LZ-1/9) and the support funds (XN-LZ-6/7/8) are the city's; a county/park officer keeps
# the ledgers of the leaders in their unit; viewers (and reviewers, README: 全市，只读) only read.
CITY_ACTIONS = {"start_review", "score", "notice", "settle", "approve", "revoke", "claim"}


def _require(request: HttpRequest) -> None:
    access.require_reader(request.user, what="链主企业页面")


def _year(request: HttpRequest) -> int:
    try:
        y = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return y if 2000 <= y <= 2100 else timezone.localdate().year


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError as e:
        raise ValidationError(f"{label}“{value}”不是有效日期（如 2025-03-01）。") from e


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
def leader_list(request: HttpRequest) -> HttpResponse:
    """链主企业库 by key industry with this year's duties, visits, demands and local rate; applications; apply."""
    _require(request)
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
                "local_rate": supply.local_rate(x.relations.filter(year=year)),
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
            "city_rate": supply.city_local_rate(year),
        },
    )


@login_required
@require_POST
def leader_apply(request: HttpRequest) -> HttpResponse:
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


def _get_leader(request: HttpRequest, pk: int) -> ChainLeader:
    qs = ChainLeader.objects.select_related("industry", "enterprise", "enterprise__county")
    return access.get(qs, request.user, what="链主企业", pk=pk)


@login_required
def leader_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    leader = _get_leader(request, pk)
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
            "local_rate": supply.local_rate(leader.relations.filter(year=year)),
            "finance": finance.finance_coverage(leader, year),
            "members": [r for r in relations if r.is_local],
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


def _scores(post: Any, criteria: list[dict[str, Any]]) -> dict[str, Decimal]:
    out = {}
    for c in criteria:
        raw = (post.get(f"score_{c['code']}") or "").strip()
        if not raw:
            continue
        try:
            out[c["code"]] = Decimal(raw)
        except InvalidOperation as e:
            raise ValidationError(f"“{c['label']}”的得分“{raw}”不是数字。") from e
    return out


@login_required
@require_POST
def leader_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One POST endpoint for every step on a leader's page; refusals come back as a Chinese message."""
    _require(request)
    leader = _get_leader(request, pk)
    p, u = request.POST, request.user
    action = p.get("action", "")
    if action in CITY_ACTIONS:
        access.require_write(u, roles=CITY, what="链主企业遴选")
    else:
        access.require_write(u, leader, what="链主企业台账")
    anchor = ""
    try:
        if action == "start_review":
            leaders.do_start_review(actor=u, leader=leader)
        elif action == "score":
            leaders.do_score(actor=u, leader=leader, scores=_scores(p, leaders.config()["criteria"]))
        elif action == "notice":
            leaders.do_start_notice(
                actor=u,
                leader=leader,
                start=_date(p.get("start", ""), "公示开始"),
                end=_date(p.get("end", ""), "公示结束"),
            )
        elif action == "object":
            leaders.do_object(
                actor=u, leader=leader, content=p.get("content", ""), on=_date(p.get("on", ""), "收到日期")
            )
        elif action == "settle":
            obj = LeaderObjection.objects.filter(leader=leader, pk=p.get("objection") or 0).first()
            if obj is None:
                raise Http404
            leaders.do_settle_objection(
                actor=u, objection=obj, upheld=p.get("upheld") == "1", resolution=p.get("resolution", "")
            )
        elif action == "approve":
            leaders.do_approve(actor=u, leader=leader, on=_date(p.get("on", ""), "批准日期"))
        elif action == "revoke":
            leaders.do_revoke(actor=u, leader=leader, reason=p.get("reason", ""), on=_date(p.get("on", ""), "撤销日期"))
        elif action == "activity":
            anchor = "duties"
            duties.do_add_activity(
                actor=u,
                leader=leader,
                kind=p.get("kind", ""),
                on=_date(p.get("on", ""), "日期"),
                name=p.get("name", ""),
                amount=p.get("amount", ""),
                counterpart=p.get("counterpart", ""),
                note=p.get("note", ""),
            )
        elif action == "delete_activity":
            anchor = "duties"
            act = leader.activities.filter(pk=p.get("activity") or 0).first()
            if act is None:
                raise Http404
            duties.do_delete_activity(actor=u, activity=act)
        elif action == "official":
            anchor = "visits"
            visits.do_assign_official(
                actor=u,
                leader=leader,
                name=p.get("name", ""),
                post=p.get("post", ""),
                rank=p.get("rank", ""),
                since=_date(p.get("since", ""), "包保开始"),
            )
        elif action == "visit":
            anchor = "visits"
            visits.do_record_visit(
                actor=u,
                leader=leader,
                on=_date(p.get("on", ""), "走访日期"),
                summary=p.get("summary", ""),
                demands=p.get("demands", "").splitlines(),
            )
        elif action == "demand":
            anchor = "demands"
            visits.do_raise_demand(
                actor=u, leader=leader, content=p.get("content", ""), on=_date(p.get("on", ""), "提出日期")
            )
        elif action == "demand_step":
            anchor = "demands"
            d = leader.demands.filter(pk=p.get("demand") or 0).first()
            if d is None:
                raise Http404
            due = p.get("due_on", "").strip()
            visits.do_demand_step(
                actor=u,
                demand=d,
                to=p.get("to", ""),
                department=p.get("department", ""),
                due_on=_date(due, "办理时限") if due else None,
                response=p.get("response", ""),
            )
        elif action == "relation":
            anchor = "relations"
            supply.do_declare_relation(
                actor=u,
                leader=leader,
                year=int(p.get("year") or timezone.localdate().year),
                direction=p.get("direction", ""),
                partner_name=p.get("partner_name", ""),
                amount=p.get("amount", ""),
                is_local=p.get("is_local") == "1",
            )
        elif action == "delete_relation":
            anchor = "relations"
            rel = leader.relations.filter(pk=p.get("relation") or 0).first()
            if rel is None:
                raise Http404
            supply.do_delete_relation(actor=u, relation=rel)
        elif action == "lead_bank":
            anchor = "finance"
            finance.do_set_lead_bank(
                actor=u, leader=leader, bank=p.get("bank", ""), since=_date(p.get("since", ""), "对接日期")
            )
        elif action == "financed":
            anchor = "finance"
            rel = leader.relations.filter(pk=p.get("relation") or 0).first()
            if rel is None:
                raise Http404
            finance.do_mark_financed(actor=u, relation=rel, covered=p.get("covered") == "1", credit=p.get("credit", ""))
        elif action == "claim":
            anchor = "claims"
            subsidies.do_claim(
                actor=u,
                kind=p.get("kind", ""),
                leader=leader,
                year=int(p.get("year") or timezone.localdate().year),
                project=p.get("project", ""),
                amount=p.get("amount", ""),
                cost=p.get("cost", ""),
                equity_pct=p.get("equity_pct", ""),
                largest_other_pct=p.get("largest_other_pct", ""),
            )
        else:
            raise ValidationError("未知操作。")
        messages.success(request, "已保存。")
    except (ValidationError, PermissionDenied, ValueError) as err:
        messages.error(request, "；".join(getattr(err, "messages", [str(err)])))
    url = reverse("cultivation:leader", args=[leader.pk])
    year = p.get("year", "")
    return redirect(f"{url}{'?year=' + year if year.isdigit() else ''}{'#' + anchor if anchor else ''}")


@login_required
def demand_list(request: HttpRequest) -> HttpResponse:
    """Every chain leader's demands (诉求) in the user's scope; open ones first — the to-do list of XN-LZ-10."""
    _require(request)
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
def claims(request: HttpRequest) -> HttpResponse:
    """Accepted subsidy claims (XN-LZ-6/7/8) with each industry's yearly event total; the city enters event claims."""
    _require(request)
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
@require_POST
def claim_event(request: HttpRequest) -> HttpResponse:
    access.require_write(request.user, roles=CITY, what="链主企业支持资金")
    p = request.POST
    try:
        ind = Industry.objects.filter(is_active=True, pk=p.get("industry") or 0).first()
        subsidies.do_claim(
            actor=request.user,
            kind=SubsidyKind.EVENT,
            industry=ind,
            year=int(p.get("year") or timezone.localdate().year),
            project=p.get("project", ""),
            amount=p.get("amount", ""),
        )
        messages.success(request, "已登记。")
    except (ValidationError, PermissionDenied, ValueError) as err:
        messages.error(request, "；".join(getattr(err, "messages", [str(err)])))
    return redirect(f"{reverse('cultivation:claims')}?year={p.get('year', '')}")


@login_required
def export(request: HttpRequest, what: str) -> HttpResponse:
    """链主企业库 (with the year's duties, visits, demands, local rate) or the demands, as .xlsx within scope."""
    _require(request)
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
        headers += ["未走访月份", "未办结诉求", "本地化配套率(%)", "主办银行", "链属企业覆盖"]
        rows = []
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
                    float(r) if (r := supply.local_rate(x.relations.filter(year=year))) is not None else None,
                    x.lead_bank,
                    f"{(f := finance.finance_coverage(x, year)).covered}/{f.members}",
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

"""The writes of the chain-leader pages: one POST endpoint per leader page dispatching every step — selection
(XN-LZ-1/9), duties (XN-LZ-3/4/5), 包保 official, visits and demands (XN-LZ-10), supplier relations (XN-LZ-2), subsidy
claims (XN-LZ-6/7/8) — and the city's event claims (the lead bank is the chain's, XN-LZ-11: set on the chain page).
Refusals come back as a Chinese message; every write goes through `chanye.cultivation.leaders` and the ledgers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.roles import CITY
from chanye.cultivation import duties, leaders, subsidies, supply, visits
from chanye.cultivation.leader_views import get_leader, require_page
from chanye.cultivation.models import LeaderObjection, SubsidyKind
from chanye.industry.models import Industry

# Steps of the selection (XN-LZ-1/9) and the support funds (XN-LZ-6/7/8) are the city's; a county/park officer keeps
# the ledgers of the leaders in their unit; viewers (and reviewers, README: 全市，只读) only read.
CITY_ACTIONS = {"start_review", "score", "notice", "settle", "approve", "revoke", "claim"}


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError as e:
        raise ValidationError(f"{label}“{value}”不是有效日期（如 2025-03-01）。") from e


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


def _found(obj: Any) -> Any:
    """The object, or a 404 when the POST named one that is not this leader's."""
    if obj is None:
        raise Http404
    return obj


# -- one handler per action: (actor, leader, POST) → None; refusals are raised as ValidationError -----------------


def _start_review(u: Any, leader: Any, p: Any) -> None:
    leaders.do_start_review(actor=u, leader=leader)


def _score(u: Any, leader: Any, p: Any) -> None:
    leaders.do_score(actor=u, leader=leader, scores=_scores(p, leaders.config()["criteria"]))


def _notice(u: Any, leader: Any, p: Any) -> None:
    leaders.do_start_notice(
        actor=u,
        leader=leader,
        start=_date(p.get("start", ""), "公示开始"),
        end=_date(p.get("end", ""), "公示结束"),
    )


def _object(u: Any, leader: Any, p: Any) -> None:
    leaders.do_object(actor=u, leader=leader, content=p.get("content", ""), on=_date(p.get("on", ""), "收到日期"))


def _settle(u: Any, leader: Any, p: Any) -> None:
    obj = _found(LeaderObjection.objects.filter(leader=leader, pk=p.get("objection") or 0).first())
    leaders.do_settle_objection(
        actor=u, objection=obj, upheld=p.get("upheld") == "1", resolution=p.get("resolution", "")
    )


def _approve(u: Any, leader: Any, p: Any) -> None:
    leaders.do_approve(actor=u, leader=leader, on=_date(p.get("on", ""), "批准日期"))


def _revoke(u: Any, leader: Any, p: Any) -> None:
    leaders.do_revoke(actor=u, leader=leader, reason=p.get("reason", ""), on=_date(p.get("on", ""), "撤销日期"))


def _activity(u: Any, leader: Any, p: Any) -> None:
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


def _delete_activity(u: Any, leader: Any, p: Any) -> None:
    act = _found(leader.activities.filter(pk=p.get("activity") or 0).first())
    duties.do_delete_activity(actor=u, activity=act)


def _official(u: Any, leader: Any, p: Any) -> None:
    visits.do_assign_official(
        actor=u,
        leader=leader,
        name=p.get("name", ""),
        post=p.get("post", ""),
        rank=p.get("rank", ""),
        since=_date(p.get("since", ""), "包保开始"),
    )


def _visit(u: Any, leader: Any, p: Any) -> None:
    visits.do_record_visit(
        actor=u,
        leader=leader,
        on=_date(p.get("on", ""), "走访日期"),
        summary=p.get("summary", ""),
        demands=p.get("demands", "").splitlines(),
    )


def _demand(u: Any, leader: Any, p: Any) -> None:
    visits.do_raise_demand(actor=u, leader=leader, content=p.get("content", ""), on=_date(p.get("on", ""), "提出日期"))


def _demand_step(u: Any, leader: Any, p: Any) -> None:
    d = _found(leader.demands.filter(pk=p.get("demand") or 0).first())
    due = p.get("due_on", "").strip()
    visits.do_demand_step(
        actor=u,
        demand=d,
        to=p.get("to", ""),
        department=p.get("department", ""),
        due_on=_date(due, "办理时限") if due else None,
        response=p.get("response", ""),
    )


def _relation(u: Any, leader: Any, p: Any) -> None:
    supply.do_declare_relation(
        actor=u,
        leader=leader,
        year=int(p.get("year") or timezone.localdate().year),
        direction=p.get("direction", ""),
        partner_name=p.get("partner_name", ""),
        amount=p.get("amount", ""),
        is_local=p.get("is_local") == "1",
    )


def _delete_relation(u: Any, leader: Any, p: Any) -> None:
    rel = _found(leader.relations.filter(pk=p.get("relation") or 0).first())
    supply.do_delete_relation(actor=u, relation=rel)


def _claim(u: Any, leader: Any, p: Any) -> None:
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


# action → (the page section to return to, handler)
_ACTIONS: dict[str, tuple[str, Callable[[Any, Any, Any], None]]] = {
    "start_review": ("", _start_review),
    "score": ("", _score),
    "notice": ("", _notice),
    "object": ("", _object),
    "settle": ("", _settle),
    "approve": ("", _approve),
    "revoke": ("", _revoke),
    "activity": ("duties", _activity),
    "delete_activity": ("duties", _delete_activity),
    "official": ("visits", _official),
    "visit": ("visits", _visit),
    "demand": ("demands", _demand),
    "demand_step": ("demands", _demand_step),
    "relation": ("relations", _relation),
    "delete_relation": ("relations", _delete_relation),
    "claim": ("claims", _claim),
}


@login_required
@require_POST
def leader_action(request: AuthedRequest, pk: int) -> HttpResponse:
    """One POST endpoint for every step on a leader's page; refusals come back as a Chinese message."""
    require_page(request)
    leader = get_leader(request, pk)
    p, u = request.POST, request.user
    action = p.get("action", "")
    if action in CITY_ACTIONS:
        access.require_write(u, roles=CITY, what="链主企业遴选")
    else:
        access.require_write(u, leader, what="链主企业台账")
    anchor, handler = _ACTIONS.get(action, ("", None))
    try:
        if handler is None:
            raise ValidationError("未知操作。")
        handler(u, leader, p)
        messages.success(request, "已保存。")
    except (ValidationError, PermissionDenied, ValueError) as err:
        messages.error(request, "；".join(getattr(err, "messages", [str(err)])))
    url = reverse("cultivation:leader", args=[leader.pk])
    year = p.get("year", "")
    return redirect(f"{url}{'?year=' + year if year.isdigit() else ''}{'#' + anchor if anchor else ''}")


@login_required
@require_POST
def claim_event(request: AuthedRequest) -> HttpResponse:
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

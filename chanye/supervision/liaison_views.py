"""Pages of the 千亿级产业 liaison arrangement (YY-ORG-1) and each industry's monitoring catalogue (YY-M-1).

Readers (the city, department viewers — the lead units —, county/park officers) see the arrangements and the
catalogues; a county officer's catalogue lists their unit's firms and projects only. Only a city administrator
changes an arrangement (others are refused as not found, audited). A pack without `industry_liaison` shows a page
that says so and no entry in the menu."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access, xlsx
from chanye.core.downloads import audited_export
from chanye.core.forms import messages_of
from chanye.supervision import catalogue, liaison, selectors
from chanye.supervision.forms import LeadUnitForm, MemberForm
from chanye.supervision.models import IndustryLiaison

PER_PAGE = 100


@login_required
@require_GET
def liaison_list(request: AuthedRequest) -> HttpResponse:
    """Every industry's arrangement (YY-ORG-1) with what it lacks; “not configured” for packs without it."""
    access.require_reader(request.user, what="千亿级产业联系机制")
    states = [selectors.liaison_state(x) for x in selectors.liaisons()]
    first = states[0].liaison if states else None
    return render(
        request,
        "supervision/liaison_list.html",
        {
            "states": states,
            "incomplete": sum(1 for s in states if not s.complete),
            "rule": first.rule if first else "",
            "source_text": first.source_text if first else "",
        },
    )


def _post(request: AuthedRequest, obj: IndustryLiaison, forms_: dict[str, Any]) -> bool:
    """Apply one change of the arrangement (the form's `action`); True when it was saved."""
    action = request.POST.get("action", "")
    actor = request.user
    try:
        if action == "lead_unit":
            lead_form = LeadUnitForm(request.POST, choices=liaison.lead_unit_choices(obj))
            forms_["lead_form"] = lead_form
            if not lead_form.is_valid():
                return False
            liaison.do_set_lead_unit(actor=actor, liaison=obj, department=lead_form.cleaned_data["department"])
        elif action == "leaders":
            rows = [
                liaison.LeaderInput(request.POST.get(f"name_{i}", ""), request.POST.get(f"post_{i}", ""))
                for i in range(1, obj.leaders_required + 1)
            ]
            forms_["leader_rows"] = rows
            liaison.do_set_leaders(actor=actor, liaison=obj, leaders=rows)
        elif action == "member":
            member_form = MemberForm(request.POST)
            forms_["member_form"] = member_form
            member = None
            if pk := request.POST.get("member", ""):
                member = obj.team.filter(pk=pk if pk.isdigit() else 0).first()
                if member is None:
                    raise ValidationError("该成员不存在。")
            if not member_form.is_valid():
                return False
            liaison.do_save_member(actor=actor, liaison=obj, member=member, **member_form.cleaned_data)
        elif action == "remove_member":
            pk = request.POST.get("member", "")
            member = obj.team.filter(pk=pk if pk.isdigit() else 0).first()
            if member is None:
                raise ValidationError("该成员不存在。")
            liaison.do_remove_member(actor=actor, member=member)
        else:
            raise ValidationError("未知的操作。")
    except (ValidationError, PermissionDenied) as e:
        forms_["errors"] = messages_of(e)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def liaison_detail(request: AuthedRequest, code: str) -> HttpResponse:
    """One industry's arrangement: its leaders, lead unit and team, what it lacks, and the city's forms."""
    obj = selectors.access_liaison(user=request.user, code=code)
    manage = liaison.can_manage(request.user)
    forms_: dict[str, Any] = {}
    if request.method == "POST":
        if not manage:
            access.deny(request.user, what="千亿级产业联系机制", obj=obj)
        if _post(request, obj, forms_):
            messages.success(request, "已保存。")
            return redirect("supervision:liaison", code=code)
        obj = selectors.access_liaison(user=request.user, code=code)  # the prefetched rows as they are now
    state = selectors.liaison_state(obj)
    leader_rows = forms_.get("leader_rows") or [
        liaison.LeaderInput(x.name, x.post) for x in state.leaders[: obj.leaders_required]
    ]
    leader_rows = leader_rows + [liaison.LeaderInput("", "")] * (obj.leaders_required - len(leader_rows))
    return render(
        request,
        "supervision/liaison_detail.html",
        {
            "state": state,
            "liaison": obj,
            "manage": manage,
            "lead_form": forms_.get("lead_form")
            or LeadUnitForm(initial={"department": obj.lead_unit_id}, choices=liaison.lead_unit_choices(obj)),
            "leader_rows": list(enumerate(leader_rows, start=1)),
            "member_form": forms_.get("member_form") or MemberForm(),
            "errors": forms_.get("errors", []),
            "action": request.POST.get("action", "") if request.method == "POST" else "",
        },
    )


def _catalogue(request: AuthedRequest, code: str) -> tuple[IndustryLiaison, Any, catalogue.Window | None]:
    obj = selectors.access_liaison(user=request.user, code=code)
    win = catalogue.window()
    return obj, catalogue.members(user=request.user, liaison=obj, win=win), win


@login_required
@require_GET
def catalogue_page(request: AuthedRequest, code: str) -> HttpResponse:
    """The industry's monitoring catalogue (YY-M-1): figures, the 企业库 in order and the key projects."""
    obj, qs, win = _catalogue(request, code)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    count, projects = catalogue.key_projects(user=request.user, cluster=obj.cluster)
    return render(
        request,
        "supervision/catalogue.html",
        {
            "liaison": obj,
            "state": selectors.liaison_state(obj),
            "rule": catalogue.RULE,
            "window": win,
            "summary": catalogue.summary(qs, cluster=obj.cluster, win=win, city_wide=access.is_city_wide(request.user)),
            "page": page,
            "rows": catalogue.rows(list(page.object_list), cluster=obj.cluster, win=win),
            "projects": projects,
            "project_count": count,
        },
    )


@login_required
@require_GET
def catalogue_export(request: AuthedRequest, code: str) -> HttpResponse:
    """The industry's 企业库 as .xlsx: the catalogue's rows, all of them, in the page's order."""
    obj, qs, win = _catalogue(request, code)
    data = xlsx.table(
        catalogue.EXPORT_HEADERS,
        catalogue.export_rows(catalogue.rows(list(qs), cluster=obj.cluster, win=win, trend=False)),
        title=f"{obj.cluster.name}企业库（{catalogue.RULE}；产值：{win.label if win else '暂无统计数据'}；"
        f"导出于 {timezone.localdate():%Y-%m-%d}）",
        text_columns=(3,),
        widths=[6, 10, 36, 22, 12, 16, 24, 24, 6, 30, 16, 14, 8],
        sheet_name="企业库",
    )
    return audited_export(
        request.user, data, f"{obj.cluster.name}企业库", f"导出{obj.cluster.name}企业库（{catalogue.RULE}）"
    )

"""A chain's lead bank and its coverage (XN-LZ-11 "一家主办银行服务一条产业链，业务覆盖产业链上的每家企业").

The page lists the enterprises on the chain the user may see (a county officer their own unit's; a city-wide user
optionally one county), whether the chain's bank serves each and with what credit line, and the totals. The city
names the bank (`chains:lead_bank`); the city and county/park officers mark the enterprises of their unit as served
(`chains:financed`). Writes go through `chanye.chains.finance`, which audits them; refusals are 404 and audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.core.forms import messages_of
from chanye.core.imports.values import CellError, parse_date
from chanye.enterprises.models import Enterprise

from . import finance, selectors
from .views_map import _county, _county_context


@login_required
@require_GET
def chain_finance(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_reader(request)
    chain = selectors.access_chain(user=request.user, pk=pk)
    county = _county(request)
    can_set = finance.can_set_bank(request.user)
    return render(
        request,
        "chains/finance.html",
        {
            "chain": chain,
            "finance": finance.chain_finance(chain, user=request.user, county=county),
            "rows": finance.member_rows(chain, user=request.user, county=county),
            "can_set_bank": can_set,
            "can_mark": finance.can_mark(request.user),
            # the banks a migration could not keep name other units' leaders: for the city, who decides, only
            "bank_note": chain.lead_bank_note if can_set else "",
            **_county_context(request, county),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("chains:finance", args=[pk]))


@login_required
@require_POST
def lead_bank(request: AuthedRequest, pk: int) -> HttpResponse:
    """The city names the chain's lead bank (XN-LZ-11)."""
    selectors.require_reader(request)
    access.require_write(request.user, roles=finance.BANK_SETTERS, what="产业链主办银行")
    chain = selectors.access_chain(user=request.user, pk=pk)
    try:
        raw = request.POST.get("since", "")
        if not raw:
            raise ValidationError("请填写对接日期。")
        try:
            since = parse_date(raw)
        except CellError as e:
            raise ValidationError(f"对接日期{e}。") from e
        finance.do_set_lead_bank(actor=request.user, chain=chain, bank=request.POST.get("bank", ""), since=since)
        messages.success(request, f"已确定“{chain.name}”的主办银行：{chain.lead_bank}。")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(messages_of(e)))
    return _back(chain.pk)


@login_required
@require_POST
def financed(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark an enterprise on the chain as served by the chain's bank (with its credit line), or no longer served."""
    selectors.require_reader(request)
    access.require_write(request.user, roles=finance.MARKERS, what="链属企业金融服务覆盖")
    chain = selectors.access_chain(user=request.user, pk=pk)
    raw = str(request.POST.get("enterprise", ""))
    if not raw.isdigit():
        messages.error(request, "请选择链上企业。")
        return _back(chain.pk)
    ent = access.get(Enterprise, request.user, what="链上企业", pk=int(raw))
    covered = request.POST.get("covered") == "1"
    try:
        finance.do_mark_financed(
            actor=request.user, chain=chain, enterprise=ent, covered=covered, credit=request.POST.get("credit", "")
        )
        messages.success(request, f"已{'标记' if covered else '取消'}{ent.name}的主办银行服务覆盖。")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(messages_of(e)))
    return _back(chain.pk)

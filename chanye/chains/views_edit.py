"""Editing chain templates (XN-SYS-4, XN-CL-5) and placing enterprises on their links.

* City administrators create a chain for a cluster, edit its name, description and links (a table of rows:
  name, stage, description, GB/T 4754 codes, products, key, 卡脖子, 下游环节, 最少企业数; rows added, removed and
  reordered), deactivate it, import chains from a YAML or .xlsx file (all or nothing) and download them. Every write
  goes through `services.do_save_chain` / `do_deactivate_chain`, which audit it; a chain edited here is kept as
  edited when the pack is reloaded.
* City administrators and county/park officers place enterprises on links with a role (链主 / 核心配套 / 一般企业),
  change roles and remove them (`services.do_place_enterprise` / `do_remove_enterprise`), see for each link the
  enterprises in their scope whose GB/T 4754 class falls under the link's codes (按行业代码推荐) and import
  placements from .xlsx (`chain_members`, `chanye.chains.importers`). A county officer sees and places only their
  own county's (or park's) enterprises.

Other roles: department viewers are refused (403, shown as not found like elsewhere), everyone else finds nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit
from chanye.core.downloads import attachment
from chanye.core.forms import UploadForm, messages_of
from chanye.core.imports.runner import start_import
from chanye.core.imports.views import template_file
from chanye.core.models import AuditAction
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Cluster

from . import chain_errors, chain_io, services
from . import importers as chain_importers
from .chain_export import chains_for_export, export_xlsx, export_yaml
from .forms_edit import (
    ChainForm,
    ChainImportForm,
    LinkFormSet,
    PlaceForm,
    RoleForm,
    build_spec,
    link_initial,
)
from .models import Chain, ChainLink, LinkEnterprise, LinkRole

ROLE_ORDER = {LinkRole.LEADER: 0, LinkRole.CORE: 1, LinkRole.ORDINARY: 2}
RECOMMEND_SHOWN = 12
YAML = "application/x-yaml; charset=utf-8"


# ---------------------------------------------------------------- access


def require_chain_editor(request: AuthedRequest) -> None:
    """City administrators only; everyone else finds nothing here (404, audited)."""
    access.require_write(request.user, roles=services.CHAIN_EDITORS, what="产业链图谱编辑")


def require_placer(request: AuthedRequest) -> None:
    access.require_write(request.user, roles=services.PLACERS, what="链上企业调整")


def _after_save(chain: Chain) -> HttpResponse:
    return redirect("chains:map", chain.pk)


# ---------------------------------------------------------------- the chain editor


@login_required
@require_http_methods(["GET", "POST"])
def chain_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Create (pk None, optionally ?cluster=<code>) or edit a chain and its links."""
    require_chain_editor(request)
    instance = get_object_or_404(Chain.objects.select_related("cluster"), pk=pk) if pk else None
    if request.method == "POST":
        form = ChainForm(request.POST, instance=instance)
        formset = LinkFormSet(request.POST, prefix="links")
    else:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {"name": instance.name, "cluster": instance.cluster, "description": instance.description}
            links = link_initial(instance)
        else:
            cluster = Cluster.objects.filter(code=request.GET.get("cluster") or "").first()
            initial = {"cluster": cluster, "name": f"{cluster.name}产业链" if cluster else ""}
            links = []
        form = ChainForm(initial=initial, instance=instance)
        formset = LinkFormSet(initial=links, prefix="links")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        spec, errors = build_spec(form, formset, instance=instance)
        if spec is not None:
            try:
                chain, changes = services.do_save_chain(
                    actor=request.user, spec=spec, cluster=form.cleaned_data.get("cluster"), chain=instance
                )
            except (ValidationError, PermissionDenied) as e:
                errors = messages_of(e)
            else:
                done = "；".join(changes) if changes else "没有修改"
                messages.success(request, f"已保存“{chain.name}”：{done}。")
                return _after_save(chain)
    elif request.method == "POST":
        errors = [str(e) for e in formset.non_form_errors()] or ["请修改标红的内容。"]
    held: dict[str, int] = {}  # links with enterprises or targets: marked, as they cannot be removed
    if instance is not None:
        held = {x.code: x.n_members + x.n_targets for x in services.links_in_use(instance.links.all())}
    rows = [(f, held.get(str(f["code"].value() or ""), 0)) for f in formset.forms]
    if formset.is_bound:  # shown again after an error: in the order the user gave them
        rows.sort(key=lambda r: _order_of(r[0]))
    return render(
        request,
        "chains/edit_chain.html",
        {"form": form, "formset": formset, "instance": instance, "errors": errors, "rows": rows},
    )


def _order_of(form: Any) -> int:
    raw = str(form["ORDER"].value() or "")
    return int(raw) if raw.isdigit() else 10**9


@login_required
@require_POST
def chain_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    require_chain_editor(request)
    chain = get_object_or_404(Chain, pk=pk)
    services.do_deactivate_chain(actor=request.user, chain=chain)
    messages.success(request, f"已停用“{chain.name}”。它不再出现在图谱和缺口清单中；编辑并保存即可重新启用。")
    return redirect("chains:list")


# ---------------------------------------------------------------- import and export of chain templates


@login_required
@require_http_methods(["GET", "POST"])
def chain_import(request: AuthedRequest) -> HttpResponse:
    """Upload a YAML or .xlsx file of chains: every error listed in Chinese and nothing written, or all written."""
    require_chain_editor(request)
    form = ChainImportForm(request.POST or None, request.FILES or None)
    errors: list[chain_errors.ChainFileError] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = chain_io.do_import_chains(actor=request.user, data=upload.read(), filename=upload.name)
        except chain_errors.ChainImportError as e:
            errors = e.errors
        else:
            messages.success(request, f"导入完成：{result.summary()}。")
    return render(
        request,
        "chains/edit_import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "chains": Chain.objects.filter(is_active=True).select_related("cluster"),
        },
    )


def _export(request: AuthedRequest, chains: QuerySet[Chain], fmt: str, stem: str) -> HttpResponse:
    chains = list(chains)
    today = timezone.localdate()
    names = "、".join(c.name for c in chains[:5]) + ("等" if len(chains) > 5 else "")
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出产业链模板（{fmt}）：{names}")
    if fmt == "yaml":
        return attachment(export_yaml(chains), f"{stem}_{today:%Y%m%d}.yaml", YAML)
    return attachment(export_xlsx(chains), f"{stem}_{today:%Y%m%d}.xlsx")


@login_required
@require_GET
def chain_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    require_chain_editor(request)
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    chain = get_object_or_404(Chain, pk=pk)
    return _export(request, chains_for_export(chain), fmt, f"产业链_{chain.code}")


@login_required
@require_GET
def chains_export_all(request: AuthedRequest, fmt: str) -> HttpResponse:
    require_chain_editor(request)
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    return _export(request, chains_for_export(), fmt, "产业链模板")


# ---------------------------------------------------------------- enterprises on links


def _gbt_prefixes(codes: list[str]) -> list[str]:
    """A link's GB/T 4754 codes as prefixes of an enterprise's class code (门类 letter dropped: C1351 → 1351)."""
    return [re.sub(r"^[A-Za-z]", "", c) for c in codes if re.sub(r"^[A-Za-z]", "", c)]


def recommendations(*, chain: Chain, user: Any, links: list[ChainLink] | None = None) -> dict[int, list[Enterprise]]:
    """按行业代码推荐: per link, the enterprises the user may see whose GB/T 4754 class starts with one of the link's
    codes and that are not yet on it (规上 first, then by name). One query for the whole chain."""
    links = links if links is not None else list(chain.links.order_by("position"))
    prefixes = {x.pk: _gbt_prefixes(x.gbt4754) for x in links}
    union = sorted({p for ps in prefixes.values() for p in ps})
    out: dict[int, list[Enterprise]] = {x.pk: [] for x in links}
    if not union:
        return out
    q = Q()
    for p in union:
        q |= Q(industry_code__code__startswith=p)
    candidates = list(
        Enterprise.objects.for_user(user)
        .filter(q)
        .select_related("county", "park", "industry_code")
        .order_by("-is_above_scale", "name", "pk")
    )
    on = set(LinkEnterprise.objects.filter(link__chain=chain).values_list("link_id", "enterprise_id"))
    for e in candidates:
        code = e.industry_code_id or ""
        for x in links:
            if (x.pk, e.pk) not in on and any(code.startswith(p) for p in prefixes[x.pk]):
                out[x.pk].append(e)
    return out


def members_of(*, chain: Chain, user: Any) -> dict[int, list[LinkEnterprise]]:
    """The placements on each link of `chain` the user may see, 链主 first."""
    out: dict[int, list[LinkEnterprise]] = {}
    qs = (
        LinkEnterprise.objects.for_user(user)
        .filter(link__chain=chain)
        .select_related("enterprise", "enterprise__county", "enterprise__park")
    )
    for m in sorted(qs, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.enterprise.name)):  # type: ignore[call-overload]
        out.setdefault(m.link_id, []).append(m)
    return out


def find_enterprise(*, user: Any, text: str) -> tuple[Enterprise | None, str]:
    """The enterprise `text` names (USCC, exact name, or a unique part of a name) among those the user may see."""
    qs = access.scoped(Enterprise, user)
    s = "".join((text or "").split())
    if not s:
        return None, "请填写企业名称或统一社会信用代码。"
    hit = qs.filter(uscc=s.upper()).first() or qs.filter(name=s).first()
    if hit is not None:
        return hit, ""
    found = list(qs.filter(Q(name__icontains=s) | Q(uscc__istartswith=s)).order_by("name")[:6])
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"您的权限范围内没有名称或信用代码包含“{s}”的企业。"
    listed = "；".join(f"{e.name}（{e.uscc}）" for e in found[:5])
    return None, f"“{s}”对应多家企业：{listed}{'…' if len(found) > 5 else ''}。请填写完整名称或统一社会信用代码。"


def _chain_for_members(pk: int) -> Chain:
    return get_object_or_404(Chain.objects.select_related("cluster"), pk=pk, is_active=True)


def _members_page(request: AuthedRequest, chain: Chain, place_form: PlaceForm | None = None) -> HttpResponse:
    links = list(chain.links.order_by("position"))
    members = members_of(chain=chain, user=request.user)
    recommended = recommendations(chain=chain, user=request.user, links=links)
    rows = [
        {
            "link": x,
            "members": members.get(x.pk, []),
            "recommended": recommended.get(x.pk, [])[:RECOMMEND_SHOWN],
            "recommended_total": len(recommended.get(x.pk, [])),
        }
        for x in links
    ]
    return render(
        request,
        "chains/edit_members.html",
        {
            "chain": chain,
            "rows": rows,
            "place_form": place_form or PlaceForm(chain=chain),
            "roles": LinkRole.choices,
            "is_county": access.is_officer(request.user),
            "can_edit_chain": services.can_edit_chains(request.user),
        },
    )


def _posted_pk(request: AuthedRequest, key: str) -> int:
    raw = str(request.POST.get(key, ""))
    if not raw.isdigit():
        raise Http404("参数错误")
    return int(raw)


def _back_to_members(chain: Chain, link_pk: int | None = None) -> HttpResponse:
    url = reverse("chains:members", args=[chain.pk])
    return redirect(f"{url}#link-{link_pk}" if link_pk else url)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: AuthedRequest, pk: int) -> HttpResponse:
    """The placement page; POST action=add (the form), recommend / add_selected (the ticked recommendations),
    enterprise of a link), role (change a member's role), remove."""
    require_placer(request)
    chain = _chain_for_members(pk)
    if request.method == "GET":
        return _members_page(request, chain)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = PlaceForm(request.POST, chain=chain)
            if not form.is_valid():
                return _members_page(request, chain, form)
            ent, problem = find_enterprise(user=request.user, text=form.cleaned_data["enterprise"])
            if ent is None:
                form.add_error("enterprise", problem)
                return _members_page(request, chain, form)
            link = form.cleaned_data["link"]
            existed = LinkEnterprise.objects.filter(link=link, enterprise=ent).exists()
            m = services.do_place_enterprise(
                actor=request.user,
                link=link,
                enterprise=ent,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
            )
            verb = "已更新" if existed else "已加入"
            messages.success(request, f"{verb}：{ent.name} → {link.name}（{m.get_role_display()}）。")
            return _back_to_members(chain, link.pk)
        if action in ("recommend", "add_selected"):
            # Suggestions by industry code are reviewed one by one (issue 13: a code match is not a supply relation):
            # only the enterprises ticked, each still a recommendation for this link, are placed.
            link = get_object_or_404(ChainLink, pk=_posted_pk(request, "link"), chain=chain)
            recommended = recommendations(chain=chain, user=request.user, links=[link])[link.pk]
            wanted = {str(v) for v in request.POST.getlist("enterprise")}
            chosen = [e for e in recommended if str(e.pk) in wanted]
            if not wanted:
                messages.error(request, "请先勾选要加入的企业。")
                return _back_to_members(chain, link.pk)
            if len(chosen) != len(wanted):
                raise Http404("企业不在推荐列表中")
            with transaction.atomic():
                for e in chosen:
                    services.do_place_enterprise(actor=request.user, link=link, enterprise=e, role=LinkRole.ORDINARY)
            names = "、".join(e.name for e in chosen[:3]) + (f"等{len(chosen)}家" if len(chosen) > 3 else "")
            messages.success(request, f"已加入“{link.name}”（一般企业）：{names}。")
            return _back_to_members(chain, link.pk)
        if action in ("role", "remove"):
            member = access.get(
                LinkEnterprise.objects.select_related("enterprise", "link"),
                request.user,
                what="链上企业",
                pk=_posted_pk(request, "member"),
                link__chain=chain,
            )
            if action == "remove":
                services.do_remove_enterprise(actor=request.user, member=member)
                messages.success(request, f"已把“{member.enterprise.name}”移出“{member.link.name}”。")
            else:
                role_form = RoleForm(request.POST)
                if not role_form.is_valid():
                    raise ValidationError("角色应为 链主、核心配套 或 一般企业。")
                services.do_place_enterprise(
                    actor=request.user,
                    link=member.link,
                    enterprise=member.enterprise,
                    role=role_form.cleaned_data["role"],
                    note=member.note,
                )
                messages.success(
                    request,
                    f"已把“{member.enterprise.name}”的角色改为{LinkRole(role_form.cleaned_data['role']).label}。",
                )
            return _back_to_members(chain, member.link_id)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(messages_of(e)))
        return _back_to_members(chain)
    raise Http404("未知操作")


@login_required
@require_GET
def members_search(request: AuthedRequest, pk: int) -> HttpResponse:
    """<option>s for the enterprise box (htmx): the user's enterprises whose name or USCC contains the text."""
    require_placer(request)
    _chain_for_members(pk)
    q = "".join((request.GET.get("enterprise") or request.GET.get("q") or "").split())
    found: list[Enterprise] = []
    if len(q) >= 2:
        found = list(
            Enterprise.objects.for_user(request.user)
            .filter(Q(name__icontains=q) | Q(uscc__istartswith=q.upper()))
            .select_related("county")
            .order_by("-is_above_scale", "name")[:20]
        )
    return render(request, "chains/edit_members_options.html", {"found": found})


@login_required
@require_http_methods(["GET", "POST"])
def members_import(request: AuthedRequest) -> HttpResponse:
    """Upload a placement sheet (`chain_members`); it runs as an import job and its page shows every error."""
    require_placer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = start_import(
            chain_importers.LinkMemberImporter.kind,
            data=upload.read(),
            filename=upload.name,
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("core:import_batch", pk=batch.pk)
    return render(request, "chains/edit_members_import.html", {"form": form})


@login_required
@require_GET
def members_template(request: AuthedRequest) -> HttpResponse:
    """The placement template for placers only: the generic import template of `chain_members` (built from the
    importer's columns and notes)."""
    require_placer(request)
    return attachment(*template_file(chain_importers.LinkMemberImporter.kind))

"""招商 lead pages (XN-CL-5 按图索骥, XN-LZ-11): the lead pipeline 线索 → 接洽 → 考察 → 签约 → 落地 with its list,
pipeline board, lead page (推进 / 终止), conversion figures and exports. The attraction-target library (招商目标库)
is `views_targets`.

Readers are the city, county/park officers and department viewers; others find nothing here (404). Leads are reached
only through `Lead.objects.for_user` (another county's lead is 404). Viewers read; writes (403 for them) go through
`chanye.chains.leads`, which audits them and refuses in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import User
from chanye.core import access, audit, xlsx
from chanye.core.downloads import audited_export
from chanye.core.forms import messages_of
from chanye.industry.models import Cluster

from . import leads, selectors
from .forms_leads import (
    DropForm,
    LeadFilter,
    LeadForm,
    MoveForm,
    county_choices,
    link_choices,
    option_groups,
)
from .models import PIPELINE, STAGE_DATE, AttractionTarget, Lead, LeadStage

PER_PAGE = 50
CARDS_PER_COLUMN = 30
CONVERSION_BY = [("cluster", "按产业集群"), ("link", "按产业链环节"), ("owner", "按负责人"), ("county", "按落户区县")]
CLOSED = (LeadStage.LANDED, LeadStage.DROPPED)


# ---------------------------------------------------------------- leads: list, pipeline, exports


def _access_lead(request: AuthedRequest, pk: int) -> Lead:
    """A lead the user may see, else 404 (never 403: other counties' leads are not revealed), audited."""
    selectors.require_reader(request)
    qs = Lead.objects.select_related("county", "cluster", "link__chain", "owner", "target", "project")
    return access.get(qs, request.user, what="招商线索", pk=pk)


def _editable_lead(request: AuthedRequest, pk: int) -> Lead:
    lead = _access_lead(request, pk)
    access.require_write(request.user, lead, what="招商线索")
    return lead


def _owner_options(qs: QuerySet[Lead]) -> list[tuple[str, str]]:
    """The owner filter's choices: the users owning leads of `qs` (u<pk>), then the names typed without a user."""
    users = User.objects.filter(pk__in=qs.order_by().values("owner_id")).order_by("username")
    out = [(f"u{u.pk}", str(u)) for u in users]
    names = qs.filter(owner__isnull=True).exclude(owner_name="").order_by().values_list("owner_name", flat=True)
    out += [(f"n:{n}", n) for n in sorted(set(names))]
    return out


def _filter_options(request: AuthedRequest, base: QuerySet[Lead]) -> dict[str, Any]:
    return {
        "stages": LeadStage.choices,
        "clusters": Cluster.objects.filter(is_active=True),
        "link_options": option_groups(link_choices(empty="全部环节")),
        "counties": county_choices(request.user),
        "owners": _owner_options(base),
        "years": sorted({d.year for d in base.order_by().dates("found_on", "year")}, reverse=True),
        "is_officer": access.unit_id(request.user) is not None,
        "can_edit": leads.can_edit(request.user),
    }


def pipeline(qs: QuerySet[Lead]) -> dict[str, Any]:
    """The five columns 线索 接洽 考察 签约 落地 with count, investment (亿元) and the newest cards; 终止 counted."""
    grouped = {r["stage"]: r for r in qs.order_by().values("stage").annotate(n=Count("pk"), inv=Sum("investment"))}
    columns = []
    for stage in PIPELINE:
        g = grouped.get(stage.value, {})
        cards = list(
            qs.filter(stage=stage)
            .select_related("county", "owner", "link")
            .order_by("-updated_at", "-pk")[:CARDS_PER_COLUMN]
        )
        n = g.get("n", 0)
        columns.append(
            {
                "stage": stage.value,
                "label": stage.label,
                "n": n,
                "investment": g.get("inv") or Decimal(0),
                "cards": cards,
                "more": max(0, n - len(cards)),
            }
        )
    return {"columns": columns, "dropped": grouped.get(LeadStage.DROPPED.value, {}).get("n", 0)}


@login_required
@require_GET
def lead_list(request: AuthedRequest) -> HttpResponse:
    """Leads: a filtered list, or (view=pipeline) the five-column pipeline board."""
    selectors.require_reader(request)
    f = LeadFilter.from_params(request.GET)
    base = Lead.objects.for_user(request.user)
    as_pipeline = request.GET.get("view") == "pipeline"
    ctx: dict[str, Any] = {"filters": f, "as_pipeline": as_pipeline, **_filter_options(request, base)}
    ctx["stale_days"] = leads.stale_days()
    if as_pipeline:
        ctx["pipeline"] = pipeline(f.apply(base, stage=False))
    else:
        qs = f.apply(base).select_related("county", "cluster", "link__chain", "owner", "project")
        paginator = Paginator(qs.order_by("-updated_at", "-pk"), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        today = timezone.localdate()
        for lead in page:
            lead.last_on = leads.last_progress(lead)
            lead.idle = leads.idle_days(lead, today)
        ctx.update(page=page, total=paginator.count)
    ctx["stale_count"] = leads.stale(base, days=ctx["stale_days"]).count()
    ctx["querystring_all"] = f.querystring(stale="")
    return render(request, "chains/leads_list.html", ctx)


LEAD_HEADERS = [
    "线索编号",
    "企业名称",
    "统一社会信用代码",
    "阶段",
    "落户区县",
    "产业集群",
    "产业链",
    "环节",
    "负责人",
    "拟建项目",
    "拟投资额(亿元)",
    "发现日期",
    "接洽日期",
    "考察日期",
    "签约日期",
    "落地日期",
    "终止日期",
    "终止原因",
    "项目编号",
    "备注",
]


@login_required
@require_GET
def leads_export(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request)
    f = LeadFilter.from_params(request.GET)
    qs = f.apply(Lead.objects.for_user(request.user))
    qs = qs.select_related("county", "cluster", "link__chain", "owner", "project")
    rows = (
        [
            x.code,
            x.company,
            x.uscc,
            x.get_stage_display(),
            x.county.name,
            x.cluster.name if x.cluster_id else "",
            x.link.chain.name if x.link_id else "",
            x.link.name if x.link_id else "",
            x.owner_label,
            x.project_name,
            x.investment,
            x.found_on,
            x.contacted_on,
            x.visited_on,
            x.signed_on,
            x.landed_on,
            x.dropped_on,
            x.drop_reason,
            x.project.code if x.project_id else "",
            x.notes,
        ]
        for x in qs.order_by("code").iterator(chunk_size=2000)
    )
    data = xlsx.table(
        LEAD_HEADERS,
        rows,
        text_columns=[0, 2, 18],
        widths=[14, 32, 22, 8, 12, 18, 18, 14, 10, 30, 12, 12, 12, 12, 12, 12, 12, 24, 14, 30],
        sheet_name="招商线索",
    )
    return audited_export(request.user, data, "招商线索", f"导出招商线索（{audit.query_words(f.querystring())}）")


# ---------------------------------------------------------------- a lead: register, edit, page, 推进, 终止


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Register (from scratch or from a target: ?target=<pk>, 转为线索) or edit a lead (→ `leads.do_save_lead`)."""
    selectors.require_writer(request)
    instance = _editable_lead(request, pk) if pk is not None else None
    kwargs: dict[str, Any] = {}
    target = None
    if instance is None and request.method == "GET" and request.GET.get("target", "").isdigit():
        target = AttractionTarget.objects.select_related("link__chain").filter(pk=int(request.GET["target"])).first()
        if target is None:
            raise Http404("招商目标不存在")
        kwargs["initial"] = LeadForm.initial_from_target(target, request.user)
    form = LeadForm(request.POST or None, user=request.user, instance=instance, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            lead = leads.do_save_lead(actor=request.user, lead=instance or Lead(), data=form.to_data())
        except (ValidationError, PermissionDenied) as e:
            for msg in messages_of(e):
                form.add_error("county" if "辖区" in msg else None, msg)
            if instance is not None:
                instance = _editable_lead(request, instance.pk)
        else:
            messages.success(request, f"已登记招商线索 {lead.code}。" if instance is None else "已保存修改。")
            return redirect("chains:lead", pk=lead.pk)
    if target is None and form.is_bound and form.data.get("target", "").isdigit():
        target = AttractionTarget.objects.filter(pk=int(form.data["target"])).first()
    elif target is None and instance is not None:
        target = instance.target
    return render(request, "chains/leads_edit.html", {"form": form, "instance": instance, "target": target})


def _show(
    request: AuthedRequest,
    lead: Lead,
    *,
    move_form: MoveForm | None = None,
    drop_form: DropForm | None = None,
    move_errors: list[str] | None = None,
    drop_errors: list[str] | None = None,
) -> HttpResponse:
    user = request.user
    can_edit = leads.can_edit(user, lead)
    closed = lead.stage in CLOSED
    project = leads.lead_project(user, lead)
    events = list(lead.events.select_related("user").order_by("on", "created_at", "pk"))
    today = timezone.localdate()
    reached = []
    for stage in PIPELINE:
        on = getattr(lead, STAGE_DATE[stage])
        reached.append({"stage": stage.value, "label": stage.label, "on": on, "current": lead.stage == stage})
    return render(
        request,
        "chains/leads_detail.html",
        {
            "lead": lead,
            "events": events,
            "reached": reached,
            "project": project,
            "project_hidden": bool(lead.project_id and project is None),
            "can_edit": can_edit,
            "closed": closed,
            "move_form": move_form or (MoveForm(lead=lead, initial={"on": today}) if not closed else None),
            "drop_form": drop_form or (DropForm(initial={"on": today}) if not closed else None),
            "move_errors": move_errors or [],
            "drop_errors": drop_errors or [],
            "today": today,
            "start_days": leads.start_within_days(),
        },
    )


@login_required
@require_GET
def lead_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _show(request, _access_lead(request, pk))


@login_required
@require_POST
def lead_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """推进: `leads.do_move_lead`; its Chinese refusals are shown above the form."""
    lead = _editable_lead(request, pk)
    form = MoveForm(request.POST, lead=lead)
    if lead.stage in CLOSED:
        return _show(request, lead, move_errors=[f"线索已{lead.get_stage_display()}，不能再变更阶段。"])
    if not form.is_valid():
        labels = {k: f"{f.label}：" for k, f in form.fields.items()}
        errors = [labels.get(k, "") + m for k, es in form.errors.items() for m in es]
        return _show(request, lead, move_form=form, move_errors=errors)
    had_project = lead.project_id
    try:
        moved = leads.do_move_lead(actor=request.user, lead=lead, **form.move_kwargs())
    except (ValidationError, PermissionDenied) as e:
        return _show(request, lead, move_form=form, move_errors=messages_of(e))
    msg = f"线索已推进到“{moved.get_stage_display()}”。"
    if moved.project_id and not had_project:
        msg += f"已在项目四色图登记黄色项目“{moved.project.name}”（{moved.project.code}），并按签约日期生成节点计划。"
    messages.success(request, msg)
    return redirect("chains:lead", pk=lead.pk)


@login_required
@require_POST
def lead_drop(request: AuthedRequest, pk: int) -> HttpResponse:
    """终止 with a reason (`leads.do_move_lead(to="dropped")`); a landed lead cannot be dropped."""
    lead = _editable_lead(request, pk)
    form = DropForm(request.POST)
    if not form.is_valid():
        errors = [m for ms in form.errors.values() for m in ms]
        return _show(request, lead, drop_form=form, drop_errors=errors)
    c = form.cleaned_data
    try:
        leads.do_move_lead(actor=request.user, lead=lead, to=LeadStage.DROPPED, on=c.get("on"), note=c["reason"])
    except (ValidationError, PermissionDenied) as e:
        return _show(request, lead, drop_form=form, drop_errors=messages_of(e))
    messages.success(request, "线索已终止。")
    return redirect("chains:lead", pk=lead.pk)


# ---------------------------------------------------------------- conversion figures


def conversion_tables(qs: QuerySet[Lead]) -> dict[str, Any]:
    tables = [{"by": by, "title": title, "rows": leads.conversion(qs, by)} for by, title in CONVERSION_BY]
    totals = leads.conversion_totals(qs)
    funnel = [{"name": s.label, "value": totals[s.value]} for s in PIPELINE]
    return {"tables": tables, "totals": totals, "funnel": {"has_data": totals["total"] > 0, "data": funnel}}


@login_required
@require_GET
def conversion(request: AuthedRequest) -> HttpResponse:
    """转化情况: leads reaching each stage, signed and landed rates and signed investment by cluster, link, owner and
    county, with the funnel 线索 → 落地."""
    selectors.require_reader(request)
    f = LeadFilter.from_params(request.GET)
    base = Lead.objects.for_user(request.user)
    ctx = conversion_tables(f.apply(base, stage=False))
    return render(request, "chains/leads_conversion.html", {"filters": f, **ctx, **_filter_options(request, base)})


CONVERSION_HEADERS = [
    "分组",
    "线索数",
    "达到接洽",
    "达到考察",
    "签约",
    "落地",
    "终止",
    "签约率(%)",
    "落地率(%)",
    "签约投资额(亿元)",
]


def _conversion_row(r: dict[str, Any]) -> list[Any]:
    q = Decimal("0.1")
    return [
        r["label"],
        r["total"],
        r["contact"],
        r["visit"],
        r["signed"],
        r["landed"],
        r["dropped"],
        float(r["signed_rate"].quantize(q)),
        float(r["landed_rate"].quantize(q)),
        r["investment"],
    ]


@login_required
@require_GET
def conversion_export(request: AuthedRequest) -> HttpResponse:
    """The four conversion tables, one sheet each."""
    from openpyxl.styles import Font

    selectors.require_reader(request)
    f = LeadFilter.from_params(request.GET)
    ctx = conversion_tables(f.apply(Lead.objects.for_user(request.user), stage=False))
    wb = xlsx.workbook()
    wb.remove(wb.active)
    for table in ctx["tables"]:
        ws = wb.create_sheet(table["title"])
        ws.append(CONVERSION_HEADERS)
        for c in ws[1]:
            c.font, c.fill = Font(bold=True), xlsx.HEADER_FILL
        for r in table["rows"]:
            ws.append(_conversion_row(r))
        total = _conversion_row(ctx["totals"])
        ws.append(total)
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
        ws.column_dimensions["A"].width = 30
        ws.freeze_panes = "B2"
    data = xlsx.to_bytes(wb)
    return audited_export(
        request.user, data, "招商转化情况", f"导出招商转化情况（{audit.query_words(f.querystring())}）"
    )

"""Project pages: the board (四色图, XN-XM-4) with its list and export, the portfolio 横道图, a project's page
(milestones XN-XM-3, colour and grade history XN-XM-5, people XN-XM-6, issues 一单三制 YY-P-2, exit, rectification),
the create/edit form and the issue list. Reads go through `selectors`, every write through `services`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit, xlsx
from chanye.core.downloads import attachment, evidence_download
from chanye.core.forms import messages_of
from chanye.core.models import AuditAction
from chanye.industry.models import Cluster, Industry
from chanye.projects import issues as issue_services
from chanye.projects import plausibility, selectors, services
from chanye.projects import rules as project_rules
from chanye.projects.filtersets import IssueFilter, ProjectFilter, tier_label
from chanye.projects.forms import (
    ExitForm,
    IssueAssignForm,
    IssueCloseForm,
    IssueFollowForm,
    IssueRaiseForm,
    MilestoneForm,
    ProjectForm,
    RectifyForm,
)
from chanye.projects.models import (
    Colour,
    IssueStatus,
    Project,
    ProjectKind,
    ProjectList,
    ProjectStatus,
    ProjectType,
)
from chanye.projects.progress import band_label

PER_PAGE = 50
# one width per column of selectors.EXPORT_HEADERS
EXPORT_WIDTHS = [14, 36, 30, 22, 10, 16, 12, 18, 12, 8, 10, 12, 10, 12, 12, 12, 10, 6, 8, 10]
EXPORT_WIDTHS += [18, 14, 12, 10, 20, 10, 16, 30]
ISSUE_WIDTHS = [14, 30, 10, 12, 40, 16, 12, 12, 8, 6, 12, 30, 24]
GANTT_PER_PAGE = 200


def _filter_options(request: AuthedRequest) -> dict[str, Any]:
    rules = project_rules.current()
    this_year = timezone.localdate().year
    return {
        "units": selectors.unit_choices(request.user),
        "colours": [(c.value, c.label, selectors.COLOUR_MEANING[c]) for c in Colour],
        "industries": Industry.objects.filter(is_active=True).only("pk", "code", "name"),
        "clusters": Cluster.objects.filter(is_active=True).only("pk", "code", "name"),
        "kinds": ProjectKind.choices,
        "list_kinds": ProjectList.choices,
        "project_types": ProjectType.choices,
        "tiers": [(f"{t.normalize():f}", tier_label(t)) for t in sorted(rules.investment_tiers)],
        "years": list(range(this_year + 1, this_year - 10, -1)),
        "can_edit": services.can_edit(request.user),
    }


# ---------------------------------------------------------------- board, export, portfolio Gantt


@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    """四色图: counts per county × colour with click-through, the chart, and the filtered list."""
    selectors.require_reader(request.user)
    today = timezone.localdate()
    f = ProjectFilter.from_params(request.GET)
    qs = selectors.project_list(user=request.user, filters=f, today=today)
    counts = selectors.board(user=request.user, filters=f, today=today)
    listed = counts["total"] if not f.colour else sum(t["n"] for t in counts["totals"] if t["colour"] == f.colour)
    page, rows = selectors.page_of_projects(
        qs, number=request.GET.get("page"), per_page=PER_PAGE, today=today, count=listed
    )
    return render(
        request,
        "projects/board.html",
        {
            "filters": f,
            "board": counts,
            "gap": None if f.active else selectors.bulletin_gap(user=request.user, today=today),
            "sort_qs": {"late": f.querystring(sort="late"), "": f.querystring(sort="")},
            "page": page,
            "rows": rows,
            "today": today,
            "project_rules": project_rules.current(),
            **_filter_options(request),
        },
    )


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    today = timezone.localdate()
    f = ProjectFilter.from_params(request.GET)
    qs = selectors.project_list(user=request.user, filters=f, today=today)
    data = xlsx.table(
        selectors.EXPORT_HEADERS,
        selectors.export_rows(qs, today=today),
        text_columns=[0, 3],
        widths=EXPORT_WIDTHS,
        sheet_name="项目库",
    )
    audit.record(
        actor=request.user, action=AuditAction.EXPORT, message=f"导出项目库（{audit.query_words(f.querystring())}）"
    )
    return attachment(data, f"项目库_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def gantt(request: AuthedRequest) -> HttpResponse:
    """横道图 of the filtered projects, 200 a page."""
    selectors.require_reader(request.user)
    today = timezone.localdate()
    f = ProjectFilter.from_params(request.GET)
    qs = selectors.project_list(user=request.user, filters=f, today=today)
    page, chart = selectors.portfolio_gantt(qs=qs, number=request.GET.get("page"), per_page=GANTT_PER_PAGE)
    chart["height"] = max(260, min(780, 90 + 24 * len(chart["bars"])))
    chart["zoom"] = len(chart["bars"]) > 30  # a slider on the project axis: 30 bars at a time
    return render(
        request,
        "projects/gantt.html",
        {
            "filters": f,
            "page": page,
            "chart": chart,
            "unsigned": qs.filter(signed_on__isnull=True).count(),
            "plan_text": _gantt_plan_text(project_rules.current()),
            **_filter_options(request),
        },
    )


def _gantt_plan_text(rules: project_rules.ProjectRules) -> str:
    """What the light bar of the portfolio 横道图 runs to: the planned production of the pack's bands (XN-XM-2), or —
    for a pack that states none — the production date or today."""
    if not rules.bands:
        return f"从签约到投产或今天（{project_rules.NO_CLOCKS}，不画计划投产）"
    bands = "、".join(f"{band_label(lo, hi, i == 0)}{months}个月" for i, (lo, hi, months) in enumerate(rules.bands))
    return f"从签约到计划投产（按总投资分档：{bands}，XN-XM-2）"


# ---------------------------------------------------------------- one project


def _detail_context(request: AuthedRequest, p: Project, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    rows = selectors.milestone_rows(p, today=today)
    issues = selectors.project_issues(p, today=today)
    can_edit = services.can_edit(request.user, p)
    overdue = [r for r in rows if r.overdue]
    return {
        "p": p,
        "today": today,
        "rows": rows,
        "overdue": overdue,
        "gantt": selectors.project_gantt(p, rows, today=today),
        "history": selectors.colour_history(p),
        "issues": issues,
        "open_issues": sum(1 for i in issues if i.status != IssueStatus.CLOSED),
        "overdue_issues": sum(1 for i in issues if i.overdue),
        "can_edit": can_edit,
        "enterprise_visible": selectors.can_see_enterprise(request.user, p.enterprise_id),
        "can_rectify": can_edit and bool(overdue) and p.status not in (ProjectStatus.EXITED, ProjectStatus.PRODUCING),
        "rectify_days": project_rules.current().rectify_days,
        "staffing_gaps": services.staffing_gaps(p),
        "output_doubts": plausibility.project_doubts(p),
        "staffing": project_rules.current().staffing,
        "clocks": project_rules.current().has_clocks,
        "exited": p.status == ProjectStatus.EXITED,
        "raise_form": extra.pop("raise_form", None) or IssueRaiseForm(),
        "exit_form": extra.pop("exit_form", None) or ExitForm(),
        "rectify_form": extra.pop("rectify_form", None) or RectifyForm(),
        "ms_errors": extra.pop("ms_errors", {}),
        "ms_post": extra.pop("ms_post", {}),
        "issue_errors": extra.pop("issue_errors", {}),
        "section_errors": extra.pop("section_errors", {}),
        **extra,
    }


def _show(request: AuthedRequest, p: Project, **extra: Any) -> HttpResponse:
    return render(request, "projects/detail.html", _detail_context(request, p, **extra))


def _editable(request: AuthedRequest, pk: int) -> Project:
    """The project for a write: 404 outside the scope and for read-only roles, audited."""
    selectors.require_reader(request.user)
    p = selectors.access_project(user=request.user, pk=pk)
    access.require_write(request.user, p, what="项目")
    return p


def _back(p: Project, anchor: str) -> HttpResponse:
    return redirect(reverse("projects:detail", args=[p.pk]) + f"#{anchor}")


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_reader(request.user)
    return _show(request, selectors.access_project(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Register (pk None) or edit a project through `services.do_save_project`; errors next to their fields."""
    selectors.require_reader(request.user)
    instance = _editable(request, pk) if pk else None
    if instance is None:
        access.require_write(request.user, what="项目")
    form = ProjectForm(request.POST or None, user=request.user, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.do_save_project(actor=request.user, project=instance or Project(), data=form.to_data())
        except (ValidationError, PermissionDenied) as e:
            form.add_service_errors(e)
            if instance is not None:  # the service set the typed values on it before refusing
                instance = form.instance = selectors.access_project(user=request.user, pk=instance.pk)
        else:
            rules = project_rules.current()
            if instance is not None:
                messages.success(request, "已保存修改。")
            elif rules.milestones:
                messages.success(request, "项目已登记，节点计划已按政策包生成。")
            else:
                messages.success(request, f"项目已登记（{project_rules.NO_CLOCKS}，按项目日期和四色跟踪）。")
            gaps = services.staffing_gaps(p, rules)
            if gaps:  # XN-XM-6: checked on every save, flagged rather than refused
                messages.warning(request, "请补充包保责任：" + "；".join(gaps) + "。")
            for doubt in plausibility.project_doubts(p):  # issue 13: a believable 预计新增产值
                messages.warning(request, doubt + "。")
            return redirect("projects:detail", pk=p.pk)
    return render(
        request,
        "projects/edit.html",
        {
            "form": form,
            "instance": instance,
            "chain_nodes": selectors.chain_nodes(),
            "rules": project_rules.current(),
        },
    )


@login_required
@require_POST
def milestone(request: AuthedRequest, pk: int, mid: int) -> HttpResponse:
    """Record a milestone's actual date and/or edit its planned date (XN-XM-3); the colour follows (XN-XM-4)."""
    p = _editable(request, pk)
    m = selectors.access_milestone(project=p, pk=mid)
    form = MilestoneForm(request.POST)
    before = p.colour
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.do_record_milestone(
                actor=request.user, milestone=m, actual_on=c["actual_on"], planned_on=c["planned_on"], note=c["note"]
            )
        except (ValidationError, PermissionDenied) as e:
            errors = messages_of(e)
        else:
            p.refresh_from_db()
            msg = f"已保存“{m.name}”。"
            if p.colour != before:
                msg += f"项目由{Colour(before).label}色转为{p.get_colour_display()}色（{p.get_status_display()}）。"
            messages.success(request, msg)
            return _back(p, "milestones")
    else:
        errors = [f"{form.fields[k].label}：{'；'.join(v)}" for k, v in form.errors.items()]
    p = selectors.access_project(user=request.user, pk=pk)  # fresh: a refused write leaves nothing behind
    return _show(request, p, ms_errors={m.pk: errors}, ms_post={m.pk: request.POST})


@login_required
@require_POST
def issue_raise(request: AuthedRequest, pk: int) -> HttpResponse:
    p = _editable(request, pk)
    form = IssueRaiseForm(request.POST)
    if form.is_valid():
        try:
            issue_services.do_raise_issue(
                actor=request.user, project=p, content=form.cleaned_data["content"], on=form.cleaned_data["raised_on"]
            )
        except (ValidationError, PermissionDenied) as e:
            return _show(request, p, raise_form=form, section_errors={"raise": messages_of(e)})
        messages.success(request, "问题已登记，请交办责任单位。")
        return _back(p, "issues")
    return _show(request, p, raise_form=form, section_errors={"raise": _form_errors(form)})


def _form_errors(form: Any) -> list[str]:
    out = []
    for k, v in form.errors.items():
        label = form.fields[k].label if k in form.fields else ""
        out += [f"{label}：{e}" if label else e for e in v]
    return out


@login_required
@require_POST
def issue_action(request: AuthedRequest, issue_pk: int) -> HttpResponse:
    """交办 / 提醒 / 督查 / 销号 of one issue (YY-P-2)."""
    selectors.require_reader(request.user)
    issue = selectors.access_issue(user=request.user, pk=issue_pk)
    p = _editable(request, issue.project_id)
    issue.project = p
    action = request.POST.get("action", "")
    errors: list[str] = []
    try:
        if action == "assign":
            form: Any = IssueAssignForm(request.POST)
            if form.is_valid():
                issue_services.do_assign_issue(
                    actor=request.user,
                    issue=issue,
                    department=form.cleaned_data["department"],
                    due_on=form.cleaned_data["due_on"],
                )
                done = f"已交办{issue.department}，{issue.due_on:%Y-%m-%d}前办结。"
        elif action in ("remind", "supervise"):
            form = IssueFollowForm({"kind": action, "note": request.POST.get("note", "")})
            if form.is_valid():
                issue_services.do_follow_up(
                    actor=request.user, issue=issue, kind=action, note=form.cleaned_data["note"]
                )
                done = "已提醒。" if action == "remind" else "已记录督查情况。"
        elif action == "close":
            form = IssueCloseForm(request.POST, request.FILES)
            if form.is_valid():
                issue_services.do_close_issue(
                    actor=request.user,
                    issue=issue,
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence"],
                    evidence_text=form.cleaned_data["evidence_text"],
                )
                done = "问题已销号。"
        else:
            raise Http404
        if not form.is_valid():
            errors = _form_errors(form)
    except (ValidationError, PermissionDenied) as e:
        errors = messages_of(e)
    if errors:
        if request.POST.get("from") == "list":
            messages.error(request, f"“{issue.content[:20]}”：" + "；".join(errors))
            return _back_to_list(request)
        return _show(request, selectors.access_project(user=request.user, pk=p.pk), issue_errors={issue.pk: errors})
    messages.success(request, done)
    if request.POST.get("from") == "list":
        return _back_to_list(request)
    return _back(p, f"issue-{issue.pk}")


def _back_to_list(request: AuthedRequest) -> HttpResponse:
    qs = request.POST.get("qs", "")
    url = reverse("projects:issues")
    return redirect(f"{url}?{qs}" if qs and "//" not in qs else url)


@login_required
@require_GET
def evidence(request: AuthedRequest, issue_pk: int) -> FileResponse:
    """The evidence file of a closed issue, for users who may see its project (never public media)."""
    selectors.require_reader(request.user)
    issue = selectors.access_issue(user=request.user, pk=issue_pk)
    return evidence_download(request.user, issue, issue.evidence, "下载佐证材料")


@login_required
@require_POST
def exit_project(request: AuthedRequest, pk: int) -> HttpResponse:
    """红色（退出）only with the responsible unit's written explanation (XN-XM-4)."""
    p = _editable(request, pk)
    form = ExitForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.do_exit(actor=request.user, project=p, reason=c["reason"], unit=c["unit"], on=c["on"])
        except (ValidationError, PermissionDenied) as e:
            p = selectors.access_project(user=request.user, pk=pk)
            return _show(request, p, exit_form=form, section_errors={"exit": messages_of(e)})
        messages.success(request, "项目已退出，标为红色。")
        return _back(p, "top")
    return _show(request, p, exit_form=form, section_errors={"exit": _form_errors(form)})


@login_required
@require_POST
def rectify(request: AuthedRequest, pk: int) -> HttpResponse:
    """限期整改 instead of a downgrade for a project behind schedule (XN-XM-5)."""
    p = _editable(request, pk)
    form = RectifyForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.do_set_rectification(actor=request.user, project=p, deadline=c["deadline"], note=c["note"])
        except (ValidationError, PermissionDenied) as e:
            return _show(request, p, rectify_form=form, section_errors={"rectify": messages_of(e)})
        messages.success(request, f"已限期整改至{p.rectify_by:%Y-%m-%d}。")
        return _back(p, "grading")
    return _show(request, p, rectify_form=form, section_errors={"rectify": _form_errors(form)})


# ---------------------------------------------------------------- issues (一单三制)


@login_required
@require_GET
def issues(request: AuthedRequest) -> HttpResponse:
    """All issues in scope: filters, overdue first, and per department the closure rate, days, open and overdue."""
    selectors.require_reader(request.user)
    today = timezone.localdate()
    f = IssueFilter.from_params(request.GET)
    qs = selectors.issue_list(user=request.user, filters=f, today=today)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for i in page:
        i.overdue = selectors.is_overdue(i, today)
    stats_scope = selectors.issue_stats_scope(user=request.user, filters=f, today=today)
    stats = issue_services.issue_stats(stats_scope, today=today)
    return render(
        request,
        "projects/issues.html",
        {
            "filters": f,
            "page": page,
            "stats": stats,
            "today": today,
            "statuses": [("pending", "未销号"), *IssueStatus.choices],
            "departments": selectors.departments(request.user),
            "units": selectors.unit_choices(request.user),
            "can_edit": services.can_edit(request.user),
            "overdue_total": selectors.issue_list(user=request.user, filters=IssueFilter(overdue="1")).count(),
        },
    )


@login_required
@require_GET
def issues_export(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    today = timezone.localdate()
    f = IssueFilter.from_params(request.GET)
    qs = selectors.issue_list(user=request.user, filters=f, today=today)
    statuses = dict(IssueStatus.choices)

    def rows():
        for i in qs.iterator(chunk_size=2000):
            yield (
                i.project.code,
                i.project.name,
                i.project.county.name,
                i.raised_on,
                i.content,
                i.department,
                i.assigned_on,
                i.due_on,
                statuses.get(i.status, i.status),
                "是" if selectors.is_overdue(i, today) else "",
                i.closed_on,
                i.closing_note,
                i.evidence_text or (Path(i.evidence.name).name if i.evidence else ""),
            )

    headers = [
        "项目编号", "项目名称", "区县", "提出日期", "问题", "责任单位", "交办日期", "办结时限", "状态", "逾期",
        "销号日期", "办理结果", "佐证",
    ]  # fmt: skip
    sheet = xlsx.table(headers, rows(), text_columns=[0], widths=ISSUE_WIDTHS, sheet_name="问题清单")
    scope = f.querystring() or "全部"
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出项目问题清单（{scope}）")
    return attachment(sheet, f"项目问题清单_{timezone.localdate():%Y%m%d}.xlsx")

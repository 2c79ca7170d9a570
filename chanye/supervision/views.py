"""督办 pages: the task list with each unit's completion, a task (its units, reports, the report form and the city's
settings), what one unit owes, the export and evidence downloads.

Readers are the city, county/park officers (the tasks their unit shares) and department viewers; others find nothing
(404, audited). Writes go through `chanye.supervision.services`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.core import access, xlsx
from chanye.core.downloads import audited_export, evidence_download
from chanye.core.forms import messages_of
from chanye.supervision import selectors, services
from chanye.supervision.forms import ReportForm, SettingsForm
from chanye.supervision.models import TaskReport, TaskStatus


def _filtered(
    request: AuthedRequest, states: list[selectors.TaskState]
) -> tuple[list[selectors.TaskState], dict[str, str]]:
    """The task states the list's filters keep (status, 重点督办, overdue, a unit, a word), and the filters."""
    f = {k: request.GET.get(k, "") for k in ("status", "key", "overdue", "unit", "q")}
    if f["status"]:
        states = [s for s in states if s.task.status == f["status"]]
    if f["key"] == "1":
        states = [s for s in states if s.task.is_key]
    if f["overdue"] == "1":
        states = [s for s in states if s.overdue]
    if f["unit"]:
        states = [s for s in states if any(u.unit.key == f["unit"] for u in s.units)]
    if f["q"]:
        states = [s for s in states if f["q"] in s.task.label or f["q"] in s.task.code]
    return states, f


@login_required
@require_GET
def task_list(request: AuthedRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    all_states = selectors.task_states(request.user, timezone.localdate())
    states, f = _filtered(request, all_states)
    completion = selectors.unit_completion(all_states)
    querystring = urlencode({k: v for k, v in f.items() if v})
    return render(
        request,
        "supervision/list.html",
        {
            "states": states,
            "completion": completion,
            "filters": f,
            "querystring": querystring,
            "statuses": TaskStatus.choices,
            "overdue_total": sum(1 for s in all_states if s.overdue),
            "total": len(all_states),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: AuthedRequest, code: str) -> HttpResponse:
    selectors.require_reader(request.user)
    task = selectors.access_task(user=request.user, code=code)
    state = selectors.task_state(task, timezone.localdate())
    mine = [u.unit for u in state.units if services.can_report(request.user, u.unit)]
    report_form = ReportForm(units=mine)
    settings_form = SettingsForm(
        initial={"status": task.status, "deadline": task.deadline, "cadence": task.cadence, "is_key": task.is_key}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "report":
            if not mine:
                access.deny(request.user, what="督办任务", obj=task)
            report_form = ReportForm(request.POST, request.FILES, units=mine)
            if report_form.is_valid():
                d = report_form.cleaned_data
                try:
                    services.do_report_progress(
                        actor=request.user, unit=d["unit"], text=d["text"], evidence=d["evidence"], on=d["on"]
                    )
                except (ValidationError, PermissionDenied) as e:
                    for m in messages_of(e):
                        report_form.add_error(None, m)
                else:
                    messages.success(request, "已报送进展。")
                    return redirect("supervision:detail", code=code)
        elif action == "settings":
            if not services.can_manage(request.user):
                access.deny(request.user, what="督办任务", obj=task)
            settings_form = SettingsForm(request.POST)
            if settings_form.is_valid():
                d = settings_form.cleaned_data
                try:
                    services.do_update_task(
                        actor=request.user,
                        task=task,
                        status=d["status"],
                        deadline=d["deadline"],
                        cadence=d["cadence"] or "",
                        is_key=d["is_key"],
                    )
                except (ValidationError, PermissionDenied) as e:
                    for m in messages_of(e):
                        settings_form.add_error(None, m)
                else:
                    messages.success(request, "已保存督办设置。")
                    return redirect("supervision:detail", code=code)
    reports = sorted(task.reports.all(), key=lambda r: (r.on, r.created_at), reverse=True)
    return render(
        request,
        "supervision/detail.html",
        {
            "task": task,
            "state": state,
            "reports": reports,
            "report_form": report_form if mine else None,
            "settings_form": settings_form if services.can_manage(request.user) else None,
        },
    )


@login_required
@require_GET
def unit_page(request: AuthedRequest, key: str) -> HttpResponse:
    """What one responsible unit owes: every task it shares, its last report and whether it is overdue."""
    selectors.require_reader(request.user)
    if access.is_officer(request.user) and key != f"r{access.unit_id(request.user)}":
        access.deny(request.user, what="责任单位", object_type="supervision.taskunit", object_id=key)
        raise Http404("责任单位不存在或不在您的权限范围内")
    states = selectors.task_states(request.user, timezone.localdate())
    rows = selectors.states_of_unit(states, key)
    if not rows:
        raise Http404("该单位没有承担的督办任务")
    completion = next(c for c in selectors.unit_completion([st for st, _ in rows]) if c.key == key)
    return render(request, "supervision/unit.html", {"rows": rows, "unit": completion})


EXPORT_HEADERS = [
    "编号",
    "任务",
    "规则",
    "责任单位",
    "牵头",
    "状态",
    "重点督办",
    "完成时限",
    "报送频次",
    "最近报送",
    "最近进展",
    "是否逾期",
]


@login_required
@require_GET
def task_export(request: AuthedRequest) -> HttpResponse:
    """The filtered task list as .xlsx, one row per task and responsible unit."""
    selectors.require_reader(request.user)
    states, f = _filtered(request, selectors.task_states(request.user, timezone.localdate()))
    rows = []
    for st in states:
        t = st.task
        for us in st.units:
            rows.append(
                [
                    t.code,
                    t.label,
                    t.rule,
                    us.unit.name,
                    "牵头" if us.unit.is_lead else "",
                    t.get_status_display(),
                    "是" if t.is_key else "",
                    t.deadline,
                    t.get_cadence_display(),
                    us.last.on if us.last else None,
                    us.last.text if us.last else "",
                    "逾期" if (us.overdue or st.past_deadline) else "",
                ]
            )
    data = xlsx.table(
        EXPORT_HEADERS,
        rows,
        title=f"督办任务（导出于 {timezone.localdate():%Y-%m-%d}）",
        text_columns=(0,),
        widths=[12, 40, 12, 24, 6, 8, 8, 12, 8, 12, 50, 8],
        sheet_name="督办任务",
    )
    which = "&".join(f"{k}={v}" for k, v in f.items() if v) or "全部"
    return audited_export(request.user, data, "督办任务", f"导出督办任务（{which}）")


@login_required
@require_GET
def evidence(request: AuthedRequest, pk: int) -> FileResponse:
    """A progress report's evidence file, for users who may see its task (never public media)."""
    selectors.require_reader(request.user)
    report = access.get(TaskReport, request.user, what="进展报送", pk=pk, task__is_active=True)
    return evidence_download(request.user, report, report.evidence, "下载任务佐证材料")

"""Alert workflow: acknowledge → support actions (帮扶) → resolve; or dismiss with a reason. Candidate pool entries
(手工纳入, XN-GS-4/5) and removals. Audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.models import AuditAction
from chanye.cultivation.models import (
    TRANSITIONS,
    Alert,
    AlertStatus,
    AnalysisRun,
    Candidate,
    CandidateSource,
    SupportAction,
)
from chanye.cultivation.selectors import revenue_12m
from chanye.enterprises.models import Enterprise


def _check(actor: Any, alert: Alert) -> None:
    if not access.can_write(actor):
        raise PermissionDenied("无权处理预警。")
    if not access.in_scope(actor, alert):
        raise PermissionDenied("无权处理该预警。")


def do_transition(*, actor: Any, alert: Alert, to: str, reason: str = "") -> Alert:
    """Move an alert along its workflow; steps out of order are refused with a Chinese reason."""
    _check(actor, alert)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        current = AlertStatus(alert.status)
        target = AlertStatus(to)
        if target not in TRANSITIONS[current]:
            allowed = "、".join(s.label for s in TRANSITIONS[current]) or "无（已关闭）"
            raise ValidationError(f"预警当前为“{current.label}”，不能直接改为“{target.label}”；可改为：{allowed}。")
        if target in (AlertStatus.DISMISSED, AlertStatus.RESOLVED) and not reason.strip():
            raise ValidationError("办结或排除须填写说明。")
        if target == AlertStatus.RESOLVED and alert.kind == "exit_risk" and not alert.actions.exists():
            raise ValidationError("退规风险预警须先记录帮扶措施再办结。")
        before = {"status": alert.status, "reason": alert.reason}
        alert.status, alert.reason = target, reason.strip() or alert.reason
        alert.save(update_fields=["status", "reason", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=alert,
            before=before,
            after={"status": alert.status, "reason": alert.reason},
            message=f"预警{target.label}",
        )
    return alert


def do_add_support(*, actor: Any, alert: Alert, description: str, on: dt.date | None = None) -> SupportAction:
    """Record a support action; an acknowledged alert moves to 帮扶中."""
    _check(actor, alert)
    if not description.strip():
        raise ValidationError("请填写帮扶内容。")
    if alert.status not in (AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING):
        raise ValidationError("请先签收预警，再记录帮扶。")
    with transaction.atomic():
        action = SupportAction.objects.create(
            alert=alert,
            on=on or timezone.localdate(),
            description=description.strip(),
            by=actor if getattr(actor, "pk", None) else None,
        )
        if alert.status == AlertStatus.ACKNOWLEDGED:
            alert.status = AlertStatus.SUPPORTING
            alert.save(update_fields=["status", "updated_at"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=alert,
                before={"status": AlertStatus.ACKNOWLEDGED},
                after={"status": alert.status},
                message="预警帮扶中",
            )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=action,
            object_repr=f"{alert} 帮扶",
            after={"on": action.on, "description": action.description},
        )
    return action


# --- The candidate pool (拟进规培育库, XN-GS-4/5): manual entries and removals ---------------------------------


def _check_pool_actor(actor: Any) -> None:
    if not access.can_write(actor):
        raise PermissionDenied("无权维护培育库。")


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def do_add_candidate(
    *,
    actor: Any,
    enterprise: Enterprise,
    planned_entry: dt.date,
    today: dt.date | None = None,
    source: str = CandidateSource.MANUAL,
) -> Candidate:
    """Put a firm of the actor's unit into the candidate pool by hand (XN-GS-4/5, 手工纳入) with its planned month.

    Refused for a 规上 firm, a firm already in the pool by hand, and a planned month already past. A firm already in
    the pool from the monthly analysis (营收达1000万元, 新投产项目) keeps that candidacy; only its planned month is set.
    """
    _check_pool_actor(actor)
    if source not in (CandidateSource.MANUAL, CandidateSource.PROJECT):
        raise ValidationError("入库依据应为“手工纳入”或“新投产项目”。")
    if not access.in_scope(actor, enterprise):
        raise PermissionDenied("该企业不在您的权限范围内。")
    this_month = _month_start(today or timezone.localdate())
    planned = _month_start(planned_entry)
    if planned < this_month:
        raise ValidationError(f"计划入规时间不能早于本月（{this_month.year}年{this_month.month}月）。")
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.is_above_scale:
            raise ValidationError(f"“{enterprise.name}”已是规上企业，无需纳入培育库。")
        current = Candidate.objects.filter(enterprise=enterprise, left_on__isnull=True).first()
        if current is not None and current.source != CandidateSource.REVENUE:
            raise ValidationError(
                f"“{enterprise.name}”已在培育库中（{current.added_month.year}年{current.added_month.month}月"
                f"{current.get_source_display()}），不能重复纳入。"
            )
        if current is not None:
            before = {"planned_entry": current.planned_entry}
            current.planned_entry = planned
            current.save(update_fields=["planned_entry"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=current,
                before=before,
                after={"planned_entry": planned},
                message="培育库企业设置计划入规时间",
            )
            return current
        candidate = Candidate.objects.create(
            enterprise=enterprise,
            source=source,
            added_month=this_month,
            revenue_12m=revenue_12m(enterprise=enterprise),
            planned_entry=planned,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=candidate,
            after=audit.snapshot(candidate),
            message=f"纳入培育库（{candidate.get_source_display()}）",
        )
    return candidate


def do_remove_candidate(*, actor: Any, candidate: Candidate, reason: str, today: dt.date | None = None) -> Candidate:
    """Take a firm out of the candidate pool (出库) with a reason; the candidacy is kept with its leaving date."""
    _check_pool_actor(actor)
    if not access.in_scope(actor, candidate):
        raise PermissionDenied("该企业不在您的权限范围内。")
    reason = reason.strip()
    if not reason:
        raise ValidationError("出库须填写原因。")
    max_length = Candidate._meta.get_field("left_reason").max_length or 100
    if len(reason) > max_length:
        raise ValidationError(f"出库原因不能超过{max_length}个字。")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().select_related("enterprise").get(pk=candidate.pk)
        if candidate.left_on is not None:
            raise ValidationError(f"“{candidate.enterprise.name}”已于{candidate.left_on:%Y-%m-%d}出库。")
        candidate.left_on, candidate.left_reason = today or timezone.localdate(), reason
        candidate.save(update_fields=["left_on", "left_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=candidate,
            before={"left_on": None, "left_reason": ""},
            after={"left_on": candidate.left_on, "left_reason": reason},
            message="移出培育库",
        )
    return candidate


def do_start_analysis(*, actor: Any, month: dt.date) -> AnalysisRun:
    """Run a month's analysis from the web (city admins): a background job whose stage the page shows.

    Refused while another run is working (runs rewrite the same alerts) and for a month without figures."""
    from django.utils import timezone

    from chanye.core import jobs
    from chanye.enterprises.models import MonthlyFigure

    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以运行月度分析。")
    month = _month_start(month)
    if not MonthlyFigure.objects.filter(month=month).exists():
        raise ValidationError(f"{month.year}年{month.month}月还没有月度数据，请先导入。")
    stale = timezone.now() - dt.timedelta(hours=1)  # a run that died with its process does not block for ever
    with transaction.atomic():
        busy = AnalysisRun.objects.select_for_update().filter(status=AnalysisRun.Status.RUNNING, finished_at__gt=stale)
        if busy.exists():
            raise ValidationError(f"{busy.first().month:%Y-%m} 的月度分析正在进行，请稍后再试。")
        run, _ = AnalysisRun.objects.update_or_create(
            month=month, defaults={"status": AnalysisRun.Status.RUNNING, "stage": "排队", "error": ""}
        )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=run, message=f"运行 {month:%Y-%m} 月度分析")
    jobs.start(_run_analysis, run.pk)
    run.refresh_from_db()
    return run


def _run_analysis(run_pk: int) -> None:
    from chanye.cultivation.analysis import analyze

    run = AnalysisRun.objects.get(pk=run_pk)

    def progress(stage: str) -> None:
        AnalysisRun.objects.filter(pk=run_pk).update(stage=stage)

    try:
        analyze(run.month, progress=progress)
    except Exception as e:  # shown on the page instead of a stack trace; the log keeps the details
        import logging

        logging.getLogger(__name__).exception("analysis failed")
        AnalysisRun.objects.filter(pk=run_pk).update(
            status=AnalysisRun.Status.FAILED,
            stage="",
            error=f"分析失败（{e}），详细原因已写入系统日志，请联系系统管理员"[:300],
        )

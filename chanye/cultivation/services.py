"""Alert workflow: acknowledge → support actions (帮扶) → resolve; or dismiss with a reason. Candidate pool entries
(手工纳入, XN-GS-4/5) and removals. Storing the monthly analysis (XN-GS-4/5/6/7). Audited."""

from __future__ import annotations

import datetime as dt
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from chanye.core import access, audit, hooks
from chanye.core.access import Actor
from chanye.core.dates import month_end
from chanye.core.models import AuditAction
from chanye.cultivation.models import (
    TRANSITIONS,
    Alert,
    AlertKind,
    AlertStatus,
    AnalysisRun,
    Candidate,
    CandidateSource,
    SupportAction,
)
from chanye.cultivation.selectors import revenue_12m
from chanye.enterprises.choices import FigureSource
from chanye.enterprises.models import Enterprise


def _check(actor: Actor, alert: Alert) -> None:
    if not access.can_write(actor):
        raise PermissionDenied("无权处理预警。")
    if not access.in_scope(actor, alert):
        raise PermissionDenied("无权处理该预警。")


def do_transition(*, actor: Actor, alert: Alert, to: str, reason: str = "") -> Alert:
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


def do_add_support(*, actor: Actor, alert: Alert, description: str, on: dt.date | None = None) -> SupportAction:
    """Record a support action (帮扶) on the day it happened (`on`, not after today; default today). An open or
    acknowledged alert moves to 帮扶中: recording support is taking the alert on (issue 13: officers visit first and
    record afterwards, without a separate 签收 step)."""
    _check(actor, alert)
    if not description.strip():
        raise ValidationError("请填写帮扶内容。")
    if alert.status not in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING):
        raise ValidationError("该预警已办结或排除，不能再记录帮扶。")
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError("帮扶日期不能晚于今天。")
    with transaction.atomic():
        action = SupportAction.objects.create(
            alert=alert,
            on=on or timezone.localdate(),
            description=description.strip(),
            by=access.user_row(actor),
        )
        if alert.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED):
            before = alert.status
            alert.status = AlertStatus.SUPPORTING
            alert.save(update_fields=["status", "updated_at"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=alert,
                before={"status": before},
                after={"status": alert.status},
                message="预警帮扶中" + ("（记录帮扶即签收）" if before == AlertStatus.OPEN else ""),
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


def _check_pool_actor(actor: Actor) -> None:
    if not access.can_write(actor):
        raise PermissionDenied("无权维护培育库。")


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def do_add_candidate(
    *,
    actor: Actor,
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


def do_remove_candidate(*, actor: Actor, candidate: Candidate, reason: str, today: dt.date | None = None) -> Candidate:
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


def do_start_analysis(*, actor: Actor, month: dt.date) -> AnalysisRun:
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
    jobs.start(_run_analysis, run.pk, actor_pk=actor.pk)
    run.refresh_from_db()
    return run


def _run_analysis(run_pk: int, *, actor_pk: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    from chanye.cultivation.analysis import analyze

    run = AnalysisRun.objects.get(pk=run_pk)
    actor = get_user_model().objects.filter(pk=actor_pk).first() if actor_pk else access.SYSTEM

    def progress(stage: str) -> None:
        AnalysisRun.objects.filter(pk=run_pk).update(stage=stage)

    try:
        analyze(run.month, actor=actor, progress=progress)
    except Exception as e:  # shown on the page instead of a stack trace; the log keeps the details
        import logging

        logging.getLogger(__name__).exception("analysis failed")
        AnalysisRun.objects.filter(pk=run_pk).update(
            status=AnalysisRun.Status.FAILED,
            stage="",
            error=f"分析失败（{e}），详细原因已写入系统日志，请联系系统管理员"[:300],
        )


# --- Storing the monthly analysis (chanye analyze, XN-GS-4/5/6/7) ----------------------------------------------------

OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING)
THRESHOLD_KINDS = (AlertKind.APPROACH, AlertKind.REACHED)
_CHUNK = 500  # ids per IN (…) list: well under SQLite's limit on query parameters


def _wan(v: Any) -> str:
    """A 万元 figure for a sentence: one decimal, rounded half up (四舍五入) from the figure to 4 decimals."""
    if v is None or v != v:
        return "—"
    return f"{Decimal(str(round(float(v), 4))).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}"


def _dec(v: Any) -> Decimal | None:
    if v is None or v != v:
        return None
    return Decimal(str(round(float(v), 4)))


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _insert(model: type[models.Model], rows: list[dict[str, Any]], *, skip_existing: bool = False) -> None:
    """Insert rows (field name → value, every row the same fields) in one bulk statement.

    On PostgreSQL the rows go through COPY (with `skip_existing`, into a staging table and then
    `INSERT … ON CONFLICT DO NOTHING`): no model instance per row. Elsewhere `bulk_create`. Timestamps with
    auto_now/auto_now_add are filled in here, as `save()` would."""
    if not rows:
        return
    now = timezone.now()
    stamps = [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    rows = [{**r, **dict.fromkeys(stamps, now)} for r in rows]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**r) for r in rows], batch_size=2000, ignore_conflicts=skip_existing)
        return
    fields = list(rows[0])
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    target = qn("cultivation_staging") if skip_existing else table
    with connection.cursor() as cur:
        if skip_existing:
            cur.execute(f"CREATE TEMP TABLE {target} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        with cur.cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([r[f] for f in fields])
        if skip_existing:
            cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} ON CONFLICT DO NOTHING")
            cur.execute(f"DROP TABLE {target}")


def _store_threshold_alerts(month: dt.date, rows: list[dict[str, Any]], line: Decimal, counts: dict[str, int]) -> None:
    """XN-GS-6: one reminder per firm until it enters 规上 or is dismissed. A firm with an open reminder of the same
    kind has its figures brought up to date (written only if they changed); a firm that reached the line closes its
    "approaching" reminder; firms dismissed this year are not reminded again of the same kind."""
    now = timezone.now()
    counts["auto_resolved"] = Alert.objects.filter(
        kind__in=THRESHOLD_KINDS, enterprise__is_above_scale=True, status__in=OPEN_STATUSES
    ).update(status=AlertStatus.RESOLVED, reason="已入规", updated_at=now)
    # Keyed by firm and kind; with several open ones (not raised by this analysis) the oldest month wins, as before.
    open_thr = {
        (eid, kind): (pk, measure, detail)
        for pk, eid, kind, measure, detail in Alert.objects.filter(
            kind__in=THRESHOLD_KINDS, status__in=OPEN_STATUSES
        ).values_list("pk", "enterprise_id", "kind", "measure", "detail")
    }
    dismissed = set(
        Alert.objects.filter(
            kind__in=THRESHOLD_KINDS, status=AlertStatus.DISMISSED, month__year=month.year
        ).values_list("enterprise_id", "kind")
    )
    this_month = set(Alert.objects.filter(kind__in=THRESHOLD_KINDS, month=month).values_list("enterprise_id", "kind"))
    above = set(Enterprise.objects.filter(is_above_scale=True).values_list("pk", flat=True))
    changed: list[Alert] = []
    superseded: list[int] = []
    new: list[dict[str, Any]] = []
    for r in rows:
        eid = int(r["id"])
        if eid in above:
            continue
        best = Decimal(str(round(float(r["best"]), 4)))
        kind = AlertKind.REACHED if best >= line else AlertKind.APPROACH
        if (eid, kind) in dismissed:
            continue
        source = r.get("invoice_source") or "tax"
        named = "" if source == "tax" else f"（{FigureSource(source).label}来源，无税务数据）"
        detail = (
            f"近12个月开票销售额{named} {_wan(r['invoice_12m'])} 万元，本年累计 {_wan(r['invoice_ytd'])} 万元；"
            f"规上门槛 {line.normalize():f} 万元"
        )
        existing = open_thr.get((eid, kind))
        if existing:
            pk, measure, old_detail = existing
            if measure != best or old_detail != detail:
                changed.append(Alert(pk=pk, measure=best, detail=detail, updated_at=now))
            else:
                counts["unchanged"] += 1
            continue
        if kind == AlertKind.REACHED and (eid, AlertKind.APPROACH) in open_thr:
            superseded.append(open_thr[(eid, AlertKind.APPROACH)][0])
        if (eid, kind) in this_month:  # raised this month and since closed: nothing to add
            counts["unchanged"] += 1
            continue
        new.append(_alert(kind=kind, enterprise_id=eid, month=month, measure=best, threshold=line, detail=detail))
        counts[kind] += 1
    Alert.objects.bulk_update(changed, ["measure", "detail", "updated_at"], batch_size=_CHUNK)
    counts["updated"] = len(changed)
    for ids in _chunks(superseded):
        counts["superseded"] += Alert.objects.filter(pk__in=ids).update(
            status=AlertStatus.RESOLVED, reason="已达到门槛，转为“达到规上门槛”提醒", updated_at=now
        )
    _insert(Alert, new, skip_existing=True)


def _alert(**values: Any) -> dict[str, Any]:
    """A new alert's row, every column given (as `_insert` needs them alike)."""
    return {
        "reference": None,
        "change_pct": None,
        "status": AlertStatus.OPEN,
        "reason": "",
        "rule": "XN-GS-6",
        **values,
    }


def _store_exit_risk_alerts(
    month: dt.date, rows: list[dict[str, Any]], exit_output: Decimal, counts: dict[str, int]
) -> None:
    """XN-GS-7: one warning per firm and month; a warning already raised for the month is left as it is."""
    have = set(Alert.objects.filter(kind=AlertKind.EXIT_RISK, month=month).values_list("enterprise_id", flat=True))
    new = []
    for r in rows:
        eid = int(r["id"])
        if eid in have:
            counts["unchanged"] += 1
            continue
        detail = (
            f"本月产值 {_wan(r['this_month'])} 万元，上年同月 {_wan(r['same_month_last_year'])} 万元，"
            f"下降 {round(float(r['decline']), 1)}%；上年产值 {_wan(r['prev_year'])} 万元"
        )
        new.append(
            _alert(
                kind=AlertKind.EXIT_RISK,
                enterprise_id=eid,
                month=month,
                measure=_dec(r["this_month"]),
                reference=_dec(r["same_month_last_year"]),
                change_pct=Decimal(str(round(-float(r["decline"]), 2))),
                threshold=exit_output,
                detail=detail,
                rule="XN-GS-7",
            )
        )
    _insert(Alert, new, skip_existing=True)
    counts["exit_risk"] = len(new)


def _candidate(*, enterprise_id: int, source: str, month: dt.date, revenue: Decimal | None) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise_id,
        "source": source,
        "added_month": month,
        "revenue_12m": revenue,
        "planned_entry": None,
        "left_on": None,
        "left_reason": "",
    }


def _store_candidates(month: dt.date, rows: list[dict[str, Any]], counts: dict[str, int]) -> None:
    """XN-GS-4/5: firms not 规上 with 12-month revenue at the line, and firms whose project went into production in
    the last 12 months (新投产工业项目), join the pool; firms that entered 规上 leave it."""
    in_pool = set(Candidate.objects.filter(left_on__isnull=True).values_list("enterprise_id", flat=True))
    # A firm an officer took out of the pool by hand (with a reason) stays out for the rest of that year.
    in_pool |= set(
        Candidate.objects.filter(left_on__year=month.year)
        .exclude(left_reason="已入规")
        .values_list("enterprise_id", flat=True)
    )
    new = [
        _candidate(
            enterprise_id=int(r["id"]), source=CandidateSource.REVENUE, month=month, revenue=_dec(r["revenue_12m"])
        )
        for r in rows
        if int(r["id"]) not in in_pool
    ]
    taken = in_pool | {c["enterprise_id"] for c in new}
    since = dt.date(month.year - 1, month.month, 1)
    producing = set().union(*hooks.producing_enterprises(since, month_end(month)))  # from the project library
    for eid in sorted(Enterprise.objects.filter(pk__in=producing, is_above_scale=False).values_list("pk", flat=True)):
        if eid not in taken:
            new.append(_candidate(enterprise_id=eid, source=CandidateSource.PROJECT, month=month, revenue=None))
            taken.add(eid)
    _insert(Candidate, new)
    counts["candidates_added"] = len(new)
    counts["candidates_left"] = Candidate.objects.filter(left_on__isnull=True, enterprise__is_above_scale=True).update(
        left_on=month_end(month), left_reason="已入规"
    )


def do_store_analysis(
    *,
    actor: Actor,
    month: dt.date,
    threshold: list[dict[str, Any]],
    exit_risk: list[dict[str, Any]],
    candidates: list[dict[str, Any]],
    params: dict[str, Any],
    started: float | None = None,
) -> dict[str, int]:
    """Store what a month's analysis found (`chanye.cultivation.analysis.compute`) as `actor` (None: the system).

    One transaction, bulk writes (no statement per alert), the month's `AnalysisRun` with its counts, and ONE audit
    row for the run summarising it (new / updated / unchanged / closed alerts, pool entries and exits) instead of a
    row per alert. Idempotent: storing the same findings again writes no alert or candidate and counts them as
    unchanged. `started` (a `time.perf_counter()` value) dates the run for its recorded duration. Only the system
    (the command, the monthly job) or a city administrator (a run started from the web) stores an analysis.
    """
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以运行月度分析。")
    started = time.perf_counter() if started is None else started
    counts = dict.fromkeys(
        [
            "approach",
            "reached",
            "exit_risk",
            "updated",
            "unchanged",
            "auto_resolved",
            "superseded",
            "candidates_added",
            "candidates_left",
        ],
        0,
    )
    with transaction.atomic():
        _store_threshold_alerts(month, threshold, Decimal(str(params["above_line"])), counts)
        _store_candidates(month, candidates, counts)
        _store_exit_risk_alerts(month, exit_risk, Decimal(str(params["exit_output"])), counts)
        run, _ = AnalysisRun.objects.update_or_create(
            month=month,
            defaults={
                "counts": counts,
                "seconds": time.perf_counter() - started,
                "status": AnalysisRun.Status.DONE,
                "stage": "",
                "error": "",
            },
        )
        new = counts["approach"] + counts["reached"] + counts["exit_risk"]
        closed = counts["auto_resolved"] + counts["superseded"]
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=run,
            after={"month": month, **counts},
            message=(
                f"{month:%Y-%m} 月度分析：新增预警 {new} 条，更新 {counts['updated']} 条，"
                f"未变 {counts['unchanged']} 条，办结 {closed} 条；"
                f"培育库新增 {counts['candidates_added']} 家，出库 {counts['candidates_left']} 家"
            ),
        )
    return counts

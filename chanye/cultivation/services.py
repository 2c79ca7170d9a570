"""Alert workflow: acknowledge → support actions (帮扶) → resolve; or dismiss with a reason. Audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chanye.accounts.models import Role
from chanye.core import audit
from chanye.core.models import AuditAction
from chanye.cultivation.models import TRANSITIONS, Alert, AlertStatus, SupportAction


def _check(actor: Any, alert: Alert) -> None:
    if getattr(actor, "role", None) not in (Role.CITY_ADMIN, Role.COUNTY_OFFICER):
        raise PermissionDenied("无权处理预警。")
    if not Alert.objects.for_user(actor).filter(pk=alert.pk).exists():
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
            on=on or dt.date.today(),
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

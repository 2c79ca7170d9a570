"""Writes for targets: reported indicator values (for indicators the platform cannot compute)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.industry.models import Target
from chanye.targets.models import IndicatorValue


def can_report(actor: Actor, target: Target) -> bool:
    """The city reports any target's figure; a county/park officer only their own unit's targets."""
    if access.is_city_admin(actor):
        return True
    return access.can_write(actor) and target.region_id is not None and target.region_id == access.unit_id(actor)


def do_report_value(*, actor: Actor, target: Target, period: dt.date, value: Decimal, note: str) -> IndicatorValue:
    """Record a department's figure for a target's indicator and scope (e.g. 技改投资 from 统计局)."""
    if not can_report(actor, target):
        raise PermissionDenied("只能报送本单位的目标数据。" if access.unit_id(actor) else "无权报送目标数据。")
    key = target.series_key
    with transaction.atomic():
        existing = IndicatorValue.objects.filter(
            indicator=target.indicator,
            params_key=key,
            period=period,
            region_id=target.region_id,
            cluster_id=target.cluster_id,
            source=IndicatorValue.Source.REPORTED,
        ).first()
        before = audit.snapshot(existing, ["value", "source_note"]) if existing else None
        if existing is None:
            existing = IndicatorValue(
                indicator=target.indicator,
                params_key=key,
                period=period,
                region_id=target.region_id,
                cluster_id=target.cluster_id,
                source=IndicatorValue.Source.REPORTED,
            )
        existing.value, existing.source_note = value, note
        existing.reported_by = access.user_row(actor)
        existing.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=existing,
            object_repr=f"{target.label} {period:%Y-%m}",
            before=before,
            after=audit.snapshot(existing, ["value", "source_note"]),
            message=f"报送目标数据（{target.rule}）",
        )
    return existing

"""What every ledger of a chain leader shares (RULES.md §3): who may keep it (city admins, and county officers for the
leaders in their scope; viewers only read), that the leader is listed, amounts as people type them, and marking the
leaders' indicators stale when a ledger changes (they are recomputed and stored by targets).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core import access, indicators
from chanye.core.access import Actor
from chanye.cultivation.models import ChainLeader, LeaderStatus


def can_edit(actor: Actor, leader: ChainLeader) -> bool:
    """City admins, and county officers for leaders in their scope, keep the ledgers; viewers only read."""
    return access.can_write(actor, leader)


def require_editor(actor: Actor, leader: ChainLeader) -> None:
    if not can_edit(actor, leader):
        raise PermissionDenied("无权维护该链主企业的台账。")


def require_listed(leader: ChainLeader) -> None:
    if leader.status != LeaderStatus.LISTED:
        raise ValidationError(f"{leader.enterprise.name}目前不在链主企业库中（{leader.get_status_display()}）。")


def money(value: Any, label: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。")
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except Exception as e:
        raise ValidationError(f"{label}“{value}”不是数字。") from e
    if d < 0 or not d.is_finite():
        raise ValidationError(f"{label}不能为负数。")
    return d


def refresh_leader_indicators(year: int) -> None:
    """The leaders' ledger changed: their indicators of `year` are recomputed and stored (by targets)."""
    indicators.stale("chain_leaders", year=year)

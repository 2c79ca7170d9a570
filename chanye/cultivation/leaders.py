"""Chain-leader selection (XN-LZ-1, XN-LZ-9): application → scored review by several reviewers → public notice
(with objections) → approval → the official list (链主企业库); revocation with a reason. The pack's `chain_leaders`
section sets the criteria and weights, the number of reviewers, the pass score, the notice length and the 1–3 leaders
allowed per key industry. Steps out of order are refused with a Chinese reason; every step is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.cultivation.models import ChainLeader, LeaderObjection, LeaderReview, LeaderStatus
from chanye.enterprises.choices import HonourKind
from chanye.enterprises.models import Enterprise, Honour
from chanye.industry.models import Industry
from chanye.industry.selectors import active_pack


def config() -> dict[str, Any]:
    pack = active_pack()
    cfg = (pack.content or {}).get("chain_leaders") if pack else None
    if not cfg:
        raise ValidationError("当前政策包没有配置链主企业遴选（chain_leaders）。")
    return cfg


def _admin(actor: Actor) -> None:
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以办理链主企业遴选。")


def can_review(actor: Actor) -> bool:
    """Reviewers score with the city's accounts: viewers are read-only everywhere (README), so a department expert
    who reviews is given a city account for the review, not a viewer's."""
    return access.is_city_admin(actor)


def _step(leader: ChainLeader, expected: str, action: str) -> None:
    if leader.status != expected:
        raise ValidationError(
            f"“{leader.get_status_display()}”状态下不能{action}（应为“{LeaderStatus(expected).label}”）。"
        )


def _log(actor: Actor, leader: ChainLeader, before: str, message: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=leader,
        before={"status": before},
        after={"status": leader.status, "score": leader.score},
        message=message,
    )


@transaction.atomic
def do_apply(*, actor: Actor, enterprise: Enterprise, industry: Industry, on: dt.date | None = None) -> ChainLeader:
    if not access.can_write(actor):
        raise PermissionDenied("无权申报链主企业。")
    if not access.in_scope(actor, enterprise):
        raise PermissionDenied("无权申报该企业。")
    active = [LeaderStatus.APPLIED, LeaderStatus.REVIEWING, LeaderStatus.NOTICE, LeaderStatus.LISTED]
    if ChainLeader.objects.filter(enterprise=enterprise, industry=industry, status__in=active).exists():
        raise ValidationError("该企业在该产业已有申报或已是链主企业。")
    leader = ChainLeader.objects.create(enterprise=enterprise, industry=industry, applied_on=on or timezone.localdate())
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=leader,
        after={"status": leader.status},
        message=f"申报{industry.name}链主企业",
    )
    return leader


@transaction.atomic
def do_start_review(*, actor: Actor, leader: ChainLeader) -> ChainLeader:
    _admin(actor)
    _step(leader, LeaderStatus.APPLIED, "开始评审")
    leader.status = LeaderStatus.REVIEWING
    leader.save(update_fields=["status"])
    _log(actor, leader, LeaderStatus.APPLIED, "开始评审")
    return leader


@transaction.atomic
def do_score(*, actor: Actor, leader: ChainLeader, scores: dict[str, Decimal]) -> LeaderReview:
    """A reviewer's scores (0–100 per criterion); the weighted total uses the pack's weights."""
    if not can_review(actor):
        raise PermissionDenied("无权评审。")
    _step(leader, LeaderStatus.REVIEWING, "评分")
    criteria = config()["criteria"]
    codes = {c["code"] for c in criteria}
    missing = codes - scores.keys()
    if missing:
        raise ValidationError("缺少评分项：" + "、".join(c["label"] for c in criteria if c["code"] in missing))
    for code, v in scores.items():
        if code not in codes:
            raise ValidationError(f"未知评分项：{code}")
        if not Decimal(0) <= Decimal(v) <= Decimal(100):
            raise ValidationError("每项得分应在0—100之间。")
    total = sum(Decimal(str(c["weight"])) * Decimal(scores[c["code"]]) for c in criteria) / Decimal(100)
    review, _ = LeaderReview.objects.update_or_create(
        leader=leader, reviewer=actor, defaults={"scores": {k: str(v) for k, v in scores.items()}, "total": total}
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=leader,
        after={"reviewer": actor.username, "total": str(total)},
        message="评审打分",
    )
    return review


@transaction.atomic
def do_start_notice(*, actor: Actor, leader: ChainLeader, start: dt.date, end: dt.date) -> ChainLeader:
    """Close the review (enough reviewers, average at least the pass score) and publish the notice."""
    _admin(actor)
    _step(leader, LeaderStatus.REVIEWING, "公示")
    cfg = config()
    reviews = list(leader.reviews.all())
    if len(reviews) < int(cfg.get("min_reviewers", 3)):
        raise ValidationError(f"评审人数不足：需要至少{cfg.get('min_reviewers', 3)}位评审，目前{len(reviews)}位。")
    leader.score = (sum(r.total for r in reviews) / len(reviews)).quantize(Decimal("0.01"))
    before = leader.status
    if leader.score < Decimal(str(cfg.get("pass_score", 60))):
        leader.status, leader.reason = (
            LeaderStatus.REJECTED,
            f"评审平均分{leader.score}，低于{cfg.get('pass_score', 60)}分",
        )
        leader.save(update_fields=["status", "score", "reason"])
        _log(actor, leader, before, "评审未通过")
        return leader
    days = int(cfg.get("notice_days", 5))
    if (end - start).days + 1 < days:
        raise ValidationError(
            f"公示期不少于{days}天（{start:%Y-%m-%d}至{end:%Y-%m-%d}只有{(end - start).days + 1}天）。"
        )
    leader.status, leader.notice_start, leader.notice_end = LeaderStatus.NOTICE, start, end
    leader.save(update_fields=["status", "score", "notice_start", "notice_end"])
    _log(actor, leader, before, f"公示 {start:%Y-%m-%d}至{end:%Y-%m-%d}")
    return leader


@transaction.atomic
def do_object(*, actor: Actor, leader: ChainLeader, content: str, on: dt.date) -> LeaderObjection:
    if not access.can_write(actor, leader):
        raise PermissionDenied("无权登记公示异议。")
    _step(leader, LeaderStatus.NOTICE, "登记异议")
    if not content.strip():
        raise ValidationError("请填写异议内容。")
    if not (leader.notice_start <= on <= leader.notice_end):
        raise ValidationError("异议须在公示期内提出。")
    obj = LeaderObjection.objects.create(leader=leader, received_on=on, content=content)
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=obj, object_repr=f"{leader} 异议", after={"content": content}
    )
    return obj


@transaction.atomic
def do_settle_objection(*, actor: Actor, objection: LeaderObjection, upheld: bool, resolution: str) -> LeaderObjection:
    _admin(actor)
    if not resolution.strip():
        raise ValidationError("请填写异议处理结果。")
    objection.upheld, objection.resolution = upheld, resolution
    objection.save(update_fields=["upheld", "resolution"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=objection, after={"upheld": upheld, "resolution": resolution}
    )
    return objection


@transaction.atomic
def do_approve(*, actor: Actor, leader: ChainLeader, on: dt.date) -> ChainLeader:
    """After the notice: no open or upheld objection, and the industry keeps within 1–3 leaders (XN-LZ-1)."""
    _admin(actor)
    _step(leader, LeaderStatus.NOTICE, "批准")
    if on <= leader.notice_end:
        raise ValidationError(f"公示期至{leader.notice_end:%Y-%m-%d}，期满后才能批准。")
    if leader.objections.filter(upheld__isnull=True).exists():
        raise ValidationError("还有未处理的公示异议。")
    if leader.objections.filter(upheld=True).exists():
        raise ValidationError("公示异议成立，不能批准。")
    cap = int(config().get("per_industry_max", 3))
    listed = (
        ChainLeader.objects.select_for_update().filter(industry=leader.industry, status=LeaderStatus.LISTED).count()
    )
    if listed >= cap:
        raise ValidationError(f"{leader.industry.name}已有{listed}家链主企业，每个重点产业最多{cap}家（XN-LZ-1）。")
    before = leader.status
    leader.status, leader.approved_on = LeaderStatus.LISTED, on
    leader.save(update_fields=["status", "approved_on"])
    Honour.objects.get_or_create(
        enterprise=leader.enterprise,
        kind=HonourKind.CHAIN_LEADER,
        level="city",
        grade="",
        defaults={"year": on.year, "note": leader.industry.name},
    )
    _log(actor, leader, before, "批准为链主企业，列入链主企业库")
    return leader


@transaction.atomic
def do_revoke(*, actor: Actor, leader: ChainLeader, reason: str, on: dt.date) -> ChainLeader:
    _admin(actor)
    _step(leader, LeaderStatus.LISTED, "撤销")
    if not reason.strip():
        raise ValidationError("撤销须说明理由。")
    before = leader.status
    leader.status, leader.revoked_on, leader.reason = LeaderStatus.REVOKED, on, reason
    leader.save(update_fields=["status", "revoked_on", "reason"])
    if not ChainLeader.objects.filter(enterprise=leader.enterprise, status=LeaderStatus.LISTED).exists():
        Honour.objects.filter(enterprise=leader.enterprise, kind=HonourKind.CHAIN_LEADER).delete()
    _log(actor, leader, before, f"撤销链主资格：{reason}")
    return leader


def below_minimum() -> list[tuple[Industry, int]]:
    """Key industries with fewer listed leaders than the pack's minimum (XN-LZ-1: each selects 1–3)."""
    minimum = int(config().get("per_industry_min", 1))
    out = []
    for ind in Industry.objects.filter(is_active=True):
        n = ChainLeader.objects.filter(industry=ind, status=LeaderStatus.LISTED).count()
        if n < minimum:
            out.append((ind, n))
    return out

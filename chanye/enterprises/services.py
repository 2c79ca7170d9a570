"""Writes to the enterprise registry. Each function takes the acting user, runs in a transaction and audits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from chanye.core import access, audit, hooks, uscc
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.core.roles import Role
from chanye.core.text import normalize_company_name
from chanye.enterprises.choices import METRIC_BY_FIELD, METRICS, FigureSource
from chanye.enterprises.models import (
    Enterprise,
    EnterpriseAlias,
    FigureRevision,
    Honour,
    MonthlyFigure,
    ScalePeriod,
)
from chanye.regions.selectors import region_name_prefixes

ENTERPRISE_FIELDS = [
    "uscc",
    "name",
    "county",
    "park",
    "industry_code",
    "is_above_scale",
    "smart_factory_grade",
    "address",
    "established_on",
    "uscc_override",
    "uscc_override_reason",
]


def _check_uscc(code: str, *, override_reason: str, actor: Actor) -> None:
    found = uscc.problems(code)
    if not found:
        return
    if any(p.code != "check" for p in found):
        raise ValidationError("统一社会信用代码无效：" + "；".join(p.message for p in found))
    if not override_reason:
        raise ValidationError(
            "统一社会信用代码校验位不符："
            + found[0].message
            + "。如确认是早期合法代码，请由市级管理员填写核实理由后登记。"
        )
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以登记校验位不符的早期代码。")


def _region_check(actor: Actor, county: Any) -> None:
    if access.is_city_admin(actor):
        return
    if access.unit_id(actor) and county is not None and county.pk == access.unit_id(actor):
        return
    raise PermissionDenied("无权在该区县登记企业。")


def can_submit_monthly(user: Any, enterprise: Enterprise) -> bool:
    """City administrators and the enterprise's county/park officer, or the enterprise's own users (企业自报)."""
    if access.role_of(user) == Role.ENTERPRISE:
        return bool(user.enterprise_id == enterprise.pk)
    return access.can_write(user, enterprise)


def _sync_relations(ent: Enterprise, data: dict[str, Any]) -> list[str]:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    changed: list[str] = []
    if "clusters" in data:
        # An enterprise of a sub-cluster belongs to the parent cluster too (summaries count direct links).
        with_parents = {c.pk: c for c in data["clusters"]}
        for c in list(data["clusters"]):
            while c.parent_id and c.parent_id not in with_parents:
                c = c.parent
                with_parents[c.pk] = c
        data = {**data, "clusters": list(with_parents.values())}
    for rel in ("industries", "clusters"):
        if rel in data:
            wanted = {o.pk for o in data[rel]}
            current = set(getattr(ent, rel).values_list("pk", flat=True))
            if wanted != current:
                getattr(ent, rel).set(data[rel])
                changed.append(rel)
    if data.get("aliases"):
        existing = set(ent.aliases.values_list("name", flat=True))
        prefixes = region_name_prefixes()
        new = [
            EnterpriseAlias(enterprise=ent, name=a, name_key=normalize_company_name(a, prefixes))
            for a in data["aliases"]
            if a not in existing and a != ent.name
        ]
        if new:
            EnterpriseAlias.objects.bulk_create(new)
            changed.append("aliases")
    if "honours" in data:
        kinds = data["honour_kinds"]
        wanted = {(h["kind"], h.get("level", ""), h.get("grade", "")): h for h in data["honours"]}
        current = {(h.kind, h.level, h.grade): h for h in ent.honours.filter(kind__in=kinds)}
        for key in current.keys() - wanted.keys():
            current[key].delete()
            changed.append("honours")
        for key in wanted.keys() - current.keys():
            Honour.objects.create(enterprise=ent, kind=key[0], level=key[1], grade=key[2], year=wanted[key].get("year"))
            changed.append("honours")
        for key in wanted.keys() & current.keys():
            if wanted[key].get("year") and current[key].year != wanted[key].get("year"):
                current[key].year = wanted[key]["year"]
                current[key].save(update_fields=["year"])
                changed.append("honours")
    entered, exited = data.get("scale_entered_on"), data.get("scale_exited_on")
    if entered:
        period, created = ScalePeriod.objects.get_or_create(enterprise=ent, entered_on=entered)
        if created:
            changed.append("scale_periods")
    if exited:
        period = ent.scale_periods.filter(entered_on__lte=exited).order_by("-entered_on").first()
        if period is None:
            raise ValidationError("退规日期早于任何入规日期。")
        if period.exited_on != exited:
            period.exited_on = exited
            period.save(update_fields=["exited_on"])
            changed.append("scale_periods")
    changed += _sync_scale_flag(ent, data)
    return sorted(set(changed))


def assumed_entry(year: int) -> dt.date:
    """The stated rule for a roster that marks a firm 规上 without an entry date (issue 13): 规上 from 1 January of
    the roster's year (the statistics office's 规上 roster is a year's), the date marked as assumed."""
    return dt.date(year, 1, 1)


def _sync_scale_flag(ent: Enterprise, data: dict[str, Any]) -> list[str]:
    """One fact, one source: the registry's 规上 flag is what the 规上 periods say today, and a 是否规上 without dates
    becomes a period by `assumed_entry` (or is refused when it contradicts an open period)."""
    if not any(k in data for k in ("is_above_scale", "scale_entered_on", "scale_exited_on")):
        return []
    changed: list[str] = []
    today = timezone.localdate()
    open_now = Q(entered_on__lte=today) & (Q(exited_on__isnull=True) | Q(exited_on__gt=today))
    said = data.get("is_above_scale")
    dated = data.get("scale_entered_on") or data.get("scale_exited_on")
    if said is True and not dated and not ent.scale_periods.filter(open_now).exists():
        start = data.get("scale_assumed_from") or assumed_entry(today.year)
        last_exit = ent.scale_periods.aggregate(m=Max("exited_on"))["m"]
        if last_exit is not None and last_exit >= start:
            start = last_exit + dt.timedelta(days=1)
        ScalePeriod.objects.create(enterprise=ent, entered_on=min(start, today), entry_assumed=True)
        changed.append("scale_periods")
    elif said is False and not dated:
        current = ent.scale_periods.filter(open_now).first()
        if current is not None:
            raise ValidationError(
                f"标为非规上，但该企业自{current.entered_on:%Y-%m-%d}起为规上且未退规：请填写退规日期。"
            )
    above = ent.scale_periods.filter(open_now).exists()
    if ent.is_above_scale != above:
        ent.is_above_scale = above
        ent.save(update_fields=["is_above_scale", "updated_at"])
        changed.append("is_above_scale")
    return changed


def do_save_enterprise(
    *, actor: Actor, data: dict[str, Any], existing: Enterprise | None = None
) -> tuple[Enterprise, str]:
    """Create or update an enterprise from clean data; returns (enterprise, 'created'|'updated'|'unchanged').

    `data` holds model fields plus optional industries, clusters, aliases, honours (with honour_kinds:
    the kinds the source speaks for), scale_entered_on and scale_exited_on.
    """
    code = uscc.normalize(data["uscc"])
    with transaction.atomic():
        ent = existing or Enterprise.objects.filter(uscc=code).first()
        fields = {k: data[k] for k in ENTERPRISE_FIELDS if k in data}
        fields["uscc"] = code
        if ent is None:
            _check_uscc(code, override_reason=data.get("uscc_override_reason", ""), actor=actor)
            if uscc.problems(code):
                fields["uscc_override"] = True
            _region_check(actor, fields.get("county"))
            ent = Enterprise(**fields)
            ent.name_key = normalize_company_name(ent.name, region_name_prefixes())
            ent.save()
            _sync_relations(ent, data)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=ent,
                after=audit.snapshot(ent),
                message="登记企业"
                + ("（信用代码校验豁免：" + ent.uscc_override_reason + "）" if ent.uscc_override else ""),
            )
            return ent, "created"
        if not access.can_write(actor, ent):
            raise PermissionDenied("无权修改该企业。")
        if "county" in fields and fields["county"] != ent.county:
            _region_check(actor, fields["county"])
        before = audit.snapshot(ent)
        changed = [k for k, v in fields.items() if getattr(ent, k) != v]
        for k in changed:
            setattr(ent, k, fields[k])
        if "name" in changed:
            ent.name_key = normalize_company_name(ent.name, region_name_prefixes())
            changed.append("name_key")
        if changed:
            ent.save(update_fields=[*changed, "updated_at"])
        rel_changed = _sync_relations(ent, data)
        if not changed and not rel_changed:
            return ent, "unchanged"
        b, a = audit.diff(before, audit.snapshot(ent))
        if rel_changed:
            a["relations"] = rel_changed
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ent, before=b, after=a)
        return ent, "updated"


def do_submit_monthly(
    *,
    actor: Actor,
    enterprise: Enterprise,
    month: dt.date,
    values: dict[str, Decimal | None],
    source: str | None = None,
) -> tuple[MonthlyFigure, str]:
    """Record one month's figures (e.g. an enterprise user's own report); revisions keep the old value."""
    if not can_submit_monthly(actor, enterprise):
        raise PermissionDenied(
            "只能填报本企业数据。" if access.role_of(actor) == Role.ENTERPRISE else "无权填报该企业数据。"
        )
    if access.role_of(actor) == Role.ENTERPRISE:
        source = FigureSource.SELF
    source = source or FigureSource.STATS
    for k, v in values.items():
        m = METRIC_BY_FIELD[k]
        if v is not None and v < 0 and not m.allow_negative:
            raise ValidationError(f"{m.label}不能为负数。")
    with transaction.atomic():
        fig = (
            MonthlyFigure.objects.select_for_update().filter(enterprise=enterprise, month=month, source=source).first()
        )
        if fig is None:
            fig = MonthlyFigure.objects.create(
                enterprise=enterprise, month=month, source=source, **{k: v for k, v in values.items() if v is not None}
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=fig,
                object_repr=f"{enterprise.name} {month:%Y-%m}",
                after={k: v for k, v in values.items() if v is not None},
            )
            status = "created"
        else:
            changed = {k: v for k, v in values.items() if v is not None and getattr(fig, k) != v}
            if not changed:
                return fig, "unchanged"
            FigureRevision.objects.bulk_create(
                [_revision(fig.pk, k, getattr(fig, k), v, actor) for k, v in changed.items()]
            )
            before = {k: getattr(fig, k) for k in changed}
            for k, v in changed.items():
                setattr(fig, k, v)
            fig.save(update_fields=[*changed, "updated_at"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=fig,
                object_repr=f"{enterprise.name} {month:%Y-%m}",
                before=before,
                after=changed,
            )
            status = "updated"
    hooks.monthly_figures_changed(months=[month])
    return fig, status


def _revision(figure_id: int, metric: str, old: Any, new: Any, actor: Actor, batch: Any = None) -> FigureRevision:
    """The one revision writer: a changed figure keeps its old value, who changed it and from which import."""
    return FigureRevision(
        figure_id=figure_id,
        metric=metric,
        old_value=old,
        new_value=new,
        changed_by=actor if getattr(actor, "pk", None) else None,
        batch=batch,
    )


def do_store_monthly(
    *, actor: Actor, items: list[dict[str, Any]], batch: Any = None, progress: Callable[[int], None] | None = None
) -> tuple[int, int, int]:
    """Store many months' figures at once (an import): new rows in bulk, changed values in bulk with a revision each,
    identical values untouched; returns (created, updated, unchanged). `items` are validated rows
    ({enterprise_id, month, source, values}) of enterprises the actor may report for; the import's own audit row,
    written in the same transaction, is their audit (one row per file, with the counts)."""
    if not (access.can_write(actor) or access.role_of(actor) == Role.ENTERPRISE):
        raise PermissionDenied("无权导入月度数据。")
    fields = [m.field for m in METRICS]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in items:
        groups[r["source"]].append(r)
    created = updated = unchanged = 0
    done = 0
    with transaction.atomic():
        for source, rows in groups.items():
            months = sorted({r["month"] for r in rows})
            ids = sorted({r["enterprise_id"] for r in rows})
            existing: dict[tuple[int, Any], tuple] = {}
            for i in range(0, len(ids), 2000):
                chunk = ids[i : i + 2000]
                for row in MonthlyFigure.objects.filter(
                    source=source, month__in=months, enterprise_id__in=chunk
                ).values_list("pk", "enterprise_id", "month", *fields):
                    existing[(row[1], row[2])] = row
            new_objs: list[MonthlyFigure] = []
            changed_objs: dict[frozenset, list[MonthlyFigure]] = defaultdict(list)
            revisions: list[FigureRevision] = []
            for r in rows:
                ex = existing.get((r["enterprise_id"], r["month"]))
                if ex is None:
                    new_objs.append(
                        MonthlyFigure(enterprise_id=r["enterprise_id"], month=r["month"], source=source, **r["values"])
                    )
                    continue
                current = dict(zip(fields, ex[3:], strict=True))
                diff = {k: v for k, v in r["values"].items() if current[k] is None or current[k] != v}
                if not diff:
                    unchanged += 1
                    continue
                obj = MonthlyFigure(
                    pk=ex[0], enterprise_id=r["enterprise_id"], month=r["month"], source=source, **current
                )
                for k, v in diff.items():
                    setattr(obj, k, v)
                    revisions.append(_revision(ex[0], k, current[k], v, actor, batch))
                changed_objs[frozenset(diff)].append(obj)
            MonthlyFigure.objects.bulk_create(new_objs, batch_size=2000)
            created += len(new_objs)
            for keys, objs in changed_objs.items():
                now = timezone.now()
                for o in objs:
                    o.updated_at = now
                MonthlyFigure.objects.bulk_update(objs, [*sorted(keys), "updated_at"], batch_size=1000)
                updated += len(objs)
            FigureRevision.objects.bulk_create(revisions, batch_size=2000)
            done += len(rows)
            if progress is not None:
                progress(done)
    return created, updated, unchanged

"""Loading a policy pack into the database, idempotently (`chanye pack load FILE`)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from chanye.core import access, audit, hooks
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.industry import schema
from chanye.industry.models import Cluster, CountyLayout, Industry, IndustryCode, Pack, Target, Threshold
from chanye.regions.models import Region

GBT4754_CSV = Path(__file__).parent / "data" / "gbt4754_2017.csv"


@dataclass
class LoadResult:
    pack: Pack
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(self.deactivated.values())

    def summary(self) -> str:
        parts = []
        for label, d in (("新增", self.created), ("更新", self.updated), ("停用", self.deactivated)):
            items = [f"{k}{v}" for k, v in d.items() if v]
            if items:
                parts.append(label + "：" + "、".join(items))
        return "；".join(parts) or "无变化"


def load_industry_codes() -> int:
    """Load GB/T 4754-2017 from the bundled CSV (idempotent). Returns the number of codes."""
    if not GBT4754_CSV.exists():
        return 0
    with GBT4754_CSV.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    if IndustryCode.objects.count() == len(rows):
        return len(rows)
    with transaction.atomic():
        existing = set(IndustryCode.objects.values_list("code", flat=True))
        new = []
        for r in rows:
            if r["code"] in existing:
                continue
            section = r["code"] if r["code"].isalpha() else ""
            new.append(IndustryCode(code=r["code"], name=r["name"], level=int(r["level"]), section=section))
        IndustryCode.objects.bulk_create(new, batch_size=1000)
        parents = {r["code"]: r["parent"] for r in rows}
        codes = {c.code: c for c in IndustryCode.objects.all()}
        for code, obj in codes.items():
            p = parents.get(code) or None
            sec = code
            while parents.get(sec):
                sec = parents[sec]
            changed = False
            if obj.parent_id != p:
                obj.parent_id = p
                changed = True
            if obj.section != sec:
                obj.section = sec
                changed = True
            if changed:
                obj._dirty = True  # type: ignore[attr-defined]
        IndustryCode.objects.bulk_update(
            [o for o in codes.values() if getattr(o, "_dirty", False)], ["parent", "section"], batch_size=1000
        )
    return len(rows)


def _upsert(model: type, lookup: dict[str, Any], values: dict[str, Any], result: LoadResult, label: str) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        result.created[label] = result.created.get(label, 0) + 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        result.updated[label] = result.updated.get(label, 0) + 1
    return obj


def _set_m2m(manager: Any, objs: list[Any]) -> bool:
    current = set(manager.values_list("pk", flat=True))
    wanted = {o.pk for o in objs}
    if current != wanted:
        manager.set(objs)
        return True
    return False


@transaction.atomic
def do_load_pack(*, actor: Actor, path: str | Path) -> LoadResult:
    """Load or update a pack. Loading the same file twice changes nothing the second time. The command line and the
    demo act as `access.SYSTEM`; of people, only a city administrator may."""
    text = Path(path).read_text(encoding="utf-8")
    spec = schema.parse(text, str(path))
    return do_load_spec(actor=actor, spec=spec, text=text)


def do_load_spec(*, actor: Actor, spec: schema.PackSpec, text: str) -> LoadResult:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以加载政策包。")
    load_industry_codes()
    sha = hashlib.sha256(text.encode()).hexdigest()
    result = LoadResult(pack=None)  # type: ignore[arg-type]

    # Regions: the city first, then the rest in file order (parents before children).
    city = _upsert(
        Region,
        {"code": spec.city.code},
        {"name": spec.city.name, "level": "city", "parent": None, "sort_order": 0},
        result,
        "区域",
    )
    by_key: dict[str, Region] = {spec.city.code: city, spec.city.name: city}
    for i, r in enumerate(spec.regions, start=1):
        if r.code == spec.city.code:
            continue
        parent = by_key.get(r.parent or "", city)
        reg = _upsert(
            Region,
            {"code": r.code},
            {
                "name": r.name,
                "short_name": r.short_name,
                "level": r.level,
                "parent": parent,
                "is_county_level": r.county_level,
                "stats_code": r.stats_code,
                "sort_order": i,
            },
            result,
            "区域",
        )
        for k in (r.code, r.name, r.short_name):
            if k:
                by_key[k] = reg

    pack = Pack.objects.filter(code=spec.id).first()
    content = spec.model_dump(mode="json", by_alias=True)
    pack_values = {
        "name": spec.name,
        "city": city,
        "edition": spec.edition,
        "source": spec.source,
        "system_label": spec.industrial_system.label,
        "content": content,
        "sha256": sha,
        "is_active": True,
    }
    if pack is None:
        pack = Pack.objects.create(code=spec.id, **pack_values)
        result.created["政策包"] = 1
    elif pack.sha256 != sha or not pack.is_active:
        for k, v in pack_values.items():
            setattr(pack, k, v)
        pack.save()
        result.updated["政策包"] = 1
    Pack.objects.filter(city=city).exclude(pk=pack.pk).filter(is_active=True).update(is_active=False)
    result.pack = pack

    industries: dict[str, Industry] = {}
    for i, ind in enumerate(spec.industries):
        obj = _upsert(
            Industry,
            {"code": ind.code},
            {
                "name": ind.name,
                "rule": ind.rule or "",
                "gbt_prefixes": ind.gbt4754,
                "sort_order": i,
                "is_active": True,
                "pack": pack,
            },
            result,
            "产业",
        )
        industries[ind.code] = industries[ind.name] = obj
    stale = Industry.objects.filter(is_active=True).exclude(code__in=[i.code for i in spec.industries])
    if n := stale.update(is_active=False):
        result.deactivated["产业"] = n

    clusters: dict[str, Cluster] = {}
    for order, (c, parent) in enumerate(schema.iter_clusters(spec.clusters), start=1):
        family = c.family or (parent.family if parent else None) or "other"
        obj = _upsert(
            Cluster,
            {"code": c.code},
            {
                "name": c.name,
                "family": family,
                "parent": clusters.get(parent.code) if parent else None,
                "region": by_key.get(c.region) if c.region else None,
                "column": c.column,
                "description": c.description,
                "anchors": c.anchors,
                "chains": [ch.names() for ch in c.chains],
                "recognitions": [r.model_dump(exclude_defaults=True) for r in c.recognitions],
                "rule": c.rule or "",
                "sort_order": order,
                "is_active": True,
                "pack": pack,
            },
            result,
            "集群",
        )
        if _set_m2m(obj.industries, [industries[k] for k in c.industries]):
            result.updated["集群"] = result.updated.get("集群", 0) + (0 if result.created.get("集群") else 1)
        clusters[c.code] = clusters[c.name] = obj
    # A cluster the city registered itself (pack empty: a 块状经济 base, HG-A-1) is the city's, not the pack's: a reload
    # keeps it.
    stale_c = Cluster.objects.filter(is_active=True, pack__isnull=False).exclude(
        code__in=[c.code for c, _ in schema.iter_clusters(spec.clusters)]
    )
    if n := stale_c.update(is_active=False):
        result.deactivated["集群"] = n

    hooks.pack_loaded(spec=spec, pack=pack, clusters=clusters, result=result)  # chains build on clusters

    if spec.county_layout:
        seen = []
        for pos, u in enumerate(spec.county_layout.units, start=1):
            region = by_key[u.region]
            seen.append(region.pk)
            layout = _upsert(
                CountyLayout,
                {"region": region},
                {"position": pos, "rule": spec.county_layout.rule or "", "industry_notes": u.industry_notes},
                result,
                "县域布局",
            )
            changed = _set_m2m(layout.industries, [industries[k] for k in u.industries])
            changed |= _set_m2m(layout.clusters, [clusters[k] for k in u.clusters])
            if changed and not result.created.get("县域布局"):
                result.updated["县域布局"] = result.updated.get("县域布局", 0) + 1
        CountyLayout.objects.exclude(region_id__in=seen).delete()

    for t in spec.thresholds:
        _upsert(
            Threshold,
            {"key": t.key},
            {
                "label": t.label,
                "value": t.value,
                "unit": t.unit,
                "comparator": t.comparator,
                "rule": t.rule or "",
                "pack": pack,
            },
            result,
            "阈值",
        )
    # A threshold the pack no longer states (益阳's yy_ten_yi_project_investment became the tier yy-project-10yi) goes.
    stale_th = Threshold.objects.filter(pack=pack).exclude(key__in=[t.key for t in spec.thresholds])
    if n := stale_th.delete()[0]:
        result.deactivated["阈值"] = n
    for target in spec.targets:
        kind, _, ref = target.scope.partition(":")
        _upsert(
            Target,
            {"code": target.code},
            {
                "indicator": target.indicator,
                "label": target.label,
                "value": target.value,
                "unit": target.unit,
                "comparator": target.comparator,
                "year": target.year,
                "per_year": target.per_year,
                "region": by_key.get(ref) if kind == "region" else None,
                "cluster": clusters.get(ref) if kind == "cluster" else None,
                "params": target.params,
                "rule": target.rule,
                "source_text": target.source_text,
                "reporter": target.reporter,
                "cadence": target.cadence or "",
                "is_active": True,
                "pack": pack,
            },
            result,
            "目标",
        )
    stale_t = Target.objects.filter(is_active=True).exclude(code__in=[t.code for t in spec.targets])
    if n := stale_t.update(is_active=False):
        result.deactivated["目标"] = n

    if result.changed:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if pack.pk and not result.created.get("政策包") else AuditAction.CREATE,
            obj=pack,
            after={"sha256": sha, "summary": result.summary()},
            message=f"加载政策包 {spec.id}",
        )
    return result

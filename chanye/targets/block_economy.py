"""块状经济 yearly recognition (HG-A-1 “制定市级块状经济认定办法,每年认定一次制造基地”).

The pack's `assessment.block_recognition` names the cluster family of the bases and the cluster tier a base must pass
(黄冈: 地标块状经济, 产值过10亿元). The bases are the active top-level clusters of that family — the pack's and those
the city registers here (the 黄冈 text names none of its 30). Each year every base is listed with the year's output
(the catalogue's `cluster_output`, the same figure the target pages read: the year's last computed month, so a year
not yet closed says through which month), whether it passes the tier, and the city's decision; the city records 认定
or 不予认定 with its document number, a reason being required to recognise a base below the tier. Page and export read
`rows`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chanye.core import access, audit, bounds
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.core.roles import CITY
from chanye.industry.models import Cluster
from chanye.industry.selectors import active_pack
from chanye.regions.models import Region
from chanye.targets.models import BlockRecognition


@dataclass(frozen=True)
class Config:
    family: str
    label: str
    tier_name: str
    threshold: Decimal  # 亿元
    comparator: str  # the tier's: ">" for 过 / 超过, ">=" for 达 / 以上 / 级
    measure: str

    @property
    def rule_text(self) -> str:
        word = bounds.word(self.comparator)
        return f"{self.tier_name}：产值{word}{self.threshold.normalize():f}亿元"

    def passes(self, output: Decimal | None) -> bool:
        if output is None:
            return False
        return bounds.reaches(output, self.comparator, self.threshold)


def config() -> Config | None:
    """The active pack's recognition settings, or None when the pack has no 块状经济 recognition."""
    pack = active_pack()
    content = pack.content if pack else {}
    block = (content.get("assessment") or {}).get("block_recognition")
    if not block:
        return None
    tier = next((t for t in content.get("tiers") or [] if t.get("code") == block.get("tier")), None)
    if tier is None:
        return None
    return Config(
        family=block["family"],
        label=block.get("label") or "块状经济年度认定",
        tier_name=tier.get("name", ""),
        threshold=Decimal(str(tier["value"])),
        comparator=tier.get("comparator", ">"),
        measure=tier.get("measure", "output"),
    )


@dataclass
class BaseRow:
    cluster: Cluster
    output: Decimal | None  # 亿元, the year's cluster_output
    through: dt.date | None  # the month the output runs to
    meets: bool
    decision: BlockRecognition | None
    recognised_years: list[int]

    @property
    def county(self) -> str:
        return self.cluster.region.name if self.cluster.region else "（跨区县）"

    @property
    def partial_year(self) -> bool:
        return self.through is not None and self.through.month != 12


def bases(cfg: Config) -> list[Cluster]:
    return list(
        Cluster.objects.filter(is_active=True, parent__isnull=True, family=cfg.family)
        .select_related("region")
        .order_by("region__code", "sort_order", "code")
    )


def _outputs(cluster_ids: list[int], year: int) -> dict[int, tuple[Decimal, dt.date]]:
    """Each cluster's `cluster_output` at the latest computed month of `year` (reported wins over computed)."""
    from chanye.targets.selectors import latest_of_year

    return latest_of_year("cluster_output", year, by="cluster", ids=cluster_ids)


def rows(year: int, cfg: Config | None = None) -> list[BaseRow]:
    """Every base with the year's output, whether it passes the tier, the year's decision and the years it was
    recognised before; those passing first, then by output."""
    cfg = cfg or config()
    if cfg is None:
        return []
    clusters = bases(cfg)
    ids = [c.pk for c in clusters]
    outputs = _outputs(ids, year)
    decisions = {d.cluster_id: d for d in BlockRecognition.objects.filter(cluster_id__in=ids, year=year)}
    recognised: dict[int, list[int]] = {}
    for cid, y in BlockRecognition.objects.filter(
        cluster_id__in=ids, decision=BlockRecognition.Decision.RECOGNISED
    ).values_list("cluster_id", "year"):
        recognised.setdefault(cid, []).append(y)
    out = []
    for c in clusters:
        value, through = outputs.get(c.pk, (None, None))
        out.append(BaseRow(c, value, through, cfg.passes(value), decisions.get(c.pk), sorted(recognised.get(c.pk, []))))
    return sorted(out, key=lambda r: (not r.meets, -(r.output or Decimal(-1)), r.cluster.code))


def recognised_count(year: int) -> int:
    return BlockRecognition.objects.filter(year=year, decision=BlockRecognition.Decision.RECOGNISED).count()


def _require_city_writer(actor: Actor) -> None:
    if not access.is_system(actor) and not access.can_write(actor, roles=CITY):
        raise PermissionDenied("只有市级用户可以登记和认定块状经济。")


def _slug(name: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return ascii_part or "base"


@transaction.atomic
def do_register_base(
    *, actor: Actor, name: str, county: Region, description: str = "", industries: tuple[Any, ...] = ()
) -> Cluster:
    """Register a 块状经济 base the pack does not name (the city's own; a pack reload keeps it). Its firms join through
    the enterprise list's 所属集群 column, like any cluster's."""
    _require_city_writer(actor)
    cfg = config()
    if cfg is None:
        raise ValidationError("当前政策包没有块状经济年度认定。")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("请填写基地名称。")
    if not county.is_county_level:
        raise ValidationError("所在区县应为区县级单位。")
    if Cluster.objects.filter(name=name).exists():
        raise ValidationError(f"已有名为“{name}”的集群或基地。")
    n = Cluster.objects.filter(code__startswith="block-").count() + 1
    code = f"block-{county.code}-{n}"
    while Cluster.objects.filter(code=code).exists():
        n += 1
        code = f"block-{county.code}-{n}"
    cluster = Cluster.objects.create(
        code=code,
        name=name,
        family=cfg.family,
        region=county,
        description=description or f"{cfg.label}：市级登记的块状经济基地。",
        rule="HG-A-1",
        sort_order=1000 + n,
    )
    if industries:
        cluster.industries.set(industries)  # the pack's industries the base belongs to (firms join by the import)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=cluster,
        after={"code": code, "name": name, "county": county.name, "family": cfg.family},
        message=f"登记块状经济基地“{name}”（HG-A-1）",
    )
    return cluster


@transaction.atomic
def do_decide(
    *,
    actor: Actor,
    cluster: Cluster,
    year: int,
    decision: str,
    document_no: str = "",
    note: str = "",
) -> BlockRecognition:
    """Record (or change) the city's decision on one base for `year`, with the output it was decided on. Recognising a
    base below the tier needs a reason; a refusal of one above it too."""
    _require_city_writer(actor)
    cfg = config()
    if cfg is None:
        raise ValidationError("当前政策包没有块状经济年度认定。")
    if decision not in BlockRecognition.Decision.values:
        raise ValidationError("认定结果应为“认定”或“不予认定”。")
    if cluster.family != cfg.family or not cluster.is_active or cluster.parent_id:
        raise ValidationError(f"“{cluster.name}”不是块状经济基地。")
    row = next((r for r in rows(year, cfg) if r.cluster.pk == cluster.pk), None)
    output, through = (row.output, row.through) if row else (None, None)
    meets = cfg.passes(output)
    note = " ".join((note or "").split())[:300]
    recognised = decision == BlockRecognition.Decision.RECOGNISED
    if recognised != meets and not note:
        shown = "无产值数据" if output is None else f"{year}年产值{output.normalize():f}亿元"
        verb = "未达到" if recognised else "已达到"
        raise ValidationError(f"“{cluster.name}”{shown}，{verb}认定门槛（{cfg.rule_text}），请在说明中写明理由。")
    existing = BlockRecognition.objects.filter(cluster=cluster, year=year).first()
    before = None if existing is None else {"decision": existing.decision, "document_no": existing.document_no}
    obj, created = BlockRecognition.objects.update_or_create(
        cluster=cluster,
        year=year,
        defaults={
            "output": output,
            "output_through": through,
            "meets": meets,
            "decision": decision,
            "document_no": (document_no or "").strip()[:100],
            "note": note,
            "decided_by": access.user_row(actor),
        },
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=obj,
        before=before,
        after={
            "decision": decision,
            "document_no": obj.document_no,
            "output": None if output is None else str(output),
            "meets": meets,
        },
        message=f"{year}年块状经济认定：{cluster.name} {obj.get_decision_display()}（HG-A-1）",
    )
    return obj


def export_rows(items: list[BaseRow], year: int) -> list[list[Any]]:
    """The export's rows, from the page's rows."""
    return [
        [
            r.cluster.name,
            r.county,
            r.output,
            r.through.strftime("%Y年%m月") if r.through else "",
            "是" if r.meets else "否",
            r.decision.get_decision_display() if r.decision else "未认定",
            r.decision.document_no if r.decision else "",
            r.decision.note if r.decision else "",
            "、".join(str(y) for y in r.recognised_years if y != year),
        ]
        for r in items
    ]

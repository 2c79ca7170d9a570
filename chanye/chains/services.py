"""Writes on chain maps — every one audited, every refusal a Chinese ValidationError or PermissionDenied:

* `apply_spec` writes a chain template (links, edges) from a `ChainSpec`, keeping the enterprises and targets of
  links that stay (matched by code) and refusing to drop a link that still holds any;
* `sync_from_pack` loads the chains a pack writes (XN-SYS-4), leaving chains edited on the platform as they are;
* `do_save_chain` / `do_deactivate_chain`: editing in the web UI or by import (city administrators);
* `do_place_enterprise` / `do_remove_enterprise`: an enterprise on a link with its role (链主 / 核心配套 / 一般);
* `do_save_target`: a candidate company for a link (招商目标库).
Leads (线索 → 落地) live in `chanye.chains.leads`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.core.roles import CITY, WRITERS
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Cluster, Pack

from .models import AttractionTarget, Chain, ChainEdge, ChainLink, LinkEnterprise, LinkRole

if TYPE_CHECKING:
    from chanye.industry import schema

CHAIN_EDITORS = CITY
PLACERS = WRITERS


def can_edit_chains(actor: Actor) -> bool:
    """Chain maps are the city's: only the city administrator (or the system loading a pack) edits them."""
    return access.has_role(actor, CHAIN_EDITORS)


def can_edit_target(actor: Actor, target: AttractionTarget | None = None) -> bool:
    """The 招商目标库 is shared by the city: the city administrator edits every entry; a county/park officer adds
    entries for their own unit and edits only those (a city-wide entry, `unit` empty, is the city's)."""
    if access.is_city_admin(actor):
        return True
    if not access.has_role(actor, PLACERS):
        return False
    return (
        target is None or target.pk is None or (target.unit_id is not None and target.unit_id == access.unit_id(actor))
    )


def chain_snapshot(chain: Chain) -> dict[str, Any]:
    """The chain as its spec (for audit before/after and for export)."""
    return chain_to_spec(chain).model_dump(mode="json", exclude_defaults=True)


def chain_to_spec(chain: Chain) -> schema.ChainSpec:
    from chanye.industry import schema

    links = list(chain.links.order_by("position"))
    succ: dict[int, list[str]] = {}
    for e in ChainEdge.objects.filter(source__chain=chain).select_related("target").order_by("target__position"):
        succ.setdefault(e.source_id, []).append(e.target.code)
    specs = []
    for i, link in enumerate(links):
        default_next = [links[i + 1].code] if i + 1 < len(links) else []
        nxt = succ.get(link.pk, [])
        specs.append(
            schema.LinkSpec(
                name=link.name,
                code=link.code,
                stage=link.stage,  # type: ignore[arg-type]
                description=link.description,
                gbt4754=link.gbt4754,
                products=link.products,
                key=link.is_key,
                chokepoint=link.is_chokepoint,
                next=None if nxt == default_next else nxt,
                min_enterprises=link.min_enterprises,
            )
        )
    return schema.ChainSpec(
        code=chain.code,
        name=chain.name,
        description=chain.description,
        rule=chain.rule or None,
        source_text=chain.source_text,
        links=specs,
    )


def links_in_use(links: QuerySet[ChainLink]) -> list[ChainLink]:
    """Those of `links` that hold enterprises or attraction targets (annotated `n_members`, `n_targets`): such a
    link cannot be dropped from its chain."""
    return list(
        links.annotate(n_members=Count("members", distinct=True), n_targets=Count("targets", distinct=True)).filter(
            Q(n_members__gt=0) | Q(n_targets__gt=0)
        )
    )


def cannot_drop(link: ChainLink) -> str:
    """Why a link of `links_in_use` may not be dropped (Chinese, for the page and import errors)."""
    return (
        f"环节“{link.name}”已有{link.n_members}家链上企业、{link.n_targets}家招商目标，不能删除；"  # type: ignore[attr-defined]
        "请先把它们移到其他环节"
    )


def apply_spec(chain: Chain, spec: schema.ChainSpec) -> list[str]:
    """Write `spec` onto a saved chain; returns what changed (Chinese, for messages). Links are matched by code."""
    existing = {x.code: x for x in chain.links.all()}
    wanted = {x.code for x in spec.links}
    dropped = [x for code, x in existing.items() if code not in wanted]
    if dropped and (held := links_in_use(chain.links.exclude(code__in=wanted))):
        raise ValidationError([cannot_drop(x) for x in held])
    changes: list[str] = []
    if dropped:
        changes.append("删除环节 " + "、".join(x.name for x in dropped))
        ChainLink.objects.filter(pk__in=[x.pk for x in dropped]).delete()
    links: dict[str, ChainLink] = {}
    for pos, s in enumerate(spec.links):
        values = {
            "name": s.name,
            "stage": s.stage,
            "position": pos,
            "description": s.description,
            "gbt4754": s.gbt4754,
            "products": s.products,
            "is_key": s.key,
            "is_chokepoint": s.chokepoint,
            "min_enterprises": s.min_enterprises,
        }
        link = existing.get(s.code)
        if link is None:
            link = ChainLink.objects.create(chain=chain, code=s.code, **values)
            changes.append(f"新增环节 {s.name}")
        else:
            diff = [k for k, v in values.items() if getattr(link, k) != v]
            if diff:
                for k in diff:
                    setattr(link, k, values[k])
                link.save(update_fields=diff)
                if diff != ["position"]:
                    changes.append(f"修改环节 {s.name}")
        links[s.code] = link
    want_edges = {(links[a].pk, links[b].pk) for a, b in spec.edges()}
    have_edges = set(ChainEdge.objects.filter(source__chain=chain).values_list("source_id", "target_id"))
    if want_edges != have_edges:
        ChainEdge.objects.filter(source__chain=chain).delete()
        ChainEdge.objects.bulk_create([ChainEdge(source_id=a, target_id=b) for a, b in sorted(want_edges)])
        changes.append("调整环节连接")
    return changes


def active_link_names() -> list[str]:
    """The link names of the active chain maps, in chain order (offered, not imposed, as a project's 产业链环节)."""
    names = ChainLink.objects.filter(chain__is_active=True).order_by("chain__sort_order", "chain__code", "position")
    return list(dict.fromkeys(names.values_list("name", flat=True)))


def link_catalogue() -> list[dict[str, Any]]:
    """The active chains' links with their products and placed firms (`hooks.chain_links`)."""
    links = ChainLink.objects.filter(chain__is_active=True).select_related("chain")
    members: dict[int, list[int]] = {}
    for link_id, enterprise_id in LinkEnterprise.objects.filter(link__chain__is_active=True).values_list(
        "link_id", "enterprise_id"
    ):
        members.setdefault(link_id, []).append(enterprise_id)
    return [
        {
            "id": x.pk,
            "chain_id": x.chain_id,
            "chain": x.chain.name,
            "name": x.name,
            "stage": x.stage,
            "products": [str(p) for p in (x.products or [])],
            "members": members.get(x.pk, []),
        }
        for x in links.order_by("chain__sort_order", "chain__code", "position")
    ]


def add_target_for(
    *, actor: Actor, link_id: int, name: str, uscc: str, location: str, products: str, source: str, note: str
) -> int:
    """A company added to a link's 招商目标库 by another app (`hooks.add_attraction_target`), through `do_save_target`
    (its permission, checks and audit); an entry with the same USCC on the link is not added twice."""
    link = ChainLink.objects.get(pk=link_id, chain__is_active=True)
    existing = AttractionTarget.objects.filter(link=link, uscc=uscc).first() if uscc else None
    if existing is not None:
        raise ValidationError(f"{existing.name or uscc} 已在“{link.name}”环节的招商目标库中。")
    target = do_save_target(
        actor=actor,
        target=AttractionTarget(link=link),
        data={
            "name": name,
            "uscc": uscc,
            "location": location,
            "products": products[:300],
            "source": source,
            "note": note[:300],
        },
    )
    return target.pk


def sync_from_pack(*, spec: schema.PackSpec, pack: Pack, clusters: dict[str, Cluster], result: Any) -> None:
    """Load the pack's chains (XN-SYS-4). A chain edited on the platform keeps its edits; a link that would be
    dropped while it holds enterprises or targets keeps the chain as it is (reported, nothing lost)."""
    from chanye.industry import schema

    def count(tally: dict[str, int], label: str) -> None:
        tally[label] = tally.get(label, 0) + 1

    written = [(c, ch) for c, _parent in schema.iter_clusters(spec.clusters) for ch in c.chains]
    stored = {x.code: x for x in Chain.objects.filter(code__in=[ch.code for _, ch in written])}
    for order, (c, ch) in enumerate(written, start=1):
        chain = stored.get(ch.code)
        if chain is not None and chain.edited:
            count(result.updated, "产业链（保留平台修改）")
            continue
        try:
            with transaction.atomic():
                chain, changed = _upsert_from_pack(
                    chain, ch, cluster=clusters.get(c.code), rule=ch.rule or c.rule or "", pack=pack, order=order
                )
                changed |= bool(apply_spec(chain, ch))
        except ValidationError:
            count(result.updated, "产业链（有企业的环节未删除）")
            continue
        if ch.code not in stored:
            count(result.created, "产业链")
        elif changed:
            count(result.updated, "产业链")
    stale = Chain.objects.filter(is_active=True, edited=False, pack__isnull=False).exclude(
        code__in=[ch.code for _, ch in written]
    )
    if n := stale.update(is_active=False):
        result.deactivated["产业链"] = n


def _upsert_from_pack(
    chain: Chain | None, ch: schema.ChainSpec, *, cluster: Cluster | None, rule: str, pack: Pack, order: int
) -> tuple[Chain, bool]:
    """The chain's own fields as the pack writes them; whether an existing chain changed."""
    values = {
        "name": ch.name,
        "cluster": cluster,
        "description": ch.description,
        "rule": rule,
        "source_text": ch.source_text,
        "pack": pack,
        "is_active": True,
        "sort_order": order,
    }
    if chain is None:
        return Chain.objects.create(code=ch.code, **values), True
    changed = [k for k, v in values.items() if getattr(chain, k) != v]
    for k in changed:
        setattr(chain, k, values[k])
    if changed:
        chain.save(update_fields=changed)
    return chain, bool(changed)


def _require_editor(actor: Actor) -> None:
    if not can_edit_chains(actor):
        raise PermissionDenied("只有市级管理员可以修改产业链图谱。")


@transaction.atomic
def do_save_chain(
    *, actor: Actor, spec: schema.ChainSpec, cluster: Cluster | None, chain: Chain | None = None
) -> tuple[Chain, list[str]]:
    """Create or replace a chain template from a validated spec (web editor, YAML or .xlsx import)."""
    _require_editor(actor)
    if chain is None:
        chain = Chain.objects.filter(code=spec.code).first() if spec.code else None
    before = chain_snapshot(chain) if chain else None
    if chain is None:
        code = spec.code or new_code(cluster)
        if Chain.objects.filter(code=code).exists():
            raise ValidationError(f"产业链编号“{code}”已被使用")
        chain = Chain.objects.create(code=code, name=spec.name or "—".join(spec.names()), cluster=cluster)
        changes = ["新建产业链"]
    else:
        changes = []
    previous_cluster = chain.cluster
    chain.name = spec.name or chain.name
    chain.cluster = cluster
    chain.description = spec.description
    chain.rule = spec.rule or chain.rule
    chain.source_text = spec.source_text or chain.source_text
    chain.edited = True
    chain.is_active = True
    chain.save()
    changes += apply_spec(chain, spec)
    refresh_cluster_summary(previous_cluster, cluster)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=chain,
        before=before,
        after=chain_snapshot(chain),
        message="；".join(changes)[:500],
    )
    return chain, changes


def refresh_cluster_summary(*clusters: Cluster | None) -> None:
    """Keep each cluster's list of link names (`Cluster.chains`, what project forms offer as 产业链环节) in step with
    its active chain templates after an edit on the platform."""
    for cluster in {c for c in clusters if c is not None}:
        names = [
            list(ch.links.order_by("position").values_list("name", flat=True))
            for ch in Chain.objects.filter(cluster=cluster, is_active=True).order_by("sort_order", "code")
        ]
        if cluster.chains != names:
            cluster.chains = names
            cluster.save(update_fields=["chains"])


def new_code(cluster: Cluster | None, *, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A free chain code: the cluster's code, else `<cluster>-2`, `-3` … (`chain…` without a cluster)."""
    base = cluster.code if cluster else "chain"
    code, n = base, 1
    while code in taken or Chain.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def do_deactivate_chain(*, actor: Actor, chain: Chain) -> Chain:
    _require_editor(actor)
    chain.is_active = False
    chain.edited = True
    chain.save(update_fields=["is_active", "edited", "updated_at"])
    refresh_cluster_summary(chain.cluster)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=chain, after={"is_active": False}, message="停用产业链")
    return chain


def _require_placer(actor: Actor, enterprise: Enterprise) -> None:
    """A city administrator, or a county/park officer for an enterprise in their scope; `None` is the system (the
    command-line import), which may place any."""
    if not access.has_role(actor, PLACERS):
        raise PermissionDenied("无权调整链上企业。")
    if not access.in_scope(actor, enterprise):
        raise PermissionDenied("只能调整本辖区的企业。")


@transaction.atomic
def do_place_enterprise(
    *,
    actor: Actor,
    link: ChainLink,
    enterprise: Enterprise,
    role: str = LinkRole.ORDINARY,
    note: str = "",
    filename: str = "",
) -> LinkEnterprise:
    """Put an enterprise on a link (or change its role there); `filename`: the import file it came from."""
    _require_placer(actor, enterprise)
    if role not in LinkRole.values:
        raise ValidationError(f"角色“{role}”不在 链主/核心配套/一般企业 之中")
    member = LinkEnterprise.objects.filter(link=link, enterprise=enterprise).first()
    before = audit.snapshot(member, ["role", "note"]) if member else None
    if member is None:
        member = LinkEnterprise.objects.create(link=link, enterprise=enterprise, role=role, note=note)
    else:
        member.role, member.note = role, note
        member.save(update_fields=["role", "note"])
    message = f"{enterprise.name} → {link.chain.name}·{link.name}（{member.get_role_display()}）"
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=member,
        before=before,
        after=audit.snapshot(member, ["role", "note"]),
        message=f"{message}；导入 {filename}" if filename else message,
    )
    return member


@transaction.atomic
def do_remove_enterprise(*, actor: Actor, member: LinkEnterprise) -> None:
    _require_placer(actor, member.enterprise)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=member,
        before=audit.snapshot(member, ["role", "note"]),
        message=f"{member.enterprise.name} 移出 {member.link.name}",
    )
    member.delete()


TARGET_FIELDS = ["name", "uscc", "location", "products", "size", "revenue", "source", "note"]


@transaction.atomic
def do_save_target(*, actor: Actor, target: AttractionTarget, data: dict[str, Any]) -> AttractionTarget:
    """Create or edit a candidate company for a link (招商目标库): the city any entry, a county/park officer the entries
    of their unit (`can_edit_target`); an officer's new entry belongs to their unit."""
    if not can_edit_target(actor, target):
        raise PermissionDenied("只能修改本单位登记的招商目标；全市共用的目标由市级管理员维护。")
    if target.pk is None and access.unit_id(actor):
        target.unit_id = access.unit_id(actor)
    before = audit.snapshot(target, TARGET_FIELDS) if target.pk else None
    for k, v in data.items():
        if k in TARGET_FIELDS or k == "link":
            setattr(target, k, v)
    errors = []
    if not (target.name or "").strip():
        errors.append("请填写企业名称。")
    if target.revenue is not None and target.revenue < 0:
        errors.append("营业收入不能为负数。")
    if target.uscc and Enterprise.objects.filter(uscc=target.uscc).exists():
        errors.append(f"统一社会信用代码 {target.uscc} 属于本地已登记企业，应把它放到链上而不是列为招商目标。")
    if errors:
        raise ValidationError(errors)
    created = target.pk is None
    target.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=target,
        before=before,
        after=audit.snapshot(target, TARGET_FIELDS),
    )
    return target

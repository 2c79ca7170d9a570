"""Chain templates (XN-SYS-4, XN-CL-5) to and from files: YAML in a pack's full chain form, and .xlsx for people
who edit in Excel.

* YAML: ``chains:`` — a list of chains, each as a pack writes it in full (code, name, description, rule,
  source_text, links with name/code/stage/description/gbt4754/products/key/chokepoint/next/min_enterprises) plus
  ``cluster`` (the cluster's code). A single chain mapping or a bare list of chains is read too.
* .xlsx: sheet 产业链, one row per chain; sheet 环节, one row per link, in chain order (a blank 下游环节 means the
  link on the next row; 无 means none), with Chinese headers and 上游/中游/下游, 是/否.

Import is parse → validate every chain and collect every error (Chinese, with sheet/row/column/value) → write all
chains in one transaction through `services.do_save_chain` (all or nothing). Chains identical to what is stored are
left alone (not marked as edited), so exporting and importing again changes nothing.

This module is the import's entry: the checks against the stored chains and clusters, then the one transaction. The
layout is `chain_format`, writing the files `chain_export`, reading them `chain_parse`, their errors `chain_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from chanye.core.access import Actor
from chanye.core.text import squash
from chanye.industry import schema
from chanye.industry.models import Cluster

from . import services
from .chain_errors import ChainFileError, ChainImportError
from .chain_parse import ParsedChain, parse_file
from .models import Chain, ChainLink


def check(parsed: list[ParsedChain]) -> list[ChainFileError]:
    """Checks that need the database: clusters, chain codes, links that would be dropped while they hold firms."""
    errors: list[ChainFileError] = []
    clusters = list(Cluster.objects.all())
    by_code = {c.code: c for c in clusters}
    by_name: dict[str, list[Cluster]] = {}
    for c in clusters:
        by_name.setdefault(squash(c.name), []).append(c)
    existing = {c.code: c for c in Chain.objects.filter(code__in=[p.spec.code for p in parsed])}
    seen: dict[str, ParsedChain] = {}
    taken = {p.spec.code for p in parsed if p.spec.code}
    for p in parsed:
        if not p.spec.code:  # a new chain named only by its name (single-sheet files): coded after its cluster
            cluster = by_code.get(p.cluster_code or "") or next(
                iter(by_name.get(squash(p.cluster_name or ""), [])), None
            )
            p.spec.code = services.new_code(cluster, taken=taken)
            taken.add(p.spec.code)
        code = p.spec.code
        if code in seen:
            errors.append(ChainFileError(f"产业链编号“{code}”在文件中出现了两次", **p.place))
            continue
        seen[code] = p
        if code not in existing and not schema.CODE.match(code):
            errors.append(
                ChainFileError(
                    "新产业链的编号只能用小写字母、数字、- _ .（如 food-meat）",
                    column="产业链编号",
                    value=code,
                    **p.place,
                )
            )
        if p.cluster_code is not None:
            p.cluster = by_code.get(p.cluster_code)
            if p.cluster is None:
                errors.append(
                    ChainFileError(
                        "找不到该产业集群编号；可用：" + "、".join(sorted(by_code)[:40]),
                        value=p.cluster_code,
                        **p.cluster_place,
                    )
                )
        elif p.cluster_name is not None:
            found = by_name.get(squash(p.cluster_name), [])
            if len(found) == 1:
                p.cluster = found[0]
            else:
                errors.append(
                    ChainFileError(
                        "找不到该产业集群名称" if not found else "有多个同名产业集群，请填写产业集群编号",
                        value=p.cluster_name,
                        **p.cluster_place,
                    )
                )
        elif code in existing:
            p.cluster = existing[code].cluster
    dropped = Q()  # the stored links each chain of the file leaves out: refused while they hold firms or targets
    for code, p in seen.items():
        if code in existing:
            dropped |= Q(chain=existing[code]) & ~Q(code__in=[x.code for x in p.spec.links])
    if dropped:
        for link in services.links_in_use(ChainLink.objects.filter(dropped).select_related("chain")):
            errors.append(ChainFileError(services.cannot_drop(link), **seen[link.chain.code].place))
    return errors


def _comparable(chain: Chain) -> tuple[Any, ...]:
    return (services.chain_snapshot(chain), chain.cluster_id, chain.is_active)


def _planned(p: ParsedChain, chain: Chain) -> tuple[Any, ...]:
    """What `do_save_chain` would store for `p` on `chain`, in the form of `_comparable`."""
    spec = p.spec
    codes = [x.code for x in spec.links]
    succ: dict[str, list[str]] = {}
    for a, b in spec.edges():
        succ.setdefault(a, []).append(b)
    links = []
    for i, x in enumerate(spec.links):
        nxt = sorted(set(succ.get(x.code, [])), key=codes.index)
        default = [codes[i + 1]] if i + 1 < len(codes) else []
        links.append(x.model_copy(update={"next": None if nxt == default else nxt}))
    planned = spec.model_copy(
        update={
            "name": spec.name or chain.name,
            "rule": spec.rule or chain.rule or None,
            "source_text": spec.source_text or chain.source_text,
            "links": links,
        }
    )
    return (planned.model_dump(mode="json", exclude_defaults=True), p.cluster.pk if p.cluster else None, True)


@dataclass
class ImportResult:
    created: list[Chain] = field(default_factory=list)
    updated: list[tuple[Chain, list[str]]] = field(default_factory=list)
    unchanged: list[Chain] = field(default_factory=list)

    def summary(self) -> str:
        return f"新建{len(self.created)}条、修改{len(self.updated)}条、未变{len(self.unchanged)}条产业链"


def do_import_chains(*, actor: Actor, data: bytes, filename: str) -> ImportResult:
    """Import chain templates from a YAML or .xlsx file: every chain is checked first; then all are written in one
    transaction through `services.do_save_chain` (each audited there), or none. Raises ChainImportError."""
    if not services.can_edit_chains(actor):
        raise PermissionDenied("只有市级管理员可以导入产业链。")
    parsed = parse_file(data, filename)
    errors = check(parsed)
    if errors:
        raise ChainImportError(errors)
    result = ImportResult()
    current: ParsedChain | None = None
    try:
        with transaction.atomic():
            for p in parsed:
                current = p
                chain = Chain.objects.filter(code=p.spec.code).first()
                if chain is not None and _comparable(chain) == _planned(p, chain):
                    result.unchanged.append(chain)
                    continue
                saved, changes = services.do_save_chain(actor=actor, spec=p.spec, cluster=p.cluster, chain=chain)
                if chain is None:
                    result.created.append(saved)
                else:
                    result.updated.append((saved, changes))
    except ValidationError as e:  # a service refusal the checks above did not foresee: nothing is written
        place = current.place if current is not None else {}
        raise ChainImportError([ChainFileError(m, **place) for m in e.messages]) from e
    return result

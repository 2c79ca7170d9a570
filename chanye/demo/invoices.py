"""Synthetic VAT invoice lines for the demo (issue 15), consistent with the demo's firms, chains and chain leaders.

Each firm placed on a chain link buys, every month, the products of the links upstream of it: partly from the firms
placed on those links (local, often in another county of the city), partly from outside suppliers (firms of other
provinces, invented here with valid credit codes of their region). Chain leaders buy more and spread further. A few
lines are red-letter (negative). The lines go through the real import (`supply.invoice_import`), so the demo store is
filled the way a user's file would be.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chanye.core import access
from chanye.core.uscc_gen import make_uscc

# Outside suppliers' homes: GB/T 2260 code → place (their credit codes carry the code)
OUTSIDE = {
    "320500": "苏州",
    "330200": "宁波",
    "441900": "东莞",
    "310114": "上海嘉定",
    "340100": "合肥",
    "430100": "长沙",
    "420100": "武汉",
    "370700": "潍坊",
    "510100": "成都",
}
WORDS = ["恒", "瑞", "鼎", "华", "博", "盛", "科", "晟", "远", "宏", "泰", "诚", "迅", "汇", "铭", "润", "安", "达"]


@dataclass
class InvoiceDemoStats:
    lines: int
    months: int
    buyers: int
    outside: int

    def summary(self) -> str:
        return (
            f"已生成 {self.lines} 行演示增值税发票明细（{self.months} 个月，{self.buyers} 家购方企业，"
            f"{self.outside} 家市外供应商；“供应链”页）。"
        )


def _months(last: dt.date, n: int) -> list[dt.date]:
    out = []
    y, m = last.year, last.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return sorted(out)


@dataclass
class _Group:
    """Firms that make one thing (a chain link's, or a cluster's when the city has no chain maps) and what it is."""

    members: list[tuple[str, str]]
    products: list[str]


def seed_invoices(*, seed: int = 2025, months: int = 12, last: dt.date | None = None) -> InvoiceDemoStats | None:
    """Generate and import the demo invoices; None when the store already holds invoices or there are no firms."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from chanye.analytics.selectors import latest_month
    from chanye.cultivation.models import ChainLeader, LeaderStatus
    from chanye.supply import store
    from chanye.supply.invoice_import import import_invoices

    if store.months():
        return None
    groups, buyers = _chain_groups()
    cluster_groups, cluster_buyers = _cluster_groups({b[0] for b in buyers})
    groups.update(cluster_groups)
    buyers += cluster_buyers
    if not buyers:
        return None
    rng = random.Random(seed)
    last = last or latest_month() or dt.date.today().replace(day=1)
    leaders = set(ChainLeader.objects.filter(status=LeaderStatus.LISTED).values_list("enterprise__uscc", flat=True))
    outside: dict[str, list[tuple[str, str, str]]] = {}
    used: set[str] = set()
    keys = (
        "seller_uscc",
        "seller_name",
        "buyer_uscc",
        "buyer_name",
        "seller_region",
        "date",
        "product",
        "amount",
        "tax",
    )
    rows: dict[str, list[Any]] = {k: [] for k in keys}
    for buyer, buyer_name, sources in buyers:
        big = buyer in leaders
        for month in _months(last, months):
            for _ in range(rng.randint(4, 9) if big else rng.randint(1, 4)):
                key = rng.choice(sources)
                group = groups[key]
                product = rng.choice(group.products)
                local = [m for m in group.members if m[0] != buyer]
                # leaders source about two fifths locally, other firms about half; outside otherwise
                if local and rng.random() < (0.4 if big else 0.5):
                    seller, seller_name = rng.choice(local)
                    region = ""
                else:
                    seller, seller_name, region = rng.choice(_outside_for(f"{key}|{product}", outside, rng, used))
                amount = round(rng.lognormvariate(11.5 if big else 10.0, 0.8), 2)  # 元: ~10万 / ~2万 a line
                if rng.random() < 0.02:
                    amount = -round(amount * rng.uniform(0.1, 0.5), 2)  # 红字发票
                day = dt.date(month.year, month.month, rng.randint(1, 28))
                values = (
                    seller,
                    seller_name,
                    buyer,
                    buyer_name,
                    region or None,
                    day.isoformat(),
                    product,
                    amount,
                    round(amount * 0.13, 2),
                )
                for k, v in zip(keys, values, strict=True):
                    rows[k].append(v)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-invoices.parquet"
        pq.write_table(pa.table(rows), path)
        outcome = import_invoices(path, user=access.system("chanye demo"))
    if not outcome.ok:  # pragma: no cover - the generator writes valid lines
        raise RuntimeError(f"demo invoices refused: {outcome.errors[:3]}")
    n_buyers = len({b[0] for b in buyers})
    return InvoiceDemoStats(len(rows["amount"]), months, n_buyers, sum(len(v) for v in outside.values()))


def _chain_groups() -> tuple[dict[str, _Group], list[tuple[str, str, list[str]]]]:
    """One group per chain link with firms; each placed firm buys what the links upstream of its link make (its own
    link's when nothing upstream has firms)."""
    from chanye.chains.models import ChainLink, LinkEnterprise

    links = {x.pk: x for x in ChainLink.objects.filter(chain__is_active=True).prefetch_related("successors")}
    members = list(
        LinkEnterprise.objects.filter(link__chain__is_active=True).values_list(
            "link_id", "enterprise__uscc", "enterprise__name"
        )
    )
    by_link: dict[int, list[tuple[str, str]]] = {}
    for link_id, uscc, name in members:
        by_link.setdefault(link_id, []).append((uscc, name))
    groups = {
        f"link-{pk}": _Group(by_link.get(pk, []), [p for p in (x.products or []) if p] or [x.name])
        for pk, x in links.items()
    }
    upstream = _upstream(links)
    buyers = []
    for link_id, uscc, name in members:
        ups = [u for u in upstream.get(link_id, []) if by_link.get(u)] or upstream.get(link_id, []) or [link_id]
        buyers.append((uscc, name, [f"link-{u}" for u in ups]))
    return groups, buyers


def _cluster_groups(
    placed: set[str], per_cluster: int = 150
) -> tuple[dict[str, _Group], list[tuple[str, str, list[str]]]]:
    """For firms on no chain map: one group per cluster, its firms buying from each other what the cluster's chain
    links make (or, for a cluster without a chain map, what their industry codes name)."""
    from chanye.chains.models import ChainLink
    from chanye.enterprises.models import Enterprise
    from chanye.industry.models import Cluster

    chain_products: dict[int, list[str]] = {}
    for cluster_id, products, name in ChainLink.objects.filter(
        chain__is_active=True, chain__cluster__isnull=False
    ).values_list("chain__cluster_id", "products", "name"):
        chain_products.setdefault(cluster_id, []).extend([p for p in (products or []) if p] or [name])
    for child, parent in Cluster.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        if child not in chain_products and parent in chain_products:
            chain_products[child] = chain_products[parent]  # a sub-cluster buys along its parent's chain

    groups: dict[str, _Group] = {}
    buyers = []
    rows = (
        Enterprise.objects.filter(clusters__is_active=True)
        .exclude(uscc__in=placed)
        .values_list("clusters__pk", "uscc", "name", "industry_code__name")
        .order_by("clusters__pk", "pk")
    )
    for cluster_id, uscc, name, product in rows:
        g = groups.setdefault(f"cluster-{cluster_id}", _Group([], []))
        if len(g.members) >= per_cluster:
            continue
        g.members.append((uscc, name))
        if product and product not in g.products:
            g.products.append(product)
        buyers.append((uscc, name, [f"cluster-{cluster_id}"]))
    for key, g in groups.items():
        g.products = chain_products.get(int(key.split("-")[1])) or g.products or ["原材料及零部件"]
    return groups, buyers


def _upstream(links: dict[int, Any]) -> dict[int, list[int]]:
    """Each link's suppliers: the links feeding it in the map (its predecessors), else those one step earlier in its
    chain's order."""
    preds: dict[int, list[int]] = {}
    for link in links.values():
        for succ in link.successors.all():
            if succ.pk in links:
                preds.setdefault(succ.pk, []).append(link.pk)
    by_chain: dict[int, list[Any]] = {}
    for link in links.values():
        by_chain.setdefault(link.chain_id, []).append(link)
    for chain_links in by_chain.values():
        ordered = sorted(chain_links, key=lambda x: x.position)
        for before, link in itertools.pairwise(ordered):
            preds.setdefault(link.pk, [before.pk])
    return preds


def _outside_for(
    key: str, outside: dict[str, list[tuple[str, str, str]]], rng: random.Random, used: set[str]
) -> list[tuple[str, str, str]]:
    """One to three outside suppliers per group and product (USCC, name, region), made once: suppliers specialise."""
    if key not in outside:
        made = []
        for _ in range(rng.randint(1, 3)):
            region = rng.choice(list(OUTSIDE))
            while True:
                name = OUTSIDE[region] + "".join(rng.sample(WORDS, 2)) + rng.choice(["精密", "新材料", "科技", "机械"])
                name += "有限公司"
                if name not in used:
                    used.add(name)
                    break
            made.append((make_uscc(rng, region), name, region))
        outside[key] = made
    return outside[key]

"""Hooks: how a lower layer runs what a higher one provides (DESIGN.md "Layers": an arrow only points down).

A registry app (enterprises, industry …) announces that something happened or asks for something; the programme apps
that care register a function from their `AppConfig.ready()`. The lower app never imports the higher one, and a
missing app simply means nobody answers. Each hook is declared here with what it passes and what it expects back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """A named list of functions called in registration order; `__call__` returns their results."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._fns: list[Callable[..., Any]] = []

    def register(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if fn not in self._fns:
            self._fns.append(fn)
        return fn

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [fn(*args, **kwargs) for fn in self._fns]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._fns)} registered>"


pack_loaded = Hook(
    "pack_loaded",
    "After a pack's regions, industries and clusters are loaded, in its transaction: "
    "fn(*, spec, pack, clusters, result) — adds its counts to the load result (chains sync their maps, XN-SYS-4).",
)
monthly_figures_changed = Hook(
    "monthly_figures_changed",
    "After monthly figures were stored (a form, an import): fn(*, months) (analytics refreshes its summaries).",
)
target_progress = Hook(
    "target_progress",
    "Progress of the active targets as the 目标 page computes it (one definition of a target's current figure): "
    "fn(*, cluster_only) -> list of objects with target, current, as_of, source, status, status_label, percent "
    "(targets; the dashboard's 集群目标).",
)
enterprise_support = Hook(
    "enterprise_support",
    "The support (帮扶) recorded for an enterprise, newest first: fn(*, enterprise, user) -> list of dicts with on, "
    "description, alert (its kind in words), month, by (cultivation; shown on the firm's page).",
)
map_projects = Hook(
    "map_projects",
    "Every project a user may see with its current colour (XN-XM-4), for the county map: fn(*, user) -> list[dict] of "
    "id, code, name, county_id, park, colour (green/blue/yellow/red), colour_label, meaning, badge (Bootstrap colour), "
    "investment (亿元, float), "
    "url (projects; analytics' 区县地图 places them in their county).",
)
tier_projects = Hook(
    "tier_projects",
    "The projects a user may see that are implemented this year with total investment of at least `at_least` 亿元, "
    "largest first: fn(*, user, at_least, today) -> list[dict] of id, code, name, county, county_id, park, investor, "
    "investment (亿元), project_type, status, url (projects; the 梯队名单's project tiers, YY-P-1).",
)
chain_node_names = Hook(
    "chain_node_names",
    "The link names of the active chain maps, offered as a project's 产业链环节: fn() -> list[str] (chains).",
)
chain_finance = Hook(
    "chain_finance",
    "The chains enterprises are on, with each chain's one lead bank and its coverage of the chain's enterprises "
    "(XN-LZ-11): fn(*, enterprise_ids, user) -> dict[int, list] of enterprise id → objects with chain_id, chain, bank, "
    "since, members, covered, credit, url, complete (chains; the chain-leader pages of cultivation).",
)
producing_enterprises = Hook(
    "producing_enterprises",
    "Firms whose project went into production in a window: fn(since, until) -> set[int] of enterprise ids (projects; "
    "the candidate pool's 新投产工业项目, XN-GS-4).",
)
cluster_projects = Hook(
    "cluster_projects",
    "The projects of an industry (a cluster and its sub-clusters) that a user may see, largest investment first and "
    "ready to show (colour, status, tier, next milestone): fn(*, user, cluster_code, limit) -> (count, projects) "
    "(projects; the key projects of supervision's monitoring catalogue, YY-M-1).",
)
reward_claims = Hook(
    "reward_claims",
    "Accepted subsidy claims of a year that are rewards (XN-LZ-6/8, checked when registered): fn(*, year) -> list of "
    "dicts of claim (the claim kind, e.g. mna_cost), enterprise_id, project, industry, cost (万元 or None), amount "
    "(万元, as accepted), on (date) (cultivation; rewards turns them into entitlements).",
)
invoice_purchases = Hook(
    "invoice_purchases",
    "What firms bought in a year according to the VAT invoices in the invoice store: "
    "fn(*, enterprise_ids, year) -> "
    "dict[int, dict] of enterprise id → local_amount, total_amount (万元), local_share (%), "
    "months (list of 'YYYY-MM'); "
    "firms without invoices that year are absent (supply; a chain leader's 本地化配套率, XN-LZ-2).",
)
chain_leaders = Hook(
    "chain_leaders",
    "The listed chain leaders: fn() -> list[dict] of enterprise_id, name, uscc, industry (name), county_id "
    "(cultivation; supply's 链主 local sourcing figures).",
)
chain_links = Hook(
    "chain_links",
    "The active chains' links: fn() -> list[dict] of id, chain_id, chain (name), name, stage, products (list[str]), "
    "members (list of enterprise ids) (chains; supply maps purchases onto links).",
)
add_attraction_target = Hook(
    "add_attraction_target",
    "Add a company to a link's 招商目标库 for `actor` (the link's own rules and audit apply): "
    "fn(*, actor, link_id, name, "
    "uscc, location, products, source, note) -> the new target's id; raises ValidationError/PermissionDenied in words "
    "(chains; supply's one-click 招商目标 from outside suppliers).",
)

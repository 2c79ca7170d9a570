"""The registry of every route of the platform and who may use it (the NetBox habit).

`tests/security/test_route_registry.py` resolves every URL pattern of the project (pages, exports and API operations)
and fails when one is missing here: a new route cannot land without saying who may use it and, for rows of a unit,
which object is "foreign". For each route and each role it then asks the route for the 咸安 officer's own row and for
嘉鱼's row, and checks the answer: the page for those allowed; 404 with a `denied` audit row for everyone else
(401 or the sign-in page for anonymous visitors); nothing of 嘉鱼 (MARKER) in anything the 咸安 officer is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

READ = frozenset({"admin", "viewer", "xianan"})  # programme pages
BUSINESS = READ | {"qiye"}  # the registry: enterprises
WRITE = frozenset({"admin", "xianan"})
CITY = frozenset({"admin"})
ANY = frozenset({"admin", "viewer", "xianan", "qiye", "auditor", "sysadmin", "secadmin"})
PUBLIC = ANY | {"anonymous"}

TARGET = {"own": "t-new-xianan", "foreign": "t-new-jiayu"}  # each county's own target in the mini pack
Kw = Callable[[Any, str], dict[str, Any]]


def none(w: Any, which: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    name: str
    allow: frozenset[str]
    kwargs: Kw = none
    method: str = "GET"
    scoped: bool = False  # the row belongs to a unit: the 咸安 officer (and the 咸安 firm's user) must not reach 嘉鱼's
    data: Callable[[Any], dict[str, Any]] | None = None  # POST body: harmless for those allowed (a form error)
    destructive: bool = False  # a POST that would change data even when empty: only its refusals are exercised
    query: str = ""
    skip: str = ""  # why the generic walk does not call it (it has its own test)
    anon_login_page: bool = False  # an API route that sends anonymous browsers to the sign-in page (the docs page)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


def body(**fields: str) -> Callable[[Any], dict[str, Any]]:
    """A POST body."""
    return lambda w: fields


def s(attr: str, key: str = "pk", field: str = "pk") -> Kw:
    """kwargs naming the own/foreign side's `attr` row."""
    return lambda w, which: {key: getattr(getattr(w.side(which), attr), field)}


def x(name: str) -> Kw:
    """kwargs naming the own/foreign side's row kept in `World.extra` as `<name>_own` / `<name>_foreign`."""
    return lambda w, which: {"pk": w.extra[f"{name}_{which}"].pk}


ROUTES: list[Route] = [
    # accounts
    Route("accounts:login", PUBLIC),
    Route("accounts:logout", ANY, method="POST", skip="signs the user out; tests/accounts"),
    Route("accounts:password_change", ANY),
    Route("accounts:users", frozenset({"admin", "sysadmin", "secadmin"})),
    Route("accounts:user_new", frozenset({"sysadmin"}), method="POST", data=body()),
    Route(
        "accounts:user_active",
        frozenset({"sysadmin"}),
        kwargs=lambda w, which: {"pk": w.users["viewer"].pk},
        method="POST",
        data=body(active="1"),
    ),
    Route(
        "accounts:user_reset",
        frozenset({"sysadmin"}),
        kwargs=lambda w, which: {"pk": w.users["viewer"].pk},
        method="POST",
        destructive=True,
    ),
    Route(
        "accounts:user_scope",
        frozenset({"sysadmin"}),
        kwargs=lambda w, which: {"pk": w.users["viewer"].pk},
        method="POST",
        data=body(),
    ),
    Route(
        "accounts:unlock",
        frozenset({"secadmin"}),
        kwargs=lambda w, which: {"pk": w.users["viewer"].pk},
        method="POST",
        destructive=True,
    ),
    # the API
    Route("api:openapi-json", ANY),
    Route("api:openapi-view", ANY, anon_login_page=True),
    Route("api:api-root", ANY, skip="django-ninja's index of the routes, no data"),
    Route("api:list_enterprises", BUSINESS),
    Route("api:get_enterprise", BUSINESS, s("enterprise", "uscc", "uscc"), scoped=True),
    Route("api:enterprise_monthly", BUSINESS, s("enterprise", "uscc", "uscc"), scoped=True),
    Route("api:list_indicators", READ),
    Route("api:indicator_values", READ, lambda w, which: {"code": "above_scale_new_count"}),
    Route("api:list_targets", READ),
    Route("api:list_alerts", READ),
    Route("api:list_leaders", READ),
    Route("api:leader_detail", READ, s("leader", "leader_id"), scoped=True),
    Route("api:list_projects", READ),
    Route("api:get_project", READ, s("project", "project_id"), scoped=True),
    Route("api:list_chains", READ),
    Route("api:get_chain", READ, lambda w, which: {"chain_id": w.chain.pk}),
    Route("api:chain_gaps", READ, lambda w, which: {"chain_id": w.chain.pk}),
    Route("api:list_leads", READ),
    Route("api:list_entitlements", BUSINESS),
    Route("api:specialisation", READ),  # an officer's own unit (tests/analytics/test_specialisation.py)
    Route("api:supply_local_share", READ, query="?month=2026-03"),
    Route("api:supply_counties", READ),
    Route("api:supply_clusters", READ),
    Route("api:supply_leaders", READ),
    Route("api:supply_outside_suppliers", READ),
    Route("api:get_lead", READ, s("lead", "lead_id"), scoped=True),
    # enterprises and imports
    Route("enterprises:list", BUSINESS),
    Route("enterprises:export", BUSINESS),
    Route("enterprises:new", WRITE),
    Route("enterprises:new", WRITE, method="POST", data=body(name="")),
    Route("enterprises:detail", BUSINESS, s("enterprise", "uscc", "uscc"), scoped=True),
    Route(
        "enterprises:detail",
        WRITE | {"qiye"},
        s("enterprise", "uscc", "uscc"),
        method="POST",
        scoped=True,
        data=body(month=""),
    ),
    Route("enterprises:edit", WRITE, s("enterprise", "uscc", "uscc"), scoped=True),
    Route("enterprises:edit", WRITE, s("enterprise", "uscc", "uscc"), method="POST", scoped=True, data=body()),
    Route("core:import", WRITE | {"qiye"}),
    Route("core:import", WRITE | {"qiye"}, method="POST", data=body()),
    Route("core:import_template", BUSINESS, lambda w, which: {"kind": "monthly"}),
    # a batch is its uploader's (and the city's): the own side's batch is the 咸安 officer's
    Route("core:import_batch", frozenset({"admin", "xianan"}), s("batch"), scoped=True),
    Route("core:import_errors", frozenset({"admin", "xianan"}), s("batch"), scoped=True),
    Route("core:audit", frozenset({"auditor"})),
    # dashboard and analytics
    Route("dashboard", ANY),
    Route("data_freshness", READ),  # 数据更新: business users read; the city administrator sets the duties
    Route("data_freshness", CITY, method="POST", data=body(key="monthly:stats")),
    Route("county_map", READ),  # 区县地图: the dashboard's figures of the user's units, projects in scope
    Route("specialisation", READ),  # an officer sees its own unit's rows (test_specialisation)
    Route("specialisation_export", READ),
    Route("chains:relatedness", READ),
    # targets and assessment
    Route("targets:tree", READ),
    Route("targets:policy", READ),
    Route("targets:catalogue", READ),
    Route("targets:assessment", READ),
    Route("targets:assessment", CITY, method="POST", data=body(year="1990")),
    Route(
        "targets:assessment_card",
        READ,
        lambda w, which: {"year": w.assessment_year, "region": w.side(which).county.code},
        scoped=True,
    ),
    Route(
        "targets:assessment_export",
        READ,
        lambda w, which: {"year": w.assessment_year, "fmt": "xlsx"},
        skip="ranking published to all, details by one rule: tests/security/test_assessment_visibility.py",
    ),
    Route(
        "targets:detail",
        READ,
        lambda w, which: {"code": "t-new-xianan" if which == "own" else "t-new-jiayu"},
        scoped=True,
    ),
    Route(
        "targets:detail",
        frozenset({"admin", "xianan"}),
        lambda w, which: {"code": "t-new-xianan" if which == "own" else "t-new-jiayu"},
        method="POST",
        scoped=True,
        data=body(period="", value="", note=""),
    ),
    # cultivation and chain leaders
    Route("cultivation:alerts", READ),
    Route("cultivation:quota", READ),
    Route("cultivation:tiers", READ),
    Route("cultivation:leaders", READ),
    Route("cultivation:leader_apply", WRITE, method="POST", data=body(enterprise="", industry="")),
    Route("cultivation:leader", READ, s("leader"), scoped=True),
    Route("cultivation:leader_action", WRITE, s("leader"), method="POST", scoped=True, data=body(action="demand")),
    Route("cultivation:demands", READ),
    Route("cultivation:claims", READ),
    Route("cultivation:claim_event", CITY, method="POST", data=body(industry="", project="")),
    Route("cultivation:leader_export", READ, lambda w, which: {"what": "leaders"}),
    Route("cultivation:leader_export", READ, lambda w, which: {"what": "demands"}),
    Route("cultivation:export", READ, lambda w, which: {"what": "alerts"}),
    Route("cultivation:export", READ, lambda w, which: {"what": "candidates"}),
    Route("cultivation:export", READ, lambda w, which: {"what": "quota"}),
    Route("cultivation:export", READ, lambda w, which: {"what": "tiers"}),
    Route("cultivation:export", READ, lambda w, which: {"what": "tier-candidates"}),
    Route("cultivation:exit_risk", READ),
    Route("cultivation:exit_risk_export", READ),
    Route("cultivation:rd_guidance", READ, query="?year=2025"),
    Route("cultivation:rd_guidance_export", READ, query="?year=2025"),
    Route("cultivation:candidate_add", WRITE, method="POST", data=body(enterprise="", planned_entry="")),
    Route("cultivation:candidate_remove", WRITE, s("candidate"), method="POST", scoped=True, data=body(reason="")),
    Route("cultivation:alert_action", WRITE, s("alert"), method="POST", scoped=True, data=body(action="nonsense")),
    Route("cultivation:analysis_start", CITY, method="POST", data=body(month="")),
    Route("cultivation:analysis_status", READ, lambda w, which: {"month": "2025-06"}),
    # projects
    Route("projects:board", READ),
    Route("projects:export", READ),
    Route("projects:gantt", READ),
    Route("projects:new", WRITE),
    Route("projects:new", WRITE, method="POST", data=body(name="")),
    Route("projects:issues", READ),
    Route("projects:issues_export", READ),
    Route(
        "projects:issue_action",
        WRITE,
        s("issue", "issue_pk"),
        method="POST",
        scoped=True,
        data=body(action="assign", department="", due_on=""),
    ),
    Route("projects:evidence", READ, s("issue", "issue_pk"), scoped=True),
    Route("projects:detail", READ, s("project"), scoped=True),
    Route("projects:edit", WRITE, s("project"), scoped=True),
    Route("projects:edit", WRITE, s("project"), method="POST", scoped=True, data=body(name="")),
    Route(
        "projects:milestone",
        WRITE,
        lambda w, which: {"pk": w.side(which).project.pk, "mid": w.side(which).milestone.pk},
        method="POST",
        scoped=True,
        destructive=True,
    ),
    Route("projects:issue_raise", WRITE, s("project"), method="POST", scoped=True, data=body(content="")),
    Route("projects:exit", WRITE, s("project"), method="POST", scoped=True, data=body(reason="")),
    Route("projects:rectify", WRITE, s("project"), method="POST", scoped=True, data=body(deadline="")),
    Route("projects:bulletin", READ),
    Route("projects:bulletin_export", READ, lambda w, which: {"fmt": "xlsx"}),
    Route("projects:bulletin_export", READ, lambda w, which: {"fmt": "docx"}),
    Route("projects:growth_points", READ),
    Route("projects:growth_points_export", READ),
    Route("projects:tech_upgrade", READ),
    Route("projects:tech_upgrade_export", READ),
    # the mini pack states both cadences (test-only), so these answer there; packs without them 404
    Route("projects:concentrated_starts", READ),
    Route("projects:concentrated_starts_export", READ),
    Route("projects:dispatch", READ),
    Route("projects:dispatch_export", READ, lambda w, which: {"fmt": "xlsx"}),
    Route("projects:dispatch_export", READ, lambda w, which: {"fmt": "docx"}),
    # chains and 招商
    Route("chains:list", READ),
    Route("chains:gaps", READ),
    Route("chains:gaps_export", READ),
    Route("chains:map", READ, lambda w, which: {"pk": w.chain.pk}),
    Route("chains:map_data", READ, lambda w, which: {"pk": w.chain.pk}),
    Route("chains:link_panel", READ, lambda w, which: {"pk": w.chain.pk, "link_pk": w.link.pk}),
    Route("chains:finance", READ, lambda w, which: {"pk": w.chain.pk}),  # XN-LZ-11: members in the user's scope
    Route("chains:lead_bank", CITY, lambda w, which: {"pk": w.chain.pk}, method="POST", data=body(bank="")),
    Route("chains:financed", WRITE, lambda w, which: {"pk": w.chain.pk}, method="POST", data=body(enterprise="")),
    Route("chains:new", CITY),
    Route("chains:new", CITY, method="POST", data=body()),
    Route("chains:import", CITY),
    Route("chains:export_all", CITY, lambda w, which: {"fmt": "xlsx"}),  # the editor's round trip
    Route("chains:edit", CITY, lambda w, which: {"pk": w.chain.pk}),
    Route("chains:edit", CITY, lambda w, which: {"pk": w.chain.pk}, method="POST", data=body()),
    Route("chains:deactivate", CITY, lambda w, which: {"pk": w.chain.pk}, method="POST", destructive=True),
    Route("chains:export", CITY, lambda w, which: {"pk": w.chain.pk, "fmt": "yaml"}),
    Route("chains:members", WRITE, lambda w, which: {"pk": w.chain.pk}),
    Route("chains:members", WRITE, lambda w, which: {"pk": w.chain.pk}, method="POST", data=body(action="add")),
    Route("chains:members_search", WRITE, lambda w, which: {"pk": w.chain.pk}, query="?q=机电"),
    Route("chains:members_import", WRITE),
    Route("chains:members_template", WRITE),
    Route("chains:targets", READ),
    Route("chains:targets_export", READ),
    Route("chains:targets_template", WRITE),
    Route("chains:targets_import", WRITE),
    Route("chains:target_new", WRITE),
    Route("chains:target_new", WRITE, method="POST", data=body(name="")),
    Route("chains:target_edit", WRITE, s("target"), scoped=True),
    Route("chains:target_edit", WRITE, s("target"), method="POST", scoped=True, data=body(name="")),
    Route("chains:leads", READ),
    Route("chains:leads_export", READ),
    Route("targets:mu_tax", READ),
    Route("targets:mu_tax_export", READ),
    Route("targets:block_recognition", READ),
    Route("targets:block_recognition", CITY, method="POST", data=body(cluster="", decision="")),
    Route("targets:block_recognition_export", READ),
    # 梯队名单 (EZ-T-1, HG-T-1, YY-T-1, YY-P-1): the mini pack's enterprise and project tiers list both counties' firms
    # and projects; the 咸安 officer's page and export must show none of 嘉鱼's
    Route("targets:echelons", READ),
    Route("targets:echelons_export", READ),
    # 督办 (a task of each county: the 咸安 officer's own and 嘉鱼's)
    Route("supervision:list", READ),
    Route("supervision:export", READ),
    Route("supervision:unit", READ, lambda w, which: {"key": w.extra[f"unit_{which}"].key}, scoped=True),
    Route("supervision:detail", READ, lambda w, which: {"code": w.extra[f"task_{which}"].code}, scoped=True),
    Route(
        "supervision:detail",
        WRITE,
        lambda w, which: {"code": w.extra[f"task_{which}"].code},
        method="POST",
        scoped=True,
        data=body(action="report", text=""),
    ),
    Route(
        "supervision:detail",
        CITY,
        lambda w, which: {"code": w.extra[f"task_{which}"].code},
        method="POST",
        scoped=True,
        data=body(action="settings", status="bad"),
    ),
    Route("supervision:evidence", READ, lambda w, which: {"pk": w.extra[f"report_{which}"].pk}, scoped=True),
    # 千亿级产业联系机制 (YY-ORG-1) and its monitoring catalogue (YY-M-1): the mini pack states them for `food`
    # (test-only); both counties' firms and projects are in it, so the 咸安 officer's catalogue and export must show
    # none of 嘉鱼's
    Route("supervision:liaison_list", READ),
    Route("supervision:liaison", READ, lambda w, which: {"code": "food"}),
    Route(
        "supervision:liaison",
        CITY,
        lambda w, which: {"code": "food"},
        method="POST",
        data=body(action="member", name=""),
    ),
    Route("supervision:catalogue", READ, lambda w, which: {"code": "food"}),
    Route("supervision:catalogue_export", READ, lambda w, which: {"code": "food"}),
    # 奖补兑现 (issue 14): an entitlement of each county's firm, published (objections open)
    Route("rewards:list", BUSINESS),
    Route("rewards:list", CITY, method="POST", data=body(action="fund", name="", budget="x")),
    Route("rewards:export", BUSINESS),
    Route("rewards:notice", CITY),
    Route("rewards:detail", BUSINESS, x("entitlement"), scoped=True),
    Route("rewards:detail", WRITE | {"qiye"}, x("entitlement"), "POST", True, body(action="object", text="")),
    Route("rewards:detail", CITY, x("entitlement"), "POST", True, body(action="revoke", reason="")),
    # supply (issue 15): figures of the firms in scope; tests/supply/test_supply_scope.py holds invoices
    Route("supply:overview", READ),
    Route("supply:export", READ),
    Route("supply:firm", READ, s("enterprise"), scoped=True),
    Route("supply:chain", READ, lambda w, which: {"chain_id": w.chain.pk}),
    Route("supply:add_target", WRITE, method="POST", data=body(link="")),
    Route("supply:upload", CITY, method="POST", data=body()),
    Route("chains:lead_new", WRITE),
    Route("chains:lead_new", WRITE, method="POST", data=body(company="")),
    Route("chains:conversion", READ),
    Route("chains:conversion_export", READ),
    Route("chains:lead", READ, s("lead"), scoped=True),
    Route("chains:lead_edit", WRITE, s("lead"), scoped=True),
    Route("chains:lead_edit", WRITE, s("lead"), method="POST", scoped=True, data=body(company="")),
    Route("chains:lead_move", WRITE, s("lead"), method="POST", scoped=True, data=body(to="")),
    Route("chains:lead_drop", WRITE, s("lead"), method="POST", scoped=True, data=body(reason="")),
]

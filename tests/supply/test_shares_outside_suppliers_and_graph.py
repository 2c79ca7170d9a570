"""Local shares per county-level unit, per group of firms and for the city; outside suppliers with their products'
concentration; the two-level local supplier graph — all from the hand-worked world (invoice_world.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from chanye.core.access import SYSTEM
from chanye.supply.analytics import outside_suppliers, shares, supplier_graph
from chanye.supply.invoice_import import import_invoices
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))
    return tmp_path / "invoices"


@pytest.fixture
def loaded(regions, store_dir, tmp_path):
    c = world(regions)
    assert import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM).ok
    return c


def test_each_county_level_unit_holds_its_buyers_and_the_city_adds_them_up(loaded, regions):
    by_county = {r["key"]: r for r in shares(["2026-03"], by="county")}
    xa, jy = by_county[regions["咸安区"].pk], by_county[regions["嘉鱼县"].pk]
    assert (xa["total_amount"], xa["local_amount"], xa["same_county_amount"]) == (19.0, 6.0, 4.0)
    assert (jy["total_amount"], jy["local_amount"], jy["same_county_share"]) == (10.0, 5.0, 0.0)
    [city] = shares(["2026-03"], by="city")
    # 29 万元 bought, 11 from the city (37.93 %), 4 from the buyer's own county (13.79 %)
    assert (city["total_amount"], city["local_share"], city["same_county_share"]) == (29.0, 37.93, 13.79)
    assert city["buyers"] == 2 and city["lines"] == 8


def test_a_group_counts_each_member_firm_once_per_group(loaded):
    from chanye.enterprises.models import Enterprise

    a = Enterprise.objects.get(uscc=loaded["A"]).pk
    b = Enterprise.objects.get(uscc=loaded["B"]).pk
    members = pa.table({"enterprise_id": [a, b, a], "group_id": [1, 1, 2]})
    got = {r["key"]: r for r in shares(["2026-03", "2026-04"], by="group", members=members)}
    assert [(r["key"], r["month"]) for r in shares(["2026-03", "2026-04"], by="group", members=members)] == [
        (1, "2026-03"),
        (1, "2026-04"),
        (2, "2026-03"),
        (2, "2026-04"),
    ]
    assert got[2]["month"] == "2026-04" and got[2]["total_amount"] == 0.5
    march = {r["key"]: r for r in shares(["2026-03"], by="group", members=members)}
    assert (march[1]["total_amount"], march[1]["local_amount"]) == (29.0, 11.0)
    assert (march[2]["total_amount"], march[2]["local_share"]) == (19.0, 31.58)


def test_outside_suppliers_are_ranked_with_their_products_concentration(loaded):
    out = outside_suppliers(["2026-03"])
    assert out["total"] == 18.0  # X3 10 万元; X2 4 − 1 + 5 = 8 万元 (the red-letter line nets off)
    assert [(s["uscc"], s["amount"], s["share"], s["buyers"]) for s in out["suppliers"]] == [
        (loaded["X3"], 10.0, 55.56, 1),
        (loaded["X2"], 8.0, 44.44, 2),
    ]
    assert out["suppliers"][1]["region"] == "420100" and out["suppliers"][0]["region"] == "320500"
    [product] = out["products"]
    assert (product["product"], product["amount"], product["suppliers"], product["cr1"]) == ("零件", 18.0, 2, 55.56)
    assert product["hhi"] == 5061.7  # 55.56² + 44.44²


def test_outside_suppliers_of_a_scope_are_those_its_firms_buy_from(loaded):
    from chanye.enterprises.models import Enterprise

    b = Enterprise.objects.get(uscc=loaded["B"]).pk
    out = outside_suppliers(["2026-03"], buyers={b})
    assert [(s["uscc"], s["amount"]) for s in out["suppliers"]] == [(loaded["X2"], 5.0)]


def test_the_supplier_graph_has_two_levels_of_local_suppliers(regions, store_dir, tmp_path):
    from chanye.enterprises.models import Enterprise

    c = world(regions)
    extra = [
        [c["S2"], c["S1"], "", "", "2026-03-03", "纸箱", "3000", ""],  # S1's own local supplier (level 2)
        [c["X1"], c["S1"], "421202", "", "2026-03-04", "螺栓", "2000", ""],  # local, not in the registry (level 2)
        [c["X2"], c["S1"], "420100", "", "2026-03-04", "钢材", "9000", ""],  # outside: not drawn
        [c["A"], c["S1"], "", "", "2026-03-04", "回收料", "100", ""],  # the leader itself: not its own supplier
    ]
    assert import_invoices(write_csv(tmp_path / "g.csv", lines(c) + extra), user=SYSTEM).ok
    a = Enterprise.objects.get(uscc=c["A"])
    g = supplier_graph(a.pk, ["2026-03"])
    levels = {n["id"]: n["level"] for n in g["nodes"]}
    assert levels == {c["A"]: 0, c["S1"]: 1, c["S2"]: 1, c["X1"]: 1}
    edges = {(e["source"], e["target"]): e["amount"] for e in g["edges"]}
    assert edges == {
        (c["S1"], c["A"]): 1.0,
        (c["S2"], c["A"]): 2.0,
        (c["X1"], c["A"]): 3.0,
        (c["S2"], c["S1"]): 0.3,
        (c["X1"], c["S1"]): 0.2,
    }
    # A county officer of 咸安 sees 嘉鱼's S2 as one unnamed node
    visible = set(Enterprise.objects.filter(county=regions["咸安区"]).values_list("pk", flat=True))
    hidden = supplier_graph(a.pk, ["2026-03"], visible=visible)
    names = {n["name"] for n in hidden["nodes"]}
    assert "嘉鱼配套包装有限公司" not in names and "其他区县企业" in names


def test_a_cluster_holds_its_members_and_its_sub_clusters_members(loaded):
    """食品饮料 holds A directly and B through its sub-cluster 冷链食品: year 2026 — A 19.5 万 (6.5 local), B 10 (5)."""
    from chanye.core.access import SYSTEM
    from chanye.enterprises.models import Enterprise
    from chanye.industry.models import Cluster
    from chanye.supply.selectors import clusters

    food, cold = Cluster.objects.get(code="food"), Cluster.objects.get(code="food-cold-chain")
    assert cold.parent_id == food.pk
    Enterprise.objects.get(uscc=loaded["A"]).clusters.add(food)
    Enterprise.objects.get(uscc=loaded["B"]).clusters.add(cold)
    got = {r["name"]: r for r in clusters(SYSTEM, 2026)}
    assert (got[food.name]["total_amount"], got[food.name]["local_amount"]) == (29.5, 11.5)
    assert (got[cold.name]["total_amount"], got[cold.name]["local_share"]) == (10.0, 50.0)
    assert got[food.name]["top_level"] and not got[cold.name]["top_level"]

"""The 鄂州, 黄冈 and 益阳 packs (EZ-*, HG-*, YY-*): they validate, load idempotently and carry the texts' numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from chanye.core.access import SYSTEM
from chanye.industry import schema
from chanye.industry.models import Cluster, Industry, Pack, Target, Threshold
from chanye.industry.services import do_load_pack
from chanye.regions.models import Region
from tests.conftest import ROOT

EZHOU = ROOT / "packs" / "ezhou-2027.yaml"
HUANGGANG = ROOT / "packs" / "huanggang-2025.yaml"
YIYANG = ROOT / "packs" / "yiyang-2025.yaml"
PACKS = [EZHOU, HUANGGANG, YIYANG]
SEEDS = ROOT.parent / "shared" / "seeds"  # the policy texts sit beside the repository; the check skips without them

TARGET_RULES = {
    EZHOU: {"EZ-T-1", "EZ-T-2", "EZ-T-3", "EZ-T-4", "EZ-T-5"},
    HUANGGANG: {"HG-T-1", "HG-T-2", "HG-T-3"},
    YIYANG: {"YY-T-1", "YY-T-2", "YY-P-1"},
}
CITIES = {
    EZHOU: ("420700", "鄂州市", "EZ-T-1", "002_a0bbc2eb2d0b3706.txt"),
    HUANGGANG: ("421100", "黄冈市", "HG-T-1", "003_d33abf0026bc2744.txt"),
    YIYANG: ("430900", "益阳市", "YY-T-1", "004_7005fbc34d4815fb.txt"),
}
COUNTIES = {
    EZHOU: {"梁子湖区": "420702", "华容区": "420703", "鄂城区": "420704"},
    HUANGGANG: {
        "黄州区": "421102",
        "团风县": "421121",
        "红安县": "421122",
        "罗田县": "421123",
        "英山县": "421124",
        "浠水县": "421125",
        "蕲春县": "421126",
        "黄梅县": "421127",
        "麻城市": "421181",
        "武穴市": "421182",
    },
    YIYANG: {
        "资阳区": "430902",
        "赫山区": "430903",
        "南县": "430921",
        "桃江县": "430922",
        "安化县": "430923",
        "沅江市": "430981",
    },
}


def targets(path: Path) -> dict[str, schema.TargetSpec]:
    return {t.code: t for t in schema.read(path).targets}


def rewards(path: Path) -> dict[str, schema.RewardSpec]:
    return {r.code: r for r in schema.read(path).rewards}


def tiers(path: Path) -> dict[str, schema.TierSpec]:
    return {t.code: t for t in schema.read(path).tiers}


# --- all three packs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_pack_validates_and_targets_cite_their_rule_ids(path):
    spec = schema.read(path)
    code, name, first_rule, seed = CITIES[path]
    assert spec.id == path.stem and spec.source == seed
    assert (spec.city.code, spec.city.name) == (code, name)
    assert spec.industrial_system.rule == first_rule
    assert TARGET_RULES[path] <= {t.rule for t in spec.targets}
    assert all(t.source_text for t in spec.targets)
    assert all(t.indicator for t in spec.targets)


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_regions_start_with_the_city_and_use_gb2260_codes(path):
    spec = schema.read(path)
    assert (spec.regions[0].code, spec.regions[0].level) == (spec.city.code, "city")
    counties = {r.name: r.code for r in spec.regions if r.level == "county"}
    assert counties == COUNTIES[path]
    assert all(r.county_level for r in spec.regions if r.level == "county")
    assert all(r.code.startswith(spec.city.code[:4]) for r in spec.regions)


@pytest.mark.skipif(not SEEDS.exists(), reason="policy texts not available")
@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_every_source_text_is_quoted_from_the_policy_text(path):
    spec = schema.read(path)
    text = re.sub(r"\s+", "", (SEEDS / spec.source).read_text(encoding="utf-8"))
    quoted = [*spec.targets, *spec.rewards, *spec.tasks]
    missing = [x.code for x in quoted if x.source_text and re.sub(r"\s+", "", x.source_text) not in text]
    assert missing == []


def test_editions_follow_the_document_headings():
    # 鄂州 is headed （征求意见稿）, 益阳 （送审稿）; 黄冈 is the dated final text.
    assert schema.read(EZHOU).edition == "draft"
    assert schema.read(YIYANG).edition == "draft"
    assert schema.read(HUANGGANG).edition == "final"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_loads_into_an_empty_database_and_reloading_changes_nothing(path):
    spec = schema.read(path)
    first = do_load_pack(actor=SYSTEM, path=path)
    assert first.changed
    pack = Pack.objects.get(code=spec.id)
    assert pack.city.code == spec.city.code and pack.system_label == spec.industrial_system.label
    assert Target.objects.filter(pack=pack, is_active=True).count() == len(spec.targets)
    assert Cluster.objects.filter(pack=pack, is_active=True).count() == len(list(schema.iter_clusters(spec.clusters)))
    assert Industry.objects.filter(pack=pack, is_active=True).count() == len(spec.industries)
    assert Region.objects.filter(code__startswith=spec.city.code[:4]).count() == len(spec.regions)
    assert Threshold.objects.filter(pack=pack).count() == len(spec.thresholds)
    second = do_load_pack(actor=SYSTEM, path=path)
    assert not second.changed and second.summary() == "无变化"


# --- 鄂州 (EZ) --------------------------------------------------------------------------------------------------


def test_ez_t_1_above_scale_output_over_2200yi_by_2027():
    t = targets(EZHOU)["ez-t-1-above-scale-output"]
    assert (t.indicator, t.value, t.unit, t.comparator, t.year) == ("above_scale_output", 2200, "亿元", ">", 2027)
    assert t.rule == "EZ-T-1" and t.source_text == "规模以上工业总产值突破2200亿元"


def test_ez_t_1_scale_counts_and_enterprise_tiers():
    t = targets(EZHOU)
    assert (t["ez-t-1-above-scale-count"].value, t["ez-t-1-above-scale-count"].comparator) == (700, ">=")
    assert t["ez-t-1-specialized"].value == 180 and t["ez-t-1-single-champions"].value == 100
    by_threshold = {
        x.params["threshold"]: x.value for x in t.values() if x.indicator == "enterprise_count_revenue_over"
    }
    assert by_threshold == {100: 5, 50: 10, 10: 20}
    tier_values = {x.value for x in tiers(EZHOU).values() if x.applies_to == "enterprise"}
    assert tier_values == {Decimal(10), Decimal(50), Decimal(100)}


def test_ez_t_2_and_t_3_use_the_legal_reading_of_boundaries():
    t = targets(EZHOU)
    assert (t["ez-t-2-high-tech-share"].value, t["ez-t-2-high-tech-share"].comparator) == (60, ">=")  # 达60%以上
    assert (t["ez-t-2-innovation-platforms"].value, t["ez-t-2-innovation-platforms"].comparator) == (
        200,
        ">",
    )  # 超200家
    assert (t["ez-t-3-nc-rate"].value, t["ez-t-3-nc-rate"].comparator) == (70, ">")  # 超过70%
    assert (t["ez-t-3-integration-pilots"].value, t["ez-t-3-integration-pilots"].comparator) == (150, ">")  # 突破150家
    assert t["ez-t-3-provincial-clusters"].params == {"level": "provincial"}


def test_ez_t_4_techrenovation_300yi_and_energy_intensity_down_10_percent_from_2022():
    t = targets(EZHOU)
    assert (t["ez-t-4-techrenovation-investment"].value, t["ez-t-4-techrenovation-investment"].comparator) == (
        300,
        ">=",
    )
    energy = t["ez-t-4-energy-intensity"]
    assert (energy.value, energy.comparator, energy.params["baseline_year"]) == (10, "decrease_by", 2022)


def test_ez_t_5_listings_range_three_to_five():
    listings = targets(EZHOU)["ez-t-5-listings"]
    assert (listings.value, listings.comparator, listings.params["upper"]) == (3, ">=", 5)
    assert {x.code for x in targets(EZHOU).values() if x.rule == "EZ-T-5"} >= {
        "ez-t-5-provincial-platforms",
        "ez-t-5-city-platforms",
        "ez-t-5-green-factories",
    }


def test_ez_r_1_livestream_subsidy_15_percent_of_commission_capped_100wan():
    r = rewards(EZHOU)["ez-r-1-livestream"]
    assert (r.rate, r.base, r.cap, r.cap_unit, r.per) == (15, "主播带货佣金", 100, "万元", "per_enterprise_per_year")
    th = {t.key: t for t in schema.read(EZHOU).thresholds}["ez_livestream_sales_min"]
    assert (th.value, th.unit, th.comparator) == (500, "万元", ">=")


def test_ez_r_2_trademark_60wan_and_hubei_quality_20wan():
    r = rewards(EZHOU)
    assert (r["ez-r-2-well-known-trademark"].amount, r["ez-r-2-hubei-quality-brand"].amount) == (60, 20)


def test_ez_r_3_procurement_limits_include_the_number():
    th = {t.key: t for t in schema.read(EZHOU).thresholds}
    assert (
        th["ez_procurement_goods_services_reserved"].value,
        th["ez_procurement_goods_services_reserved"].comparator,
    ) == (
        200,
        "<=",
    )  # 200万元以下
    assert (th["ez_procurement_works_reserved"].value, th["ez_procurement_works_reserved"].comparator) == (400, "<=")
    r = rewards(EZHOU)
    assert (r["ez-r-3-procurement-reserved-share"].rate, r["ez-r-3-procurement-small-micro"].rate) == (40, 60)


def test_ez_r_4_guarantee_fee_at_most_1_percent_and_1yi_fund_per_year():
    th = {t.key: t for t in schema.read(EZHOU).thresholds}["ez_equipment_loan_guarantee_fee_max"]
    assert (th.value, th.unit, th.comparator) == (1, "%", "<=")
    fund = rewards(EZHOU)["ez-r-4-manufacturing-fund"]
    assert (fund.amount, fund.amount_unit, fund.per) == (1, "亿元", "per_year")


def test_ez_org_1_every_task_names_its_units_lead_first():
    spec = schema.read(EZHOU)
    tasks = {t.code: t for t in spec.tasks}
    assert len(tasks) == 27 and all(t.units and t.rule == "EZ-ORG-1" for t in tasks.values())
    assert tasks["ez-2-3-4"].units[0] == "市商务局"  # 推进商业模式创新
    assert tasks["ez-2-6-2"].units == ["市市场监管局", "市经信局"]  # 强化产品品牌建设
    assert tasks["ez-3-2"].units[0] == "市委组织部"  # 夯实人才支撑
    assert tasks["ez-2-1-1"].units[-2:] == ["葛店经开区管委会", "临空经济区管委会"]


def test_ez_development_zones_are_county_level_parks():
    regions = {r.name: r for r in schema.read(EZHOU).regions}
    for name, code in (("葛店经开区", "420700-GD"), ("临空经济区", "420700-LK")):
        assert (regions[name].code, regions[name].level, regions[name].county_level) == (code, "park", True)


# --- 黄冈 (HG) --------------------------------------------------------------------------------------------------


def test_hg_t_1_three_clusters_over_1000yi():
    t = targets(HUANGGANG)
    count = t["hg-t-1-clusters-over-1000yi"]
    assert (count.indicator, count.value, count.year) == ("cluster_count_revenue_over", 3, 2025)
    assert (count.params["threshold"], count.params["threshold_comparator"]) == (1000, ">")  # 过千亿
    named = {x.scope for x in t.values() if x.rule == "HG-T-1" and x.indicator == "cluster_output" and x.value == 1000}
    assert named == {"cluster:hg-agri-food", "cluster:hg-building-home", "cluster:hg-pharma-chem"}
    assert all(x.comparator == ">" for x in t.values() if x.scope in named)


def test_hg_t_1_tiers_thousand_hundred_ten():
    tier = tiers(HUANGGANG)
    assert schema.read(HUANGGANG).industrial_system.label == "3+10+30"
    got = {code: (x.value, x.comparator, x.applies_to) for code, x in tier.items() if x.applies_to == "cluster"}
    assert got == {
        "hg-cluster-1000yi": (1000, ">", "cluster"),
        "hg-cluster-100yi": (100, ">", "cluster"),
        "hg-block-economy-10yi": (10, ">", "cluster"),
    }


def test_hg_t_1_ten_characteristic_clusters_over_100yi_laid_out_by_county():
    spec = schema.read(HUANGGANG)
    t = targets(HUANGGANG)
    assert (t["hg-t-1-clusters-over-100yi"].value, t["hg-t-1-block-economy-over-10yi"].value) == (10, 30)
    characteristic = [c for c in spec.clusters if c.family == "county"]
    assert len(characteristic) == 10
    scoped = {x.scope for x in t.values() if x.indicator == "cluster_output" and x.value == 100}
    assert scoped == {f"cluster:{c.code}" for c in characteristic}
    layout = spec.county_layout
    assert layout.rule == "HG-T-1" and layout.totals == {"clusters": 10}
    assert {c for u in layout.units for c in u.clusters} == {c.code for c in characteristic}
    assert {u.region for u in layout.units} == {*COUNTIES[HUANGGANG], "龙感湖"}


def test_hg_t_1_output_county_park_and_recognition_targets():
    t = targets(HUANGGANG)
    assert (t["hg-t-1-above-scale-output"].value, t["hg-t-1-above-scale-output"].comparator) == (3000, ">")
    assert (t["hg-t-1-counties-over-1000yi"].value, t["hg-t-1-parks-over-500yi"].value) == (1, 3)
    assert t["hg-t-1-national-characteristic-cluster"].params == {"level": "national", "kind": "characteristic"}
    assert t["hg-t-1-provincial-clusters"].value == 10


def test_hg_t_2_yearly_projects_and_investment():
    t = targets(HUANGGANG)
    yearly = {c: (x.value, x.comparator) for c, x in t.items() if x.rule == "HG-T-2" and x.per_year}
    assert yearly == {
        "hg-t-2-cluster-above-scale-growth": (10, "increase_by"),
        "hg-t-2-projects-started": (400, ">="),
        "hg-t-2-projects-producing": (300, ">="),
        "hg-t-2-signed-investment": (2000, ">="),
        "hg-t-2-funds-in-place-rate": (40, ">="),
    }
    assert all(t[c].year is None for c in yearly)


def test_hg_t_3_rd_coverage_50_percent_and_robots_as_written():
    t = targets(HUANGGANG)
    assert (t["hg-t-3-rd-institution-coverage"].value, t["hg-t-3-rd-institution-coverage"].comparator) == (50, ">=")
    assert (t["hg-t-3-industrial-robots"].value, t["hg-t-3-industrial-robots"].unit) == (2, "万台")


def test_hg_r_1_cluster_funds_per_year():
    r = rewards(HUANGGANG)
    got = {c: (x.amount, x.per) for c, x in r.items() if x.rule == "HG-R-1"}
    assert got == {
        "hg-r-1-national-cluster": (50, "per_year"),
        "hg-r-1-provincial-cluster": (20, "per_year"),
        "hg-r-1-best-counties": (100, "per_year"),
    }


def test_hg_r_2_first_revenue_milestones_paid_once():
    r = [x for x in rewards(HUANGGANG).values() if x.rule == "HG-R-2"]
    assert sorted((int(re.search(r"突破(\d+)亿元", x.condition).group(1)), x.amount) for x in r) == [
        (10, 30),
        (30, 50),
        (50, 80),
        (100, 100),
    ]
    assert all(x.per == "once" and x.amount_unit == "万元" for x in r)


def test_hg_r_3_scale_entry_rewards_8_10_10wan():
    r = rewards(HUANGGANG)
    assert [r[c].amount for c in ("hg-r-3-entry-year", "hg-r-3-two-years", "hg-r-3-growth-three-years")] == [8, 10, 10]
    growth = {t.key: t for t in schema.read(HUANGGANG).thresholds}["hg_scale_entry_growth_rate"]
    assert (growth.value, growth.comparator) == (15, ">=")  # 15%(含)以上


def test_hg_r_4_techrenovation_8_percent_capped_500wan():
    r = rewards(HUANGGANG)
    base = r["hg-r-4-techrenovation"]
    assert (base.rate, base.cap, base.cap_unit, base.per) == (8, 500, "万元", "per_project")
    assert "设备投资额" in base.base
    assert (r["hg-r-4-techrenovation-premium"].rate, r["hg-r-4-techrenovation-premium"].cap) == (10, 500)


def test_hg_r_5_integration_and_5g_awards():
    r = rewards(HUANGGANG)
    assert (r["hg-r-5-provincial-integration-pilot"].amount, r["hg-r-5-national-integration-standard"].amount) == (
        10,
        20,
    )
    assert (r["hg-r-5-5g-base-station"].amount, r["hg-r-5-5g-base-station"].amount_unit) == (1000, "元")


def test_hg_a_1_yearly_assessment_has_weights_summing_to_100():
    a = schema.read(HUANGGANG).assessment
    assert a.rule == "HG-A-1" and sum(i.weight for i in a.indicators) == 100
    assert all(i.scoring == "rank" for i in a.indicators)  # the text sets no county targets to score against


# --- 益阳 (YY) --------------------------------------------------------------------------------------------------


def test_yy_t_1_thousand_hundred_ten_system_and_tiers():
    spec = schema.read(YIYANG)
    assert spec.industrial_system.label == "千百十"
    assert [i.name for i in spec.industries] == ["电子信息", "新材料", "食品加工", "高端装备制造", "文旅体康"]
    tier = tiers(YIYANG)
    assert (tier["yy-industry-1000yi"].applies_to, tier["yy-industry-1000yi"].value) == ("industry", 1000)
    assert (tier["yy-enterprise-100yi"].applies_to, tier["yy-enterprise-100yi"].value) == ("enterprise", 100)
    assert (tier["yy-project-10yi"].applies_to, tier["yy-project-10yi"].value) == ("project", 10)


def test_yy_t_1_targets_for_2025_and_2024():
    t = targets(YIYANG)
    assert (t["yy-t-1-industries-1000yi"].value, t["yy-t-1-industries-1000yi"].year) == (5, 2025)
    assert (t["yy-t-1-industries-1000yi-2024"].value, t["yy-t-1-industries-1000yi-2024"].year) == (4, 2024)
    enterprises = {
        (x.params["threshold"], x.year): x.value
        for x in t.values()
        if x.indicator == "enterprise_count_revenue_over" and "sector" not in x.params
    }
    assert enterprises == {(50, 2025): 7, (30, 2025): 20, (100, 2024): 1, (80, 2024): 1}
    assert t["yy-t-1-enterprises-100yi"].value == 2
    about = t["yy-t-1-projects-10yi"]
    assert (about.value, about.comparator, about.params["approximate"]) == (100, "=", True)  # 100个左右
    assert t["yy-t-1-projects-10yi-2024"].value == 80


def test_yy_t_1_sector_breakdowns_add_up():
    t = targets(YIYANG)
    fifty = [x.value for x in t.values() if x.params.get("threshold") == 50 and x.params.get("sector")]
    thirty = [x.value for x in t.values() if x.params.get("threshold") == 30 and x.params.get("sector")]
    assert sum(fifty) == 7 and sum(thirty) == 20


def test_yy_t_2_capacitors_over_300yi_scoped_to_the_sub_cluster():
    t = targets(YIYANG)["yy-t-2-capacitors"]
    assert (t.indicator, t.value, t.unit, t.comparator, t.year) == ("cluster_output", 300, "亿元", ">", 2025)
    assert t.scope == "cluster:yy-capacitors" and t.rule == "YY-T-2"
    electronics = next(c for c in schema.read(YIYANG).clusters if c.code == "yy-electronics")
    assert [c.name for c in electronics.children] == ["电容器产业", "线路板产业", "基于5G的设备整机及零部件产业"]


def test_yy_t_2_every_sub_industry_has_its_2025_target():
    spec = schema.read(YIYANG)
    t = targets(YIYANG)
    scoped = {x.scope.removeprefix("cluster:"): x for x in t.values() if x.rule == "YY-T-2" and x.scope != "city"}
    assert {c.code for c, _ in schema.iter_clusters(spec.clusters)} == set(scoped)
    equipment = {k: scoped[k].value for k in scoped if k in {c.code for c in spec.clusters[3].children}}
    assert equipment == {
        "yy-construction-machinery": 570,
        "yy-power-equipment": 300,
        "yy-agri-machinery": 90,
        "yy-rail-transit": 130,
        "yy-shipbuilding": 160,
    }
    assert (scoped["yy-equipment"].value, scoped["yy-electronics"].value, scoped["yy-new-materials"].value) == (
        1200,
        1000,
        900,
    )
    assert scoped["yy-culture-tourism-health"].comparator == ">="  # 达到1200亿元
    assert scoped["yy-culture-tourism"].indicator == "cluster_revenue"  # 文化旅游总收入


def test_yy_p_1_2022_project_list_adds_up():
    t = [x for x in targets(YIYANG).values() if x.rule == "YY-P-1"]
    total = next(x for x in t if x.code == "yy-p-1-projects-10yi-2022")
    grades = {x.params["threshold"]: x.value for x in t if "project_type" not in x.params and x is not total}
    assert total.value == 52 and grades == {100: 4, 50: 8, 10: 40} and sum(grades.values()) == 52
    for threshold, n in grades.items():
        assert sum(x.value for x in t if x.params.get("threshold") == threshold and "project_type" in x.params) == n


def test_yy_p_3_yearly_evaluation_has_weights_summing_to_100():
    a = schema.read(YIYANG).assessment
    assert a.rule == "YY-P-3" and sum(i.weight for i in a.indicators) == 100


def test_yy_org_1_lead_units_first():
    tasks = {t.code: t for t in schema.read(YIYANG).tasks}
    assert tasks["yy-3-1"].units[0] == "市工业和信息化局"
    assert tasks["yy-3-4"].units[0] == "市科技局"
    assert tasks["yy-3-6"].units[0] == "市市场监管局"
    assert tasks["yy-4-2-manufacturing"].units == ["市工业和信息化局"]
    assert tasks["yy-4-2-agriculture"].units == ["市农业农村局"]


@pytest.mark.django_db
def test_yy_loaded_targets_point_at_their_sub_clusters():
    do_load_pack(actor=SYSTEM, path=YIYANG)
    capacitors = Target.objects.get(code="yy-t-2-capacitors")
    assert capacitors.cluster.code == "yy-capacitors" and capacitors.cluster.parent.code == "yy-electronics"
    assert capacitors.value == Decimal("300") and capacitors.comparator == ">"
    assert Cluster.objects.get(code="yy-shipbuilding").region.name == "沅江市"

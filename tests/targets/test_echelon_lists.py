"""梯队名单 (FIDELITY D5): every tier of the city's pack lists what reaches it and its 后备, at the tier's own boundary
and on its own measure — EZ-T-1 (鄂州), HG-T-1 (黄冈), YY-T-1 and YY-P-1 (益阳). Figures worked out by hand: each firm's
12-month 统计 figures are the amounts in its line (亿元); 后备 = short of the tier with at least 80 % of its value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.targets import echelons
from tests.factories import ProjectFactory
from tests.targets.echelon_world import firm, lists, names, region
from tests.targets.engine_world import city_values, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def test_ez_t_1_enterprise_tiers_include_the_bound_and_the_output_tier_excludes_it():
    load_pack("ezhou")
    firm("甲", "鄂城区", revenue="100", output="5")  # exactly 100亿: 百亿级 (级 = >=); output far below 10
    firm("乙", "鄂城区", revenue="99.9999")  # short of 百亿级 by 1万元: its 后备
    firm("丙", "华容区", revenue="80")  # exactly 80 % of 100: still 后备
    firm("丁", "华容区", revenue="79.9999")  # below 80 %: not 后备 of 百亿级, but 50亿级
    firm("戊", "梁子湖区", main_revenue="100")  # no 营业收入: 主营业务收入 stands in, as in the engine
    firm("己", "鄂城区", output="10")  # 产值 exactly 10亿: NOT 过10亿 (>), its 后备; no revenue, so no revenue tier
    firm("庚", "鄂城区", output="10.0001")  # 过10亿
    firm("辛", "鄂城区", output="7.9999")  # below 80 % of 10: nowhere
    got = lists()

    assert names(got["ez-enterprise-100yi"]) == (["戊", "甲"], ["乙", "丙"])
    assert names(got["ez-enterprise-50yi"]) == (["戊", "甲", "乙", "丙", "丁"], [])
    assert names(got["ez-enterprise-10yi"]) == (["戊", "甲", "乙", "丙", "丁"], [])
    # EZ-T-1 “加大对产值过10亿元的工业企业扶持力度”: output (not revenue) and 过 (>): 甲 with revenue 100 is not on it
    assert names(got["ez-key-enterprise-output-10yi"]) == (["庚"], ["己"])
    ech = got["ez-enterprise-100yi"]
    assert [(e.figure, e.share) for e in ech.reserve] == [
        (Decimal("99.9999"), Decimal("100.0")),  # 99.9999 ÷ 100 = 99.9999 % → one decimal
        (Decimal("80"), Decimal("80.0")),
    ]
    assert got["ez-key-enterprise-output-10yi"].reached[0].share == Decimal("100.0")  # 10.0001 ÷ 10


def test_ez_t_1_lists_agree_with_the_engines_counts_on_the_same_data():
    """One definition: the 百亿级 / 50亿级 / 10亿级 lists have as many firms as the target pages count."""
    load_pack("ezhou")
    for i, revenue in enumerate(("100", "99.9999", "50", "10", "10.5", "9.9999")):
        firm(f"企业{i}", "鄂城区", revenue=revenue)
    got, values = lists(), city_values()
    for tier, target in (
        ("ez-enterprise-100yi", "ez-t-1-enterprises-100yi"),
        ("ez-enterprise-50yi", "ez-t-1-enterprises-50yi"),
        ("ez-enterprise-10yi", "ez-t-1-enterprises-10yi"),
    ):
        assert len(got[tier].reached) == figure(values, target), tier


def test_ez_t_1_the_1000yi_industry_is_its_clusters_firms_output_each_counted_once():
    load_pack("ezhou")
    # in the 光电子信息 chain (a top-level cluster, no sub-cluster): 500 + 300 of output, and 2000 of revenue only
    firm("光电甲", "鄂城区", output="500", clusters=("ez-optoelectronics",))
    firm("光电乙", "葛店经开区", output="300", revenue="2000", clusters=("ez-optoelectronics",))
    got = lists()["ez-industry-1000yi"]
    assert got.missing == ""
    # 800 of 1000 = 80 %: 后备 of 千亿级产业 on output; revenue (2000) is not its measure
    assert names(got) == ([], ["光电子信息"])
    assert got.reserve[0].figure == Decimal("800")


def test_hg_t_1_cluster_tiers_count_their_family_and_pass_the_number():
    load_pack("huanggang")
    firm("石材甲", "麻城市", output="100", clusters=("hg-macheng-stone",))  # exactly 100: not 过百亿, 后备
    firm("钢构甲", "团风县", output="100.0001", clusters=("hg-tuanfeng-steel-structure",))  # 过百亿
    firm("农产品甲", "黄州区", output="900", clusters=("hg-agri-food",))  # 优势产业 (pillar): 千亿's 后备 only
    got = lists()
    reached, reserve = names(got["hg-cluster-100yi"])
    assert reached == ["团风钢结构产业集群"]
    assert reserve == ["麻城石材产业集群"]
    assert "农产品加工产业集群" not in reached + reserve  # 900 > 100, but not a 特色产业集群 (family county)
    assert names(got["hg-cluster-1000yi"]) == ([], ["农产品加工产业集群"])  # 900 ≥ 800
    # same count as the target page's 产值过百亿特色产业集群数 (cluster_count_revenue_over, family county, >)
    assert len(got["hg-cluster-100yi"].reached) == figure(city_values(), "hg-t-1-clusters-over-100yi") == 1


def test_hg_t_1_the_county_tier_counts_above_scale_output_and_the_park_tier_every_firm():
    load_pack("huanggang")
    firm("规上甲", "麻城市", output="1000", above=True)  # 规上 output exactly 1000: not 过千亿
    firm("规下甲", "麻城市", output="1")  # the county's total is 1001, but it is not 规上
    firm("龙感湖甲", "龙感湖管理区", output="450", above=True)
    firm("龙感湖乙", "龙感湖管理区", output="50.0001")  # the park (a county-level unit): every firm, 500.0001
    got = lists()
    county = got["hg-county-1000yi"]
    assert names(county) == ([], ["麻城市"])
    assert county.reserve[0].figure == Decimal("1000")
    park = got["hg-park-500yi"]
    assert names(park) == (["龙感湖管理区"], [])
    assert park.reached[0].figure == Decimal("500.0001")


def test_hg_t_1_a_tier_without_anything_to_list_says_why():
    load_pack("huanggang")
    got = lists()["hg-block-economy-10yi"]  # the pack names none of the 30 地标块状经济 bases
    assert got.reached == got.reserve == []
    assert got.missing == "还没有“地标块状经济”类的产业集群，无法列出。"


def test_yy_t_1_enterprise_and_industry_tiers_reach_at_the_bound():
    load_pack("yiyang")
    firm("百亿甲", "赫山区", revenue="100")  # 百亿级 (>=), and 80亿级, 50亿级, 30亿级
    firm("八十亿甲", "资阳区", revenue="79.9999")  # short of 80亿级 and over 80 % of it: 后备; 50亿级, 30亿级
    firm("电子甲", "赫山区", output="1000", clusters=("yy-electronics", "yy-capacitors"))  # 千亿级产业 exactly
    firm("材料甲", "资阳区", output="800", clusters=("yy-new-materials",))  # 后备 of 千亿级, 500亿级
    got = lists()
    assert names(got["yy-enterprise-100yi"]) == (["百亿甲"], [])
    assert names(got["yy-enterprise-80yi"]) == (["百亿甲"], ["八十亿甲"])
    assert names(got["yy-enterprise-30yi"]) == (["百亿甲", "八十亿甲"], [])
    # 电子甲 is in the industry's cluster and in its sub-cluster: counted once (1000, not 2000)
    assert names(got["yy-industry-1000yi"]) == (["电子信息"], ["新材料"])
    assert got["yy-industry-1000yi"].reached[0].figure == Decimal("1000")
    assert names(got["yy-industry-500yi"]) == (["电子信息", "新材料"], [])
    # 县级百亿级产业: each county's part of an industry
    assert names(got["yy-county-industry-100yi"]) == (["资阳区新材料", "赫山区电子信息"], [])
    # revenue firms without output add nothing to an industry (measure output)
    assert got["yy-county-enterprise-10yi"].reached[0].county == "资阳区"  # county-level tiers list by county


def test_yy_p_1_project_tiers_by_investment_implemented_this_year():
    load_pack("yiyang")
    heshan = region("赫山区")
    ProjectFactory(name="百亿项目", county=heshan, investment=Decimal("100"))
    ProjectFactory(name="十亿项目", county=heshan, investment=Decimal("10"))  # exactly 10: 十亿级 (>=)
    ProjectFactory(name="八亿项目", county=heshan, investment=Decimal("8"))  # 80 % of 10: 后备
    ProjectFactory(name="七亿项目", county=heshan, investment=Decimal("7.9999"))  # below 80 %: nowhere
    ProjectFactory(name="退出项目", county=heshan, investment=Decimal("20"), exited_on=dt.date(2025, 3, 1))
    ProjectFactory(name="去年投产项目", county=heshan, investment=Decimal("20"), producing_on=dt.date(2024, 12, 1))
    ProjectFactory(name="今年投产项目", county=heshan, investment=Decimal("20"), producing_on=dt.date(2025, 2, 1))
    got = lists()
    assert names(got["yy-project-10yi"]) == (["百亿项目", "今年投产项目", "十亿项目"], ["八亿项目"])
    assert names(got["yy-project-100yi"]) == (["百亿项目"], [])
    assert names(got["yy-project-50yi"]) == (["百亿项目"], [])
    assert len(names(got["yy-county-project-1yi"])[0]) == 5  # 1亿级: all five implemented this year


def test_a_tier_the_module_cannot_compute_says_why():
    tier = echelons.Tier.of(
        {"code": "x", "name": "测试", "applies_to": "enterprise", "value": 1, "unit": "家", "comparator": ">="}
    )
    assert tier.why_not() == "单位“家”无法换算为亿元，无法列出。"
    below = echelons.Tier.of(
        {"code": "y", "name": "测试", "applies_to": "cluster", "value": 1, "unit": "亿元", "comparator": "<"}
    )
    assert below.why_not().startswith("比较符“<”不是门槛")

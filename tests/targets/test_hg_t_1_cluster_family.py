"""HG-T-1 tiers are families of clusters: “10个产值过百亿特色产业集群” counts the county characteristic clusters
only (a 五大优势产业 pillar cluster over 100亿 is not one of them), “30个过十亿地标块状经济” the 块状经济 family
(FIDELITY D2)."""

from __future__ import annotations

import pytest

from chanye.industry.models import Cluster, Target
from tests.targets.engine_world import city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def huanggang_clusters():
    load_pack("huanggang")
    # Two 块状经济 bases (the text names none; family other as the pack's families list has it).
    Cluster.objects.create(code="hg-block-a", name="测试块状经济甲", family="other")
    Cluster.objects.create(code="hg-block-b", name="测试块状经济乙", family="other")
    # 12-month output (亿元) of each cluster's one member
    firm(output_yi="150", clusters=("hg-agri-food",))  # pillar
    firm(output_yi="120", clusters=("hg-macheng-stone",))  # county
    firm(output_yi="100", clusters=("hg-kiln",))  # county, exactly 100: not 过
    firm(output_yi="100.0001", clusters=("hg-tcm-herbs",))  # county
    firm(output_yi="12", clusters=("hg-block-a",))
    firm(output_yi="10", clusters=("hg-block-b",))  # exactly 10: not 过
    firm(output_yi="11", clusters=("hg-equipment",))  # pillar


def test_hg_t_1_hundred_yi_characteristic_clusters_exclude_pillar_ones(huanggang_clusters):
    Target.objects.create(
        code="hg-test-any-family-100yi",
        indicator="cluster_count_revenue_over",
        label="产值过百亿集群数（不分类别，测试）",
        value=10,
        params={"threshold": 100, "threshold_comparator": ">", "measure": "output"},
        rule="HG-T-1",
    )
    v = city_values()
    assert figure(v, "hg-t-1-clusters-over-100yi") == 2  # 麻城石材 120, 中药材 100.0001
    assert figure(v, "hg-test-any-family-100yi") == 3  # without the family the pillar 农产品加工 150 counts too


def test_hg_t_1_block_economy_counts_its_own_family(huanggang_clusters):
    v = city_values()
    # 块状经济 over 10亿: base 甲 (12); not 乙 (exactly 10), nor the pillar 装备制造 (11) or any county cluster
    assert figure(v, "hg-t-1-block-economy-over-10yi") == 1

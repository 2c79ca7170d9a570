"""HG-T-1 “产值过千亿优势产业集群”: the measure is 产值 (params.measure: output), not 营业收入, and “过” excludes the
number (FIDELITY D2). The measure parameter changes enterprise counts the same way."""

from __future__ import annotations

import pytest

from chanye.industry.models import Target
from tests.targets.engine_world import city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def test_hg_t_1_thousand_yi_clusters_are_counted_by_output(transactional_db):
    load_pack("huanggang")
    # 12 months to June 2025 (亿元):      output     revenue
    firm(output_yi="1200", revenue_yi="900", clusters=("hg-agri-food",))  # 过千亿 by output only
    firm(output_yi="1000", revenue_yi="1100", clusters=("hg-building-home",))  # exactly 1000 output: not 过
    firm(output_yi="1000.0001", revenue_yi="800", clusters=("hg-pharma-chem",))  # 过 by output only
    v = city_values()
    assert figure(v, "hg-t-1-clusters-over-1000yi") == 2  # agri-food, pharma-chem
    assert v["cluster_count_revenue_over", "threshold=1000"] == 1  # by revenue it would be building-home alone


def test_hg_enterprise_counts_follow_the_measure(transactional_db):
    load_pack("huanggang")
    Target.objects.create(
        code="hg-test-output-firms",
        indicator="enterprise_count_revenue_over",
        label="产值过百亿企业数（测试）",
        value=1,
        comparator=">=",
        params={"threshold": 100, "threshold_comparator": "过", "measure": "产值"},
        rule="HG-T-1",
    )
    firm(output_yi="150", revenue_yi="90")
    firm(output_yi="120", revenue_yi="90")
    firm(output_yi="100", revenue_yi="150")  # exactly 100 output: not 过
    v = city_values()
    t = Target.objects.get(code="hg-test-output-firms")
    assert t.series_key == "threshold=100,measure=output"  # “过” is the default '>' and stays out of the key
    assert figure(v, "hg-test-output-firms") == 2
    assert v["enterprise_count_revenue_over", "threshold=100"] == 1  # by revenue: the third firm only

"""HG-T-3 “每个特色产业集群打造至少1家智能制造示范工厂、10家两化融合示范企业”: a condition on every county
characteristic cluster, computed as the share of those clusters meeting it (100 % = every one), not one city
figure: 10 demo firms in one cluster and none in the others is 1 cluster of 10, not “10 ≥ 10”. Figures worked out by
hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.enterprises.models import Honour
from chanye.industry.models import Cluster
from chanye.targets.indicators import compute
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import MONTH, city_values, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def huanggang():
    load_pack("huanggang")
    county_clusters = Cluster.objects.filter(is_active=True, family="county", parent__isnull=True)
    assert county_clusters.count() == 10  # the ten 百亿特色产业集群 the text lists


def firms(cluster: str, n: int, honour: str) -> None:
    from chanye.regions.models import Region

    c = Cluster.objects.get(code=cluster)
    county = c.region or Region.objects.filter(is_county_level=True).order_by("code").first()
    for _ in range(n):
        e = EnterpriseFactory(county=county)
        e.clusters.add(c)
        Honour.objects.create(enterprise=e, kind=honour)


def test_hg_t_3_ten_integration_demo_firms_in_one_cluster_is_one_cluster_of_ten(huanggang):
    firms("hg-macheng-stone", 10, "integration_demo")
    firms("hg-kiln", 9, "integration_demo")  # one short
    firms("hg-auto-parts", 12, "smart_factory")  # another honour
    v = city_values()
    assert figure(v, "hg-t-3-integration-demo-per-cluster") == Decimal("10")  # 1 of 10 clusters
    assert figure(v, "hg-t-3-smart-demo-factory-per-cluster") == Decimal("10")  # 汽车零配件 only


def test_hg_t_3_every_cluster_with_one_smart_factory_meets_the_target(huanggang):
    for c in Cluster.objects.filter(is_active=True, family="county", parent__isnull=True):
        firms(c.code, 1, "smart_factory")
    firms("hg-agri-food", 1, "smart_factory")  # a pillar cluster is not one of the 特色产业集群
    v = city_values()
    assert figure(v, "hg-t-3-smart-demo-factory-per-cluster") == Decimal("100")
    # each cluster shows its own count
    rows = compute(MONTH)
    stone = Cluster.objects.get(code="hg-macheng-stone").pk
    assert any(
        r.indicator == "cluster_honour_count"
        and r.cluster_id == stone
        and r.params_key == "honour=smart_factory"
        and r.value == 1
        for r in rows
    )


def test_hg_t_3_a_cluster_without_members_falls_short(huanggang):
    for c in Cluster.objects.filter(is_active=True, family="county", parent__isnull=True).exclude(code="hg-kiln"):
        firms(c.code, 1, "smart_factory")
    assert figure(city_values(), "hg-t-3-smart-demo-factory-per-cluster") == Decimal("90")

"""咸宁 keeps its figures: XN-CL-3 “营收超100亿元的企业” excludes a firm at exactly 100亿 (超 = '>'), and
XN-CL-1 “营收超1000亿元的产业集群” a cluster at exactly 1000亿; XN-LZ-2 “百亿企业（集团）” is written '>=' in the pack,
so an exact 100亿 chain leader counts there (FIDELITY D2)."""

from __future__ import annotations

import pytest

from chanye.industry.models import Cluster
from tests.targets.engine_world import city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def xianning_firms():
    load_pack("xianning")
    top = Cluster.objects.filter(parent__isnull=True, is_active=True).exclude(family="county").order_by("code")
    first, second = top[0].code, top[1].code
    # revenue (亿元): a chain leader at exactly 100, a firm at 100.0001, a cluster at exactly 1000 (two firms of 500)
    firm(revenue_yi="100", leader=True)
    firm(revenue_yi="100.0001")
    firm(revenue_yi="500", clusters=(first,))
    firm(revenue_yi="500", clusters=(first,))
    firm(revenue_yi="1000.0001", clusters=(second,))


def test_xn_cl_3_over_100yi_excludes_exactly_100(xianning_firms):
    v = city_values()
    assert figure(v, "xn-cl-3-enterprises-over-100yi") == 4  # 100.0001, 500, 500, 1000.0001 — not the exact 100
    assert figure(v, "xn-cl-3-enterprises-over-50yi") == 5


def test_xn_cl_1_over_1000yi_excludes_a_cluster_at_exactly_1000(xianning_firms):
    v = city_values()
    assert figure(v, "xn-cl-1-clusters-over-1000yi") == 1  # 1000.0001, not the cluster of 500 + 500
    assert figure(v, "xn-cl-1-clusters-over-500yi") == 2


def test_xn_lz_2_hundred_yi_groups_include_exactly_100(xianning_firms):
    v = city_values()
    assert figure(v, "xn-lz-2-chain-leader-groups-100yi") == 1  # the leader at exactly 100 (pack: '>=')
    assert v["chain_leader_count_revenue_over", "threshold=100"] == 0  # the strict default excludes it

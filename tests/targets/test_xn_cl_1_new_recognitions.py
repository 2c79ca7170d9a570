"""XN-CL-1 “新认定省级中小企业特色产业集群20个”: only recognitions of the plan period (咸宁 2025—2030) count for
the `new` target; the recognitions before it still count for the level/kind totals (FIDELITY D2: `new: true` was
dropped)."""

from __future__ import annotations

import pytest

from chanye.industry.models import Cluster
from tests.targets.engine_world import city_values, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def test_xn_cl_1_new_provincial_sme_clusters_are_those_of_the_period(transactional_db):
    load_pack("xianning")
    Cluster.objects.update(recognitions=[])
    a, b, c, d = Cluster.objects.filter(is_active=True).order_by("code")[:4]
    for cluster, year in ((a, 2025), (b, 2026), (c, 2024), (d, None)):
        cluster.recognitions = [{"level": "provincial", "kind": "sme_characteristic", "year": year}]
        cluster.save()
    v = city_values()
    assert figure(v, "xn-cl-1-new-provincial-sme-clusters") == 2  # 2025 and 2026; not 2024, nor one without a year
    assert v["recognised_cluster_count", "level=provincial,kind=sme_characteristic"] == 4

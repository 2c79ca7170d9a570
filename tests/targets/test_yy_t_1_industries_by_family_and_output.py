"""YY-T-1 “5个千亿级产业（4个制造业 + 1个服务业）”: 千亿级 is reaching 1000亿 of 产值 (YY-T-2 writes each industry's
总产值), the manufacturing ones are the pillar clusters and the service one 文旅体康 (family other) — FIDELITY D2."""

from __future__ import annotations

import pytest

from tests.targets.engine_world import city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def test_yy_t_1_thousand_yi_industries_by_family_and_output(transactional_db):
    load_pack("yiyang")
    # 12-month output (亿元) of each top-level cluster's one member; 高端装备 has revenue, not output, over 1000
    firm(output_yi="1000", clusters=("yy-electronics",))  # pillar, exactly 1000: 级 counts it
    firm(output_yi="999.9999", clusters=("yy-new-materials",))  # pillar
    firm(output_yi="1000.5", clusters=("yy-food",))  # pillar
    firm(output_yi="500", revenue_yi="1200", clusters=("yy-equipment",))  # pillar
    firm(output_yi="1000", clusters=("yy-culture-tourism-health",))  # other (文旅体康)
    v = city_values()
    assert figure(v, "yy-t-1-industries-1000yi") == 3
    assert figure(v, "yy-t-1-manufacturing-industries-1000yi") == 2  # 电子信息, 食品
    assert figure(v, "yy-t-1-service-industries-1000yi") == 1  # 文旅体康
    assert figure(v, "yy-t-1-industries-1000yi-2024") == 3
    assert v["cluster_count_revenue_over", "threshold=1000"] == 1  # by revenue, strictly over: 高端装备 alone

"""XN-LZ-6 (兼并重组资产评估、财务审计等费用：不超过30%，单个项目最高20万元) and XN-LZ-8
(每个产业活动补贴每年不超过10万元): accepted chain-leader claims become the year's entitlements, added up
per project and held to the caps; the 咸宁 pack's rules, figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.cultivation import subsidies
from chanye.cultivation.models import SubsidyClaim
from chanye.industry.models import Industry
from chanye.regions.models import Region
from tests.factories import ListedLeaderFactory, UserFactory
from tests.rewards.world import compute, granted, load_pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader():
    load_pack("xianning")
    return ListedLeaderFactory(
        enterprise__county=Region.objects.get(name="咸安区"), industry=Industry.objects.filter(is_active=True).first()
    )


def test_xn_lz_6_claims_on_one_project_add_up_and_the_entitlement_is_what_was_accepted(leader):
    admin = UserFactory(username="admin", role="city_admin")
    subsidies.do_claim(actor=admin, kind="mna_cost", year=2025, leader=leader, project="并购甲", cost=50, amount=5)
    subsidies.do_claim(actor=admin, kind="mna_cost", year=2025, leader=leader, project="并购甲", cost=50, amount=10)
    subsidies.do_claim(actor=admin, kind="mna_cost", year=2025, leader=leader, project="并购乙", cost=100, amount=20)
    result = compute(2025)
    e = leader.enterprise_id
    assert granted(2025, "xn-lz-6-mna-cost") == {(e, "并购甲"): Decimal("15"), (e, "并购乙"): Decimal("20")}
    assert result.total == Decimal("35")


def test_xn_lz_6_a_claim_over_todays_caps_is_held_to_them(leader):
    # Registered under looser settings (written directly, as an older rule would have let it): 30 % of 200 = 60 → 20
    SubsidyClaim.objects.create(
        kind="mna_cost", leader=leader, industry=leader.industry, year=2025, project="并购丙", cost=200, amount=60,
        on="2025-03-01",
    )  # fmt: skip
    compute(2025)
    assert granted(2025, "xn-lz-6-mna-cost") == {(leader.enterprise_id, "并购丙"): Decimal("20")}


def test_xn_lz_8_events_per_industry_and_year_at_most_10_wan(leader):
    admin = UserFactory(username="admin", role="city_admin")
    subsidies.do_claim(
        actor=admin, kind="event", year=2025, leader=leader, industry=leader.industry, project="产业论坛", amount=6
    )
    subsidies.do_claim(
        actor=admin, kind="event", year=2025, leader=leader, industry=leader.industry, project="产供销对接会", amount=4
    )
    compute(2025)
    assert sum(granted(2025, "xn-lz-8-industry-events").values()) == Decimal("10")
    _ = SYSTEM

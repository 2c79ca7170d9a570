"""Local supporting rate (XN-LZ-2) from declared direct upstream/downstream relations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chanye.cultivation import supply
from chanye.industry.models import Target
from chanye.targets.models import IndicatorValue
from chanye.targets.progress import progress_for
from tests.factories import EnterpriseFactory, ListedLeaderFactory

pytestmark = pytest.mark.django_db


def test_xn_lz_2_rate_is_the_local_share_of_declared_amounts(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    local = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼配套包装有限公司")
    a = users["admin"]  # a county officer finds only their own county's firms (tests/security/test_scoped_lookups.py)
    r1 = supply.do_declare_relation(
        actor=a, leader=leader, year=2025, direction="upstream", partner_name="嘉鱼配套包装有限公司", amount="300"
    )
    assert r1.partner == local and r1.is_local  # found in the registry → local
    supply.do_declare_relation(
        actor=a, leader=leader, year=2025, direction="upstream", partner_name="上海某材料公司", amount=700
    )
    assert supply.local_rate(leader.relations.filter(year=2025)) == Decimal("30.00")
    # exactly 30% is not "超过30%"
    t = Target.objects.get(indicator="local_supporting_rate")
    assert progress_for(t).current == Decimal("30.00") and progress_for(t).status != "met"
    supply.do_declare_relation(
        actor=a,
        leader=leader,
        year=2025,
        direction="downstream",
        partner_name="咸宁本地经销商",
        amount=1,
        is_local=True,
    )
    assert supply.city_local_rate(2025) == Decimal("30.07")
    assert IndicatorValue.objects.get(indicator="local_supporting_rate").value == Decimal("30.07")


def test_redeclaring_a_partner_updates_it_and_bad_amounts_are_refused(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    a = users["admin"]
    supply.do_declare_relation(
        actor=a, leader=leader, year=2025, direction="upstream", partner_name="外地A", amount=100
    )
    supply.do_declare_relation(actor=a, leader=leader, year=2025, direction="upstream", partner_name="外地A", amount=50)
    assert leader.relations.get().amount == 50
    for bad, msg in (("", "请填写"), ("-1", "负数"), ("0", "大于0"), ("abc", "不是数字")):
        with pytest.raises(ValidationError, match=msg):
            supply.do_declare_relation(
                actor=a, leader=leader, year=2025, direction="upstream", partner_name="外地B", amount=bad
            )


def test_no_relations_means_no_rate(users, regions):
    ListedLeaderFactory(enterprise__county=regions["咸安区"])
    assert supply.city_local_rate(2025) is None

"""Subsidy claims checked when entered (XN-LZ-6/7/8): caps, shares, cumulative amounts, clear refusals, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core.models import AuditLog
from chanye.cultivation import subsidies
from chanye.cultivation.models import SubsidyClaim
from chanye.industry.models import Industry, Threshold
from tests.factories import ListedLeaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(regions):
    return ListedLeaderFactory(enterprise__county=regions["咸安区"])


def claim(users, **kw):
    return subsidies.do_claim(actor=users["admin"], year=2025, **kw)


def test_xn_lz_6_mna_cost_subsidy_at_most_30_percent(users, leader):
    claim(users, kind="mna_cost", leader=leader, project="并购甲", cost=50, amount=15)  # exactly 30%
    with pytest.raises(ValidationError, match=r"超过费用50万元的30%"):
        claim(users, kind="mna_cost", leader=leader, project="并购甲", cost=50, amount="0.01")  # cumulative
    assert SubsidyClaim.objects.count() == 1


def test_xn_lz_6_at_most_20_wan_per_project(users, leader):
    claim(users, kind="mna_cost", leader=leader, project="并购乙", cost=100, amount=20)  # exactly 20万 allowed
    with pytest.raises(ValidationError, match="单个项目补助最高20万元"):
        claim(users, kind="mna_cost", leader=leader, project="并购丙", cost=100, amount="20.01")
    with pytest.raises(ValidationError, match="费用总额"):
        claim(users, kind="mna_cost", leader=leader, project="并购丁", amount=5)


def test_xn_lz_7_fund_equity_at_most_30_percent_cumulatively(users, leader):
    claim(
        users, kind="fund_equity", leader=leader, project="基金一期", amount=5000, equity_pct=20, largest_other_pct=45
    )
    claim(
        users, kind="fund_equity", leader=leader, project="基金二期", amount=2000, equity_pct=10, largest_other_pct=45
    )
    with pytest.raises(ValidationError, match=r"累计持股将达30\.01%"):
        claim(
            users, kind="fund_equity", leader=leader, project="三期", amount=1, equity_pct="0.01", largest_other_pct=45
        )


def test_xn_lz_7_fund_never_the_largest_shareholder(users, leader):
    with pytest.raises(ValidationError, match="第一大股东"):
        claim(
            users, kind="fund_equity", leader=leader, project="入股", amount=1000, equity_pct=25, largest_other_pct=25
        )
    claim(
        users, kind="fund_equity", leader=leader, project="入股", amount=1000, equity_pct=25, largest_other_pct="25.01"
    )


def test_xn_lz_8_events_at_most_10_wan_per_industry_per_year(users, leader):
    food = Industry.objects.get(code="food")
    elec = Industry.objects.get(code="electronics")
    claim(users, kind="event", industry=food, project="食品论坛", amount=6)
    claim(users, kind="event", industry=food, project="产供销对接会", amount=4)  # exactly 10万 in total
    with pytest.raises(ValidationError, match=r"累计将达10\.5万元.*已批10万元"):
        claim(users, kind="event", industry=food, project="产学研", amount="0.5")
    claim(users, kind="event", industry=elec, project="电子论坛", amount=10)  # another industry
    subsidies.do_claim(actor=users["admin"], year=2026, kind="event", industry=food, project="次年", amount=10)


def test_refusals_are_audited_and_caps_follow_the_pack(users, leader):
    with pytest.raises(ValidationError):
        claim(users, kind="mna_cost", leader=leader, project="并购", cost=100, amount=25)
    log = AuditLog.objects.get(action="refused")
    assert "XN-LZ-6" in log.message and log.after["amount"] == "25"
    Threshold.objects.filter(key="mna_cost_subsidy_cap").update(value=30)
    claim(users, kind="mna_cost", leader=leader, project="并购", cost=100, amount=25)


def test_only_the_city_enters_claims_and_only_for_listed_leaders(users, regions, leader):
    with pytest.raises(PermissionDenied):
        subsidies.do_claim(
            actor=users["xianan"], year=2025, kind="event", industry=leader.industry, project="x", amount=1
        )
    notice = ListedLeaderFactory(enterprise__county=regions["咸安区"], status="notice")
    with pytest.raises(ValidationError, match="不在链主企业库"):
        claim(users, kind="mna_cost", leader=notice, project="x", cost=10, amount=1)

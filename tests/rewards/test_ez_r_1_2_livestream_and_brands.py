"""EZ-R-1 (规上工业企业电商直播销售自产工业品达到500万元/年以上：主播带货佣金的15%，单个企业年补贴不超过100万元)
and EZ-R-2 (中国驰名商标60万元，湖北精品20万元), from reward facts and honours worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.rewards.world import compute, entered, excluded, fact, firm, granted, honour, load_pack

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ezhou():
    load_pack("ezhou")


def test_ez_r_1_500_wan_is_enough_the_firm_must_be_above_scale_and_the_cap_is_per_firm():
    at, below, small, big = firm(), firm(), firm(), firm()
    for e in (at, below, big):
        entered(e, dt.date(2020, 1, 1))
    for e, sales, commission in ((at, 500, 40), (below, "499.99", 40), (small, 900, 60), (big, 3000, 400)):
        fact(e, 2025, "livestream_sales", sales)
        fact(e, 2025, "livestream_commission", commission)
    fact(big, 2025, "livestream_commission", 300, project="第二平台")  # 700 in all: 105 → 100
    compute(2025)
    assert granted(2025, "ez-r-1-livestream") == {(at.pk, ""): Decimal("6"), (big.pk, ""): Decimal("100")}
    reasons = excluded(2025, "ez-r-1-livestream")
    assert "未达到500万元" in reasons[below.pk]
    assert "不是规模以上工业企业" in reasons[small.pk]


def test_ez_r_1_a_firm_that_left_scale_during_the_year_was_above_scale_in_it():
    left = firm()
    entered(left, dt.date(2019, 1, 1), dt.date(2025, 9, 1))
    fact(left, 2025, "livestream_sales", 800)
    fact(left, 2025, "livestream_commission", 100)
    compute(2025)
    assert granted(2025, "ez-r-1-livestream") == {(left.pk, ""): Decimal("15")}


def test_ez_r_2_trademark_and_quality_brand_in_their_year():
    mark, brand, both = firm(), firm(), firm()
    honour(mark, "wk_trademark", "", 2025)
    honour(brand, "quality_brand", "provincial", 2025)
    honour(both, "wk_trademark", "", 2025)
    honour(both, "quality_brand", "", 2024)
    compute(2025)
    assert granted(2025, "ez-r-2-well-known-trademark") == {(mark.pk, ""): Decimal("60"), (both.pk, ""): Decimal("60")}
    assert granted(2025, "ez-r-2-hubei-quality-brand") == {(brand.pk, ""): Decimal("20")}

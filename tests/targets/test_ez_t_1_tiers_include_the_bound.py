"""EZ-T-1 “百亿级/50亿级/10亿级企业”: 级 is reaching the tier, so a firm with exactly 100亿 is a 百亿级企业
(threshold_comparator '>=' in the 鄂州 pack); the catalogue's default (超过, '>') still excludes it (FIDELITY D2)."""

from __future__ import annotations

import pytest

from chanye.industry.models import Target
from chanye.targets import indicators
from chanye.targets.progress import progress_for
from tests.targets.engine_world import MONTH, city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ezhou_firms():
    load_pack("ezhou")
    # 12-month revenue (亿元): exactly 100, just under 100, exactly 50, exactly 10, 10.5 and 9.9999.
    for revenue in ("100", "99.9999", "50", "10", "10.5", "9.9999"):
        firm(revenue_yi=revenue)


def test_ez_t_1_a_firm_at_exactly_the_tier_counts(ezhou_firms):
    v = city_values()
    assert figure(v, "ez-t-1-enterprises-100yi") == 1  # 100 only
    assert figure(v, "ez-t-1-enterprises-50yi") == 3  # 100, 99.9999, 50
    assert figure(v, "ez-t-1-enterprises-10yi") == 5  # all but 9.9999


def test_ez_t_1_the_strict_reading_is_a_different_series(ezhou_firms):
    v = city_values()
    # The platform's defaults are “超过” (strictly over): the exact 100, 50 and 10 drop out.
    assert v["enterprise_count_revenue_over", "threshold=100"] == 0
    assert v["enterprise_count_revenue_over", "threshold=50"] == 2
    assert v["enterprise_count_revenue_over", "threshold=10"] == 4
    keys = {Target.objects.get(code=c).series_key for c in ("ez-t-1-enterprises-100yi", "ez-t-1-enterprises-50yi")}
    assert keys == {"threshold=100,threshold_comparator=>=", "threshold=50,threshold_comparator=>="}


def test_ez_t_1_the_target_page_reads_the_inclusive_figure(ezhou_firms):
    indicators.refresh(MONTH)
    p = progress_for(Target.objects.get(code="ez-t-1-enterprises-100yi"), today=MONTH)
    assert p.current == 1

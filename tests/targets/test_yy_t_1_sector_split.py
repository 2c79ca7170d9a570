"""YY-T-1 enterprise tiers split by 国民经济行业 sector: “7个以上50亿级企业（农林牧渔业2个、制造业5个）”,
“20个以上30亿级企业（制造业15个、建筑业3个、服务业2个）”, “2个以上百亿级（制造业）企业”. Each sector target counts
the firms whose GB/T 4754 门类 is its own (A, C, E, F–T), at or over the tier (级: ≥) — FIDELITY D2: all four
30亿级 targets read one number before."""

from __future__ import annotations

import pytest

from chanye.industry.models import Target
from tests.targets.engine_world import city_values, figure, firm, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def yiyang_firms():
    load_pack("yiyang")
    # 12-month revenue (亿元) and GB/T 4754 小类: A 0111, C 1311/3311, E 4710, F 5111, and one without a code
    for revenue, code in (
        ("60", "0111"),
        ("50", "0111"),
        ("50", "3311"),
        ("100", "1311"),
        ("30", "3311"),
        ("29.9999", "3311"),
        ("35", "4710"),
        ("30", "4710"),
        ("31", "5111"),
        ("40", None),
    ):
        firm(revenue_yi=revenue, code=code)


def test_yy_t_1_fifty_yi_tier_by_sector(yiyang_firms):
    v = city_values()
    assert figure(v, "yy-t-1-enterprises-50yi") == 4  # 60 A, 50 A, 50 C, 100 C
    assert figure(v, "yy-t-1-enterprises-50yi-agriculture") == 2  # 60, 50 (exactly 50 counts: 级)
    assert figure(v, "yy-t-1-enterprises-50yi-manufacturing") == 2  # 50, 100


def test_yy_t_1_thirty_yi_tier_by_sector(yiyang_firms):
    v = city_values()
    assert figure(v, "yy-t-1-enterprises-30yi") == 9  # all but 29.9999 (the firm without a code counts in the total)
    assert figure(v, "yy-t-1-enterprises-30yi-manufacturing") == 3  # 50, 100, 30
    assert figure(v, "yy-t-1-enterprises-30yi-construction") == 2  # 35, 30
    assert figure(v, "yy-t-1-enterprises-30yi-services") == 1  # 31 (批发业, 门类 F)


def test_yy_t_1_hundred_yi_manufacturing_and_the_2024_tiers(yiyang_firms):
    v = city_values()
    assert figure(v, "yy-t-1-enterprises-100yi") == 1  # the 制造业 firm at exactly 100
    assert figure(v, "yy-t-1-enterprises-100yi-2024") == 1
    assert figure(v, "yy-t-1-enterprises-80yi-2024") == 1


def test_yy_t_1_every_tier_target_has_its_own_series(yiyang_firms):
    codes = Target.objects.filter(indicator="enterprise_count_revenue_over", code__startswith="yy-t-1-")
    keys = [t.series_key for t in codes if not t.code.endswith("-2024")]
    assert len(keys) == len(set(keys)) == 8  # 百亿级 制造业; 50亿级 total, 农林牧渔业, 制造业; 30亿级 total and three

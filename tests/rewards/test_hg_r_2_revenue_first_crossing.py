"""HG-R-2 “对年主营业务收入首次突破10亿元、30亿元、50亿元、100亿元的企业，分别给予30、50、80、100万元一次性奖励”:
突破 excludes the line itself, 首次 excludes a firm that was above it in an earlier year, the higher tier replaces
the lower in the same year, and a year counts only with its twelve months. Figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.rewards.world import compute, excluded, firm, granted, load_pack, revenue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def huanggang():
    load_pack("huanggang")


def test_hg_r_2_exactly_10yi_is_not_a_breakthrough_and_a_little_more_is():
    at, over = firm(), firm()
    for e, yi in ((at, 10), (over, "10.0001")):
        revenue(e, 2024, 9)
        revenue(e, 2025, yi)
    compute(2025)
    assert granted(2025, "hg-r-2-revenue-10yi") == {(over.pk, ""): Decimal("30")}


def test_hg_r_2_a_firm_above_the_line_in_an_earlier_year_is_not_first():
    back = firm()
    revenue(back, 2023, 11)
    revenue(back, 2024, 9)  # fell back below
    revenue(back, 2025, 12)
    result = compute(2025)
    assert granted(2025, "hg-r-2-revenue-10yi") == {}
    assert "2023年" in excluded(2025, "hg-r-2-revenue-10yi")[back.pk]
    assert result.total == 0


def test_hg_r_2_the_higher_tier_replaces_the_lower_in_the_same_year():
    jump = firm()
    revenue(jump, 2024, 8)
    revenue(jump, 2025, 35)  # first above 10 and 30 in the same year: 50万元, not 30 + 50
    compute(2025)
    assert granted(2025, "hg-r-2-revenue-30yi") == {(jump.pk, ""): Decimal("50")}
    assert granted(2025, "hg-r-2-revenue-10yi") == {}
    assert "取代" in excluded(2025, "hg-r-2-revenue-10yi")[jump.pk]


def test_hg_r_2_each_tier_once_over_the_years():
    grower = firm()
    revenue(grower, 2023, 9)
    revenue(grower, 2024, 12)
    revenue(grower, 2025, 31)
    compute(2024)
    compute(2025)
    assert granted(2024, "hg-r-2-revenue-10yi") == {(grower.pk, ""): Decimal("30")}
    assert granted(2025, "hg-r-2-revenue-30yi") == {(grower.pk, ""): Decimal("50")}
    assert "2024年" in excluded(2025, "hg-r-2-revenue-10yi")[grower.pk]  # 10亿 passed in 2024 already


def test_hg_r_2_part_of_an_earlier_year_above_the_line_is_enough_to_be_not_first():
    back = firm()
    revenue(back, 2024, 11, months=6)  # half a year of figures, already above 10亿
    revenue(back, 2025, 12)
    compute(2025)
    assert "2024年" in excluded(2025, "hg-r-2-revenue-10yi")[back.pk]


def test_hg_r_2_an_incomplete_year_is_not_judged():
    partial = firm()
    revenue(partial, 2024, 5)
    revenue(partial, 2025, 20, months=11)
    compute(2025)
    assert granted(2025, "hg-r-2-revenue-10yi") == {} and excluded(2025, "hg-r-2-revenue-10yi") == {}

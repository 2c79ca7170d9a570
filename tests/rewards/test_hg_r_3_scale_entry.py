"""HG-R-3 “对首次进规（不含退规企业重新进规）的工业企业进规当年兑现奖励8万元，进规满2年后兑现奖励10万元，连续3年营业
收入保持在15%（含）以上增速的兑现奖励10万元”: the entry year, the second anniversary still 规上, a streak of three
growth rates of at least 15 % (15 % itself counts) reached once; re-entries and assumed entry dates are not first
entries. Figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.rewards.world import compute, entered, excluded, firm, granted, load_pack, revenue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def huanggang():
    load_pack("huanggang")


def test_hg_r_3_first_entry_is_rewarded_in_its_year_and_a_re_entry_is_not():
    new, back, assumed = firm(), firm(), firm()
    entered(new, dt.date(2025, 3, 1))
    entered(back, dt.date(2019, 1, 1), dt.date(2022, 1, 1))
    entered(back, dt.date(2025, 6, 1))  # 退规企业重新进规
    entered(assumed, dt.date(2025, 1, 1), assumed=True)  # a roster said 规上 without a date
    result = compute(2025)
    assert granted(2025, "hg-r-3-entry-year") == {(new.pk, ""): Decimal("8")}
    assert "重新进规" in excluded(2025, "hg-r-3-entry-year")[back.pk]
    assert any("推定" in n for n in result.notes)  # said, not silently dropped


def test_hg_r_3_two_years_after_entry_while_still_above_scale():
    stays, leaves, leaves_after = firm(), firm(), firm()
    entered(stays, dt.date(2023, 7, 1))
    entered(leaves, dt.date(2023, 7, 1), dt.date(2025, 6, 30))  # left one day short of two years
    entered(leaves_after, dt.date(2023, 7, 1), dt.date(2025, 7, 2))
    compute(2025)
    assert granted(2025, "hg-r-3-two-years") == {(stays.pk, ""): Decimal("10"), (leaves_after.pk, ""): Decimal("10")}
    assert "未满2年" in excluded(2025, "hg-r-3-two-years")[leaves.pk]
    compute(2024)
    assert granted(2024, "hg-r-3-two-years") == {}


def test_hg_r_3_three_years_of_growth_of_15_percent_inclusive_once():
    exact, short = firm(), firm()
    entered(exact, dt.date(2021, 5, 1))
    entered(short, dt.date(2021, 5, 1))
    # exact: 1.00 → 1.15 → 1.3225 → 1.520875 亿元: three growth rates of exactly 15 %
    for y, v in ((2021, "1"), (2022, "1.15"), (2023, "1.3225"), (2024, "1.520875"), (2025, "1.75")):
        revenue(exact, y, v)
    # short: the third year grows 14.99 %
    for y, v in ((2021, "1"), (2022, "1.15"), (2023, "1.3225"), (2024, "1.52074775")):
        revenue(short, y, v)
    compute(2024)
    compute(2025)
    assert granted(2024, "hg-r-3-growth-three-years") == {(exact.pk, ""): Decimal("10")}
    assert granted(2025, "hg-r-3-growth-three-years") == {}  # the streak goes on: rewarded once


def test_hg_r_3_growth_before_the_first_entry_does_not_count():
    late = firm()
    entered(late, dt.date(2023, 1, 1))
    for y, v in ((2021, "1"), (2022, "1.2"), (2023, "1.44"), (2024, "1.728"), (2025, "2.0736")):
        revenue(late, y, v)
    compute(2024)
    assert granted(2024, "hg-r-3-growth-three-years") == {}  # 2022–2024 growth, but entry in 2023

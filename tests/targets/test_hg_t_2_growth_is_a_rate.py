"""HG-T-2 “力争每年集群规上工业企业数新增10%以上”: a rate against the baseline (last year's end), of the 规上
enterprises in clusters — not the raw count, which any 10 firms would “meet” (FIDELITY D4). `baseline_year` moves
the baseline."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.industry.models import Target
from chanye.targets import indicators
from chanye.targets.progress import progress_for
from tests.targets.engine_world import MONTH, above, city_values, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)
IN = ("hg-agri-food",)


def build(entrants_2025: int) -> None:
    """规上 enterprises in a cluster: 16 since 2020 and 4 entered June 2024 (20 at the end of 2024, 16 at the end of
    2023); in 2025 one of them leaves (April) and `entrants_2025` enter (Feb–May); one enters in July (after the
    period) and one was 规上 only inside 2024. Outside clusters: 5 since 2020 and 4 entering in 2025."""
    load_pack("huanggang")
    olds = [above(dt.date(2020, 1, 1), clusters=IN) for _ in range(16)]
    for _ in range(4):
        above(dt.date(2024, 6, 1), clusters=IN)
    olds[0].scale_periods.update(exited_on=dt.date(2025, 4, 1))
    for i in range(entrants_2025):
        above(dt.date(2025, 2 + i % 4, 1), clusters=IN)
    above(dt.date(2025, 7, 1), clusters=IN)
    above(dt.date(2024, 3, 1), dt.date(2024, 10, 1), clusters=IN)
    for _ in range(5):
        above(dt.date(2020, 1, 1))
    for _ in range(4):
        above(dt.date(2025, 3, 1))


def test_hg_t_2_ten_percent_is_met_by_the_rate(transactional_db):
    build(entrants_2025=3)  # in clusters: 20 − 1 + 3 = 22 against 20 = +10 %
    v = city_values()
    assert figure(v, "hg-t-2-cluster-above-scale-growth") == 10
    # every 规上 enterprise: 31 (22 + 9 outside) against 25 at the end of 2024 = +24 %
    assert v["above_scale_count_growth", ""] == 24
    indicators.refresh(MONTH)
    p = progress_for(Target.objects.get(code="hg-t-2-cluster-above-scale-growth"), today=MONTH)
    assert (p.current, p.status) == (10, "met")  # 以上: exactly 10 % meets it


def test_hg_t_2_more_than_ten_new_firms_is_not_ten_percent(transactional_db):
    build(entrants_2025=2)  # 21 against 20 = +5 %, though 21 ≥ 10 would have “met” the raw-count reading
    v = city_values()
    assert figure(v, "hg-t-2-cluster-above-scale-growth") == 5
    indicators.refresh(MONTH)
    p = progress_for(Target.objects.get(code="hg-t-2-cluster-above-scale-growth"), today=MONTH)
    assert p.current == 5 and p.status != "met"


def test_hg_t_2_the_baseline_year_moves_the_base(transactional_db):
    build(entrants_2025=3)
    Target.objects.create(
        code="hg-test-growth-since-2023",
        indicator="above_scale_count_growth",
        label="集群规上企业数较2023年末增长（测试）",
        value=30,
        unit="%",
        comparator="increase_by",
        params={"in_clusters": True, "baseline_year": 2023},
        rule="HG-T-2",
    )
    v = city_values()
    assert figure(v, "hg-test-growth-since-2023") == 37.5  # 22 against 16 at the end of 2023
    assert figure(v, "hg-t-2-cluster-above-scale-growth") == 10

"""Target status by time elapsed, projections and the rate needed — edge cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.indicators import params_key
from chanye.industry.models import Target
from chanye.targets.models import IndicatorValue
from chanye.targets.progress import compound_projection, linear_projection, progress_for, satisfies

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 7, 2)  # half of 2027 gone


def target(**kw) -> Target:
    defaults = {
        "code": "t",
        "indicator": "above_scale_count",
        "label": "规上企业",
        "value": Decimal(2000),
        "unit": "家",
        "comparator": ">",
        "year": 2030,
        "rule": "XN-GS-2",
    }
    return Target.objects.create(**(defaults | kw))


def value(indicator: str, period: dt.date, v, **kw) -> None:
    IndicatorValue.objects.create(indicator=indicator, period=period, value=Decimal(str(v)), **kw)


@pytest.mark.parametrize(
    ("v", "cmp", "t", "ok"),
    [
        (2000, ">", 2000, False),
        (2001, ">", 2000, True),
        (2000, ">=", 2000, True),
        (30, "<=", 30, True),
        (30, "<", 30, False),
        (10, "increase_by", 10, True),
        (-13.5, "decrease_by", 13.5, True),
        (-13, "decrease_by", 13.5, False),
    ],
)
def test_comparators_follow_the_legal_reading(v, cmp, t, ok):
    assert satisfies(Decimal(str(v)), cmp, Decimal(str(t))) is ok


def test_met_early(regions):
    t = target(value=Decimal(500), comparator=">=")
    value("above_scale_count", dt.date(2026, 12, 1), 510)
    p = progress_for(t, today=TODAY, period_start=2025)
    assert p.status == "met" and p.status_label == "已达标" and p.needed_per_year is None


def test_on_track_and_behind_against_a_straight_line_from_the_baseline(regions):
    t = target(value=Decimal(2000))
    value("above_scale_count", dt.date(2024, 12, 1), 1000)  # baseline: the year before the pack's period
    value("above_scale_count", dt.date(2027, 6, 1), 1450)
    p = progress_for(t, today=TODAY, period_start=2025)
    assert p.baseline == 1000 and p.baseline_year == 2024
    # 2025-01-01 → 2030-12-31, 2.5 of 6 years gone → expected ≈ 1000 + 1000 × 0.417 = 1416.6
    assert p.expected == pytest.approx(Decimal("1416.6"), abs=Decimal("2")) and p.status == "on_track"
    IndicatorValue.objects.filter(period=dt.date(2027, 6, 1)).update(value=1300)
    assert progress_for(t, today=TODAY, period_start=2025).status == "behind"


def test_no_baseline_counts_from_zero(regions):
    t = target(value=Decimal(100), comparator=">=")
    value("above_scale_count", dt.date(2027, 6, 1), 30)
    p = progress_for(t, today=TODAY, period_start=2025)
    assert p.baseline is None and p.status == "behind"  # 30 < 100 × 2.5/6


def test_per_year_target_uses_the_share_of_this_year(regions):
    t = target(
        indicator="above_scale_new_count",
        value=Decimal(45),
        comparator=">=",
        year=None,
        per_year=True,
        region=regions["咸安区"],
        rule="XN-GS-3",
    )
    value("above_scale_new_count", dt.date(2027, 6, 1), 23, region=regions["咸安区"])
    p = progress_for(t, today=TODAY)
    # 45 × 183/365 = 22.6 firms by 2 July, shown and tested as a whole count: 23 (23 reached: on track)
    assert p.expected == Decimal(23) and p.status == "on_track"
    # last year's figure does not count for this year
    IndicatorValue.objects.all().update(period=dt.date(2026, 12, 1))
    assert progress_for(t, today=TODAY).current == 0


def test_no_data(regions):
    p = progress_for(target(), today=TODAY)
    assert p.status == "no_data" and p.status_label == "暂无数据"


def test_reported_figure_wins_over_computed_for_the_same_period(regions):
    t = target(indicator="techrenovation_investment", value=Decimal(180), comparator=">=", year=None, per_year=True)
    value("techrenovation_investment", dt.date(2027, 6, 1), 50)
    value("techrenovation_investment", dt.date(2027, 6, 1), 95, source="reported", source_note="市统计局")
    p = progress_for(t, today=TODAY)
    assert p.current == 95 and p.source == "部门上报" and p.status == "on_track"


def test_at_most_target_not_met_is_behind(regions):
    t = target(indicator="energy_intensity_change", value=Decimal(10), comparator="decrease_by", unit="%")
    value("energy_intensity_change", dt.date(2027, 6, 1), -4)
    assert progress_for(t, today=TODAY).status == "behind"


def test_projections_and_rate_needed(regions):
    t = target(value=Decimal(2000))
    for y, v in ((2024, 1000), (2025, 1100), (2026, 1210)):
        value("above_scale_count", dt.date(y, 12, 1), v)
    p = progress_for(t, today=dt.date(2027, 1, 1), period_start=2025)
    assert p.projection_linear == Decimal("1628.33")  # least squares: mean 1103.33 at 2025, +105 a year
    assert p.projection_compound == pytest.approx(Decimal("1771.56"), abs=Decimal("0.05"))  # 10 % a year
    assert p.needed_rate == pytest.approx(Decimal("13.4"), abs=Decimal("0.2"))  # (2000/1210)^(1/4) − 1
    assert (
        linear_projection([(2024, 1.0)], 2030) is None and compound_projection([(2024, 0.0), (2025, 1.0)], 2030) is None
    )


def test_threshold_params_select_the_right_series(regions):
    t = target(
        indicator="enterprise_count_revenue_over", value=Decimal(5), params={"threshold": 100, "threshold_unit": "亿元"}
    )
    assert params_key(t.indicator, t.params) == "threshold=100"
    value("enterprise_count_revenue_over", dt.date(2027, 6, 1), 2, params_key="threshold=50")
    value("enterprise_count_revenue_over", dt.date(2027, 6, 1), 1, params_key="threshold=100")
    assert progress_for(t, today=TODAY).current == 1


def test_a_past_year_seen_only_part_way_is_left_out_of_the_history_and_the_projections():
    """Data beginning in 2024 gives 2024 one month's year-to-date: not 2024's figure (browser walk, issue 12)."""
    t = target(indicator="above_scale_output", unit="亿元", value=Decimal(3000), comparator=">", year=2030)
    value("above_scale_output", dt.date(2024, 1, 1), 250)  # January only: a month's output, not a year's
    value("above_scale_output", dt.date(2025, 12, 1), 2600)
    value("above_scale_output", dt.date(2026, 12, 1), 2700)
    value("above_scale_output", dt.date(2027, 6, 1), 1400)  # this year, to June: kept as the latest
    p = progress_for(t, today=TODAY)
    assert [y for y, _ in p.history] == [2025, 2026, 2027]


def test_a_deadline_already_past_is_judged_not_projected():
    t = target(value=Decimal(100), year=2025)
    value("above_scale_count", dt.date(2025, 12, 1), 80)
    value("above_scale_count", dt.date(2026, 12, 1), 90)
    p = progress_for(t, today=TODAY)
    assert p.status == "behind" and p.projection_linear is None and p.projection_compound is None


def test_a_count_target_expects_a_whole_number_by_now():
    """应达 1个, not 0.64个 (issue 13's “counts shown as fractions”): the expected count is rounded up, which for a
    whole current count decides the status exactly as the fraction did."""
    t = target(value=Decimal(1), unit="个", comparator=">=", year=2028, params={"baseline": 0, "baseline_year": 2026})
    value("above_scale_count", dt.date(2027, 6, 1), 0)
    p = progress_for(t, today=TODAY)
    assert p.expected == Decimal(1) and p.status == "behind"
    value("above_scale_count", dt.date(2027, 7, 1), 1)
    assert progress_for(t, today=TODAY).status == "met"

"""Each computed indicator on a hand-computed fixture, through Ibis on DuckDB over the app database.

DuckDB attaches the database with its own connection, so these tests commit their data (transaction=True);
they run on SQLite and on PostgreSQL like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.enterprises.models import Honour, MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster
from chanye.targets import indicators
from chanye.targets.models import IndicatorValue
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)


@pytest.fixture
def world(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    food, cold = Cluster.objects.get(code="food"), Cluster.objects.get(code="food-cold-chain")
    elec = Cluster.objects.get(code="electronics")
    a = EnterpriseFactory(county=xa, is_above_scale=True, smart_factory_grade="advanced")
    b = EnterpriseFactory(county=xa, is_above_scale=True)
    c = EnterpriseFactory(county=jy, is_above_scale=True, park=regions["潘湾化工园区"])
    d = EnterpriseFactory(county=jy)  # never 规上
    x = EnterpriseFactory(county=jy)  # left 规上 in March 2025
    a.clusters.add(food, cold)
    b.clusters.add(elec)
    c.clusters.add(food)
    ScalePeriod.objects.create(enterprise=a, entered_on=dt.date(2018, 1, 1))
    ScalePeriod.objects.create(enterprise=b, entered_on=dt.date(2025, 3, 1))  # new this year
    ScalePeriod.objects.create(enterprise=c, entered_on=dt.date(2019, 1, 1))
    ScalePeriod.objects.create(enterprise=x, entered_on=dt.date(2015, 1, 1), exited_on=dt.date(2025, 3, 1))
    for e, kinds in (
        (a, ["high_tech", "rd_institution", "single_champion", "chain_leader"]),
        (b, ["high_tech", "digital"]),
        (c, ["specialized", "rd_institution"]),
        (d, ["innovative_sme"]),
    ):
        for k in kinds:
            Honour.objects.create(enterprise=e, kind=k)
    # 统计 figures (万元): a 60,000/month (revenue 100,000), b 10,000, c 5,000; d small; one 2024 month each.
    for m in range(1, 7):
        month = dt.date(2025, m, 1)
        MonthlyFigure.objects.create(enterprise=a, month=month, output=60000, revenue=100000, rd_expense=600)
        MonthlyFigure.objects.create(enterprise=b, month=month, output=10000, revenue=12000)
        MonthlyFigure.objects.create(enterprise=c, month=month, output=5000, main_revenue=6000)
        MonthlyFigure.objects.create(enterprise=d, month=month, output=100, revenue=100)
    for e, v in ((a, 240000), (b, 0), (c, 30000)):
        MonthlyFigure.objects.create(
            enterprise=e, month=dt.date(2024, 6, 1), output=v, rd_expense=400 if e is a else None
        )
    MonthlyFigure.objects.create(enterprise=a, month=MONTH, source="tax", output=999999)  # other sources ignored
    return {"a": a, "b": b, "c": c, "d": d, "x": x, "xa": xa, "jy": jy, "food": food, "cold": cold, "elec": elec}


def values(rows, region=None, cluster=None):
    return {(r.indicator, r.params_key): r.value for r in rows if r.region_id == region and r.cluster_id == cluster}


def test_city_indicators_match_hand_computation(world):
    city = values(indicators.compute(MONTH))
    assert city["above_scale_count", ""] == 3  # a, b, c at 2025-06-30; x left in March
    assert city["above_scale_new_count", ""] == 1 and city["above_scale_exit_count", ""] == 1
    assert city["above_scale_output", ""] == Decimal("45")  # (60,000+10,000+5,000) × 6 months = 450,000 万元
    assert city["above_scale_output_growth", ""] == Decimal("66.6667")  # vs 1—6月2024: 270,000 万元
    assert city["single_champion_count", ""] == 1 and city["specialized_count", ""] == 1
    assert city["innovative_sme_count", ""] == 1 and city["high_tech_count", ""] == 2
    assert city["high_tech_share", ""] == Decimal("66.6667")  # 2 of 3 规上
    assert city["rd_institution_coverage", ""] == Decimal("66.6667")
    assert city["digital_transformation_rate", ""] == Decimal("33.3333")
    assert city["smart_factory_count", "grade=basic"] == 1 and city["smart_factory_count", "grade=excellent"] == 0
    # revenue over the 12 months to June: a 600,000 万元 = 60 亿元 (twelve-month window holds 6 months here)
    assert city["enterprise_count_revenue_over", "threshold=50"] == 1
    assert city["enterprise_count_revenue_over", "threshold=100"] == 0
    assert city["chain_leader_count", ""] == 1 and city["chain_leader_output", ""] == Decimal("36")
    assert city["chain_leader_count_revenue_over", "threshold=50"] == 1
    assert city["rd_expense_growth", ""] == Decimal("800")  # 3,600 vs 400 万元
    assert city["cluster_above_scale_output", ""] == Decimal("45")  # a, b, c all in a top-level cluster
    assert city["cluster_count_revenue_over", "threshold=100"] == 0


def test_county_park_and_cluster_dimensions(world):
    rows = indicators.compute(MONTH)
    xa = values(rows, region=world["xa"].pk)
    jy = values(rows, region=world["jy"].pk)
    assert xa["above_scale_count", ""] == 2 and xa["above_scale_output", ""] == Decimal("42")
    assert jy["above_scale_count", ""] == 1 and jy["above_scale_exit_count", ""] == 1
    park = values(rows, region=world["c"].park_id)
    assert park["above_scale_output", ""] == Decimal("3")
    food = values(rows, cluster=world["food"].pk)
    assert food["cluster_output", ""] == Decimal("39") and food["above_scale_count", ""] == 2
    assert food["cluster_revenue", ""] == Decimal("63.6")  # a 600,000 + c (main revenue) 36,000 万元
    cold = values(rows, cluster=world["cold"].pk)
    assert cold["cluster_output", ""] == Decimal("36")


def test_refresh_is_idempotent_and_stored(world):
    n1, _ = indicators.refresh(MONTH)
    n2, _ = indicators.refresh(MONTH)
    assert n1 == n2 == IndicatorValue.objects.filter(period=MONTH).count()
    v = IndicatorValue.objects.get(
        indicator="above_scale_count", period=MONTH, region__isnull=True, cluster__isnull=True
    )
    assert v.value == 3


def test_recognised_clusters_are_counted_from_the_pack(world):
    city = values(indicators.compute(MONTH))
    assert city["recognised_cluster_count", "level=national,kind=sme_characteristic"] == 1


def test_empty_registry_gives_zeros_not_errors(regions):
    city = values(indicators.compute(MONTH))
    assert city["above_scale_count", ""] == 0 and city["above_scale_output", ""] == 0
    assert ("high_tech_share", "") not in city  # a share of nothing is undefined, not 0


def test_a_monthly_import_refreshes_the_indicators(regions, settings):
    from chanye.core.imports.runner import run_import
    from tests.helpers import xlsx

    settings.CHANYE_REFRESH_INDICATORS_ON_IMPORT = True
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2020, 1, 1))
    out = run_import(
        "monthly",
        data=xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [e.uscc, "2025-06", 20000]]),
        filename="m.xlsx",
        user=SYSTEM,
    )
    assert out.ok
    v = IndicatorValue.objects.get(
        indicator="above_scale_output", period=MONTH, region__isnull=True, cluster__isnull=True
    )
    assert v.value == 2


def test_a_county_level_park_holds_its_own_firms_and_those_of_its_park_column_once(regions):
    """咸宁高新区 is county-level and a park: its firms are those registered under it and in its park column."""
    hz = regions["咸宁高新区"]
    own = EnterpriseFactory(county=hz, is_above_scale=True)
    placed = EnterpriseFactory(county=regions["咸安区"], park=hz, is_above_scale=True)
    for e, output in ((own, 2000), (placed, 3000)):
        ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2018, 1, 1))
        MonthlyFigure.objects.create(enterprise=e, month=MONTH, output=output)
    rows = indicators.compute(MONTH)
    counts = [r for r in rows if r.region_id == hz.pk and r.cluster_id is None and r.indicator == "above_scale_count"]
    assert [r.value for r in counts] == [2]  # one row, both firms
    assert values(rows, region=hz.pk)["above_scale_output", ""] == Decimal("0.5")  # 5,000 万元 = 0.5 亿元
    assert values(rows, region=regions["咸安区"].pk)["above_scale_count", ""] == 1

"""HG-A-1 “每年对各县(市、区)产业集群开展考核评价”: the 黄冈 assessment scores each county on ITS OWN clusters — the
county's firms in a cluster placed in the county by the cluster's region or by the county layout (a cluster several
counties share counts for each of them, with each county's own firms). A firm of one county in another county's
cluster, or in no cluster, does not count. Figures worked out by hand; the engine runs on the app database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.enterprises.models import MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster
from chanye.regions.models import Region
from chanye.targets import indicators
from chanye.targets.assessment import do_compute_assessment
from chanye.targets.models import IndicatorValue
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import load_pack

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
MONTH = dt.date(YEAR, 12, 1)
YI = 10000  # 万元 per 亿元


def firm(county: str, clusters: tuple[str, ...], *, now_yi: int, before_yi: int | None, above_since: dt.date | None):
    """A firm of `county` with `now_yi` 亿元 output in June of YEAR and `before_yi` in June of the year before."""
    e = EnterpriseFactory(county=Region.objects.get(name=county), is_above_scale=above_since is not None)
    for code in clusters:
        e.clusters.add(Cluster.objects.get(code=code))
    if above_since:
        ScalePeriod.objects.create(enterprise=e, entered_on=above_since)
    MonthlyFigure.objects.create(enterprise=e, month=dt.date(YEAR, 6, 1), output=Decimal(now_yi * YI))
    if before_yi is not None:
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(YEAR - 1, 6, 1), output=Decimal(before_yi * YI))
    return e


@pytest.fixture
def huanggang_firms():
    load_pack("huanggang")
    old = dt.date(2020, 1, 1)
    # 黄州区: its own 电子信息材料 cluster (the cluster's region) and 食品饮料 (shared, through the county layout)
    firm("黄州区", ("hg-huangzhou-electronic-materials",), now_yi=30, before_yi=20, above_since=old)
    firm(
        "黄州区", ("hg-food-beverage",), now_yi=10, before_yi=10, above_since=dt.date(YEAR, 3, 1)
    )  # new 规上 this year
    firm("黄州区", ("hg-macheng-stone",), now_yi=50, before_yi=50, above_since=old)  # 麻城's cluster: not 黄州's
    firm("黄州区", (), now_yi=100, before_yi=100, above_since=old)  # in no cluster
    # 麻城市: its own 石材 cluster
    firm("麻城市", ("hg-macheng-stone",), now_yi=12, before_yi=16, above_since=old)
    # 红安县: the shared 食品饮料 cluster, no figure for last year, not 规上
    firm("红安县", ("hg-food-beverage",), now_yi=5, before_yi=None, above_since=None)


def county_values(name: str) -> dict[str, Decimal]:
    region = Region.objects.get(name=name)
    rows = indicators.compute(MONTH)
    return {r.indicator: r.value for r in rows if r.region_id == region.pk and r.indicator.startswith("county_cluster")}


def test_hg_a_1_a_county_counts_only_its_own_firms_in_the_clusters_placed_in_it(huanggang_firms):
    assert county_values("黄州区") == {
        "county_cluster_output": Decimal("40"),  # 30 + 10; not the 50 in 麻城's cluster, not the 100 outside clusters
        "county_cluster_output_growth": Decimal("33.3333"),  # (40 − 30) ÷ 30
        "county_cluster_above_scale_count": Decimal("2"),
        "county_cluster_new_above_count": Decimal("1"),
    }
    assert county_values("麻城市") == {
        "county_cluster_output": Decimal("12"),
        "county_cluster_output_growth": Decimal("-25"),  # (12 − 16) ÷ 16
        "county_cluster_above_scale_count": Decimal("1"),
        "county_cluster_new_above_count": Decimal("0"),
    }
    # 红安: the shared cluster is its own too; no base last year, so no growth rate rather than a made-up one
    assert county_values("红安县") == {
        "county_cluster_output": Decimal("5"),
        "county_cluster_above_scale_count": Decimal("0"),
        "county_cluster_new_above_count": Decimal("0"),
    }


def test_hg_a_1_a_cluster_no_longer_active_counts_for_nobody(huanggang_firms):
    Cluster.objects.filter(code="hg-huangzhou-electronic-materials").update(is_active=False)
    assert county_values("黄州区")["county_cluster_output"] == Decimal("10")


def test_hg_a_1_the_yearly_assessment_ranks_counties_on_their_clusters(huanggang_firms):
    indicators.refresh(MONTH)
    assert IndicatorValue.objects.filter(indicator="county_cluster_output", period=MONTH).exists()
    run = do_compute_assessment(actor=SYSTEM, year=YEAR)
    assert [i["indicator"] for i in run.config["indicators"]][:4] == [
        "county_cluster_output",
        "county_cluster_output_growth",
        "county_cluster_above_scale_count",
        "county_cluster_new_above_count",
    ]
    n = Region.objects.county_level().count()  # rank scoring: the first earns the weight, the last 0
    cards = {s.region.name: {d["indicator"]: d for d in s.details} for s in run.scores.select_related("region")}
    output = {name: c["county_cluster_output"] for name, c in cards.items()}
    assert (output["黄州区"]["actual"], output["黄州区"]["rank"], output["黄州区"]["score"]) == ("40.0000", 1, "30.00")
    assert (output["麻城市"]["rank"], output["麻城市"]["score"]) == (
        2,
        str((Decimal(30) * (n - 2) / (n - 1)).quantize(Decimal("0.01"))),
    )
    assert output["红安县"]["rank"] == 3
    growth = {name: c["county_cluster_output_growth"] for name, c in cards.items()}
    assert (growth["黄州区"]["rank"], growth["麻城市"]["rank"]) == (1, 2)
    assert growth["红安县"]["note"] == "无数据" and growth["红安县"]["score"] == "0.00"
    # a county without any firm in its clusters has no data, not a zero that ranks it
    assert output["英山县"]["note"] == "无数据"

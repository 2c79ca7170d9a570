"""Issue 12's first “done when”: every target of the four cities' packs is either computed from data with its own
definition (a value under its indicator and series key, for its own scope: the city, its county or its cluster) or
reported into a series of its own — no reported target shares another's figures, and no computed target is silently
left without a figure when the registry has data for it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.indicators import CATALOGUE, GENERIC_REPORTED
from chanye.cultivation.models import Candidate
from chanye.enterprises.models import Honour, MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster, Target
from chanye.regions.models import Region
from chanye.targets import indicators
from chanye.targets.models import IndicatorValue
from tests.factories import EnterpriseFactory, ProjectFactory
from tests.targets.engine_world import PACKS, load_pack

pytestmark = pytest.mark.django_db(transaction=True)

MONTH = dt.date(2025, 12, 1)
HONOURS = ["high_tech", "rd_institution", "digital", "specialized", "little_giant", "single_champion", "green_factory"]


def world() -> None:
    """In every active cluster (and every county-level unit) a 规上 firm with two years of 统计 figures and honours."""
    counties = list(Region.objects.filter(is_county_level=True).order_by("code"))
    places = [
        (c, c.region or counties[i % len(counties)]) for i, c in enumerate(Cluster.objects.filter(is_active=True))
    ]
    places += [(None, county) for county in counties]
    for i, (cluster, county) in enumerate(places):
        e = EnterpriseFactory(county=county, is_above_scale=True)
        if cluster:
            e.clusters.add(cluster)
        ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2020, 1, 1))
        for year in (2024, 2025):
            for month in range(1, 13):
                MonthlyFigure.objects.create(
                    enterprise=e,
                    month=dt.date(year, month, 1),
                    output=Decimal(1000 + 10 * i + (year - 2024) * 100),
                    revenue=Decimal(900 + 10 * i + (year - 2024) * 90),
                    rd_expense=Decimal(20 + i + (year - 2024) * 3),
                )
        for kind in HONOURS:
            Honour.objects.create(enterprise=e, kind=kind, level="national" if i % 2 else "provincial")
    # the candidate pool: one firm per county with an entry timetable (XN-GS-5's cohort)
    for county in counties:
        Candidate.objects.create(
            enterprise=EnterpriseFactory(county=county),
            source="manual",
            added_month=dt.date(2025, 1, 1),
            planned_entry=dt.date(2025, 12, 1),
        )
    # a project library: in every county one project started and producing this year, one signed and one 技改
    for county in counties:
        ProjectFactory(
            county=county,
            investment=Decimal("12"),
            started_on=dt.date(2025, 3, 1),
            producing_on=dt.date(2025, 10, 1),
            planned=False,
        )
        ProjectFactory(county=county, investment=Decimal("60"), planned=False)
        ProjectFactory(
            county=county, investment=Decimal("2"), kind="upgrade", started_on=dt.date(2025, 2, 1), planned=False
        )


def _computed(t: Target) -> bool:
    ind = CATALOGUE.get(t.indicator)
    return ind is not None and ind.kind == "computed" and t.indicator != GENERIC_REPORTED


@pytest.mark.parametrize("city", ["xianning", "ezhou", "huanggang", "yiyang"])
def test_each_target_is_computed_under_its_own_key_or_reported_into_its_own_series(city):
    load_pack(city)
    world()
    indicators.refresh(MONTH)
    targets = list(Target.objects.filter(is_active=True).order_by("code"))
    assert targets
    missing = []
    for t in targets:
        if not _computed(t):
            continue
        values = IndicatorValue.objects.filter(indicator=t.indicator, params_key=t.series_key, period__year=2025)
        if t.cluster_id:
            values = values.filter(cluster_id=t.cluster_id)
        elif t.region_id:
            values = values.filter(region_id=t.region_id)
        else:
            values = values.filter(region__isnull=True, cluster__isnull=True)
        if not values.exists():
            missing.append((t.code, t.indicator, t.series_key))
    assert missing == [], "\n".join(map(str, missing))

    # reported figures: a series per target unless two targets define the very same figure (indicator and params)
    reported = [t for t in targets if not _computed(t)]
    series: dict[tuple[str, str, int | None, int | None], set[str]] = {}
    for t in reported:
        series.setdefault((t.indicator, t.series_key, t.region_id, t.cluster_id), set()).add(
            repr(sorted((t.params or {}).items()))
        )
    shared = {k: v for k, v in series.items() if len(v) > 1}
    assert shared == {}
    generic = [t for t in reported if t.indicator == GENERIC_REPORTED or t.indicator not in CATALOGUE]
    assert len({t.series_key for t in generic}) == len(generic)  # 数控化率, 上市企业数 … never share a figure
    # nothing computed is stored under a reported target's own series
    assert not IndicatorValue.objects.filter(
        params_key__in=[t.series_key for t in generic], source=IndicatorValue.Source.COMPUTED
    ).exists()


def test_the_city_packs_are_the_four_cities():
    assert set(PACKS) == {"xianning", "ezhou", "huanggang", "yiyang"}

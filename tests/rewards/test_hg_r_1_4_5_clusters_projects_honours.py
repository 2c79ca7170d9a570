"""HG-R-1 (国家级、省级产业集群所在地每年50万元、20万元), HG-R-4 (技改设备投资8%，省级及以上专精特新、单项冠军、
高企10%，单个项目最高500万元) and HG-R-5 (省级两化融合试点示范10万元; 国家级贯标20万元, 省级资金奖补的不再重复;
5G基站每座1000元), computed from recognitions, honours and reward facts worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.industry.models import Cluster
from chanye.rewards.models import Entitlement
from tests.rewards.world import compute, counties, excluded, fact, firm, granted, honour, load_pack

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def huanggang():
    load_pack("huanggang")


def test_hg_r_1_a_recognised_cluster_funds_its_county_every_year_the_higher_level_replacing_the_lower():
    a, b, c = Cluster.objects.filter(is_active=True).order_by("code")[:3]
    county = counties()[1]
    for cluster, recognitions in (
        (a, [{"level": "national", "kind": "sme_characteristic", "year": 2024}]),
        (
            b,
            [
                {"level": "provincial", "kind": "sme_characteristic", "year": 2023},
                {"level": "national", "kind": "sme_characteristic", "year": 2025},
            ],
        ),
        (c, [{"level": "provincial", "kind": "sme_characteristic", "year": 2026}]),  # not yet in 2025
    ):
        cluster.region, cluster.recognitions = county, recognitions
        cluster.save()
    compute(2025)
    national = Entitlement.objects.filter(year=2025, reward_code="hg-r-1-national-cluster", status="computed")
    assert {(e.cluster_id, e.county_id, e.amount) for e in national} == {
        (a.pk, county.pk, Decimal("50")),
        (b.pk, county.pk, Decimal("50")),
    }
    provincial = Entitlement.objects.filter(year=2025, reward_code="hg-r-1-provincial-cluster")
    assert [(e.cluster_id, e.status) for e in provincial] == [(b.pk, "excluded")]  # replaced by national
    compute(2024)
    assert Entitlement.objects.get(year=2024, reward_code="hg-r-1-provincial-cluster", cluster=b).amount == 20


def test_hg_r_4_eight_percent_ten_for_the_listed_honours_capped_at_500_per_project():
    plain, champion, old_high_tech = firm(), firm(), firm()
    honour(champion, "single_champion", "national", 2020)
    honour(old_high_tech, "high_tech", "", 2026)  # recognised after the year: 8 %
    fact(plain, 2025, "techreno_investment", 1000, project="一号产线")
    fact(plain, 2025, "techreno_investment", 7000, project="二号产线")
    fact(champion, 2025, "techreno_investment", 6000, project="智能车间")
    fact(old_high_tech, 2025, "techreno_investment", 100, project="改造")
    compute(2025)
    assert granted(2025, "hg-r-4-techrenovation") == {
        (plain.pk, "一号产线"): Decimal("80"),  # 1000 × 8 %
        (plain.pk, "二号产线"): Decimal("500"),  # 560, capped per project
        (old_high_tech.pk, "改造"): Decimal("8"),
    }
    assert granted(2025, "hg-r-4-techrenovation-premium") == {(champion.pk, "智能车间"): Decimal("500")}  # 600 → 500
    assert "取代" in excluded(2025, "hg-r-4-techrenovation")[champion.pk]


def test_hg_r_5_integration_awards_in_the_year_of_recognition_without_double_funding():
    pilot, national_pilot, standard, funded, undated = firm(), firm(), firm(), firm(), firm()
    honour(pilot, "integration_demo", "provincial", 2025)
    honour(national_pilot, "integration_demo", "national", 2025)  # the text rewards the provincial pilot only
    honour(standard, "integration_std", "national", 2025)
    honour(funded, "integration_std", "national", 2025)
    fact(funded, 2025, "integration_std_provincial_award", 20)
    honour(undated, "integration_std", "national")
    result = compute(2025)
    assert granted(2025, "hg-r-5-provincial-integration-pilot") == {(pilot.pk, ""): Decimal("10")}
    assert granted(2025, "hg-r-5-national-integration-standard") == {(standard.pk, ""): Decimal("20")}
    assert "不再重复奖励" in excluded(2025, "hg-r-5-national-integration-standard")[funded.pk]
    assert any("未填认定年份" in n for n in result.notes)
    compute(2026)
    assert granted(2026, "hg-r-5-national-integration-standard") == {}  # once, in the year of recognition


def test_hg_r_5_1000_yuan_per_new_5g_station():
    operator = firm()
    fact(operator, 2025, "stations_5g", 37)
    compute(2025)
    assert granted(2025, "hg-r-5-5g-base-station") == {(operator.pk, ""): Decimal("3.7")}  # 37 × 1000元


def test_hg_rules_written_only_in_words_are_listed_not_guessed():
    result = compute(2025)
    text = "".join(result.notes)
    assert "hg-r-1-best-counties" in text and "hg-r-4-diagnosis-service" in text

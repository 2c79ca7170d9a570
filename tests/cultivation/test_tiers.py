"""XN-RD-6 tier ladder: counts per county and cluster, promotions per year, candidates by the pack's criteria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.analytics.services import refresh_month_summaries
from chanye.cultivation.tiers import candidates, ladder
from chanye.enterprises.models import Honour, MonthlyFigure
from chanye.industry.models import Cluster
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(regions):
    food = Cluster.objects.get(code="food")
    strong = EnterpriseFactory(county=regions["咸安区"], name="强研发有限公司")
    weak = EnterpriseFactory(county=regions["咸安区"], name="弱研发有限公司")
    done = EnterpriseFactory(county=regions["嘉鱼县"], name="已专精有限公司")
    strong.clusters.add(food)
    for e in (strong, weak, done):
        Honour.objects.create(enterprise=e, kind="innovative_sme", year=2023)
    Honour.objects.create(enterprise=done, kind="specialized", level="provincial", year=2025)
    for m in range(1, 13):
        month = dt.date(2025, m, 1)
        MonthlyFigure.objects.create(enterprise=strong, month=month, revenue=Decimal(100), rd_expense=Decimal(3))  # 3 %
        MonthlyFigure.objects.create(enterprise=weak, month=month, revenue=Decimal(100), rd_expense=Decimal("2.9"))
    refresh_month_summaries()
    return {"strong": strong, "weak": weak, "done": done}


def test_xn_rd_6_candidates_meet_the_packs_revenue_and_rd_bar_exactly(users, firms):
    rows = candidates(user=users["admin"], month=dt.date(2025, 12, 1))
    assert [(r["name"], r["revenue"], r["rd_intensity"]) for r in rows] == [
        ("强研发有限公司", Decimal("1200.0"), Decimal("3.00"))
    ]


def test_xn_rd_6_counts_per_county_cluster_and_year(users, firms):
    data = ladder(user=users["admin"])
    counties = {u.name: c for u, c in data["counties"]}
    assert counties["咸安区"] == {"innovative_sme": 2} and counties["嘉鱼县"] == {"innovative_sme": 1, "specialized": 1}
    assert dict(data["promotions"])[2025] == {"specialized": 1}
    assert {c.code: v for c, v in data["clusters"]}["food"] == {"innovative_sme": 1}


def test_tier_page_is_scoped(client, users, firms, login):
    page = login(users["jiayu"]).get("/tiers/").content.decode()
    assert "嘉鱼县" in page and "强研发有限公司" not in page

"""The chain map shows city-wide users where each link's enterprises are, county by county (which counties hold a link
and which hold none); county officers, whose map already counts only their own county, do not get the table."""

from __future__ import annotations

import pytest

from chanye.chains import selectors
from tests.factories import ChainFactory, ChainLinkFactory, EnterpriseFactory, LinkEnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(regions):
    chain = ChainFactory(name="分布测试产业链")
    spin = ChainLinkFactory(chain=chain, name="纺纱", position=0)
    weave = ChainLinkFactory(chain=chain, name="织造", position=1)
    ChainLinkFactory(chain=chain, name="印染", position=2)
    for county, link, n in (("咸安区", spin, 2), ("嘉鱼县", spin, 1), ("嘉鱼县", weave, 3)):
        for _ in range(n):
            LinkEnterpriseFactory(link=link, enterprise=EnterpriseFactory(county=regions[county]))
    return chain


def test_distribution_counts_each_links_enterprises_per_county_and_the_counties_covered(chain, users):
    d = selectors.county_distribution(chain, user=users["admin"])
    names = [c.name for c in d["counties"]]
    assert set(names) == {"咸安区", "嘉鱼县"}
    by_link = {r["link"].name: dict(zip(names, [c["n"] for c in r["cells"]], strict=True)) for r in d["rows"]}
    assert by_link == {
        "纺纱": {"咸安区": 2, "嘉鱼县": 1},
        "织造": {"咸安区": 0, "嘉鱼县": 3},
        "印染": {"咸安区": 0, "嘉鱼县": 0},
    }
    assert [r["counties"] for r in d["rows"]] == [2, 1, 0]


def test_the_map_page_shows_the_table_to_city_users_but_not_to_county_officers(chain, users, login):
    page = login(users["viewer"]).get(f"/chains/{chain.pk}/").content.decode()
    assert 'id="county-distribution"' in page and "各区县分布" in page
    officer = login(users["xianan"]).get(f"/chains/{chain.pk}/").content.decode()
    assert 'id="county-distribution"' not in officer

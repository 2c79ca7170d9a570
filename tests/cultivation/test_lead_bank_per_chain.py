"""XN-LZ-11 "链主企业+合作银行+若干链属企业 … 引导一家主办银行服务一条产业链，业务覆盖产业链上的每家企业": the lead bank
belongs to the chain, every leader on that chain shows it, and coverage counts every enterprise on the chain (in the
reader's scope), not the leader's declared supply partners."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chanye.chains import finance as chain_finance
from chanye.cultivation import finance, supply
from tests.factories import (
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LinkEnterpriseFactory,
    ListedLeaderFactory,
)

pytestmark = pytest.mark.django_db
SINCE = dt.date(2025, 4, 1)


@pytest.fixture
def chain():
    return ChainFactory(name="铝全产业链")


def _on(chain, county, *, name=None, links=1, role="ordinary"):
    """A new enterprise of `county` placed on `links` new links of `chain`."""
    e = EnterpriseFactory(county=county, **({"name": name} if name else {}))
    for _ in range(links):
        LinkEnterpriseFactory(link=ChainLinkFactory(chain=chain), enterprise=e, role=role)
    return e


def _page(client, user, leader):
    client.force_login(user)
    return client.get(reverse("cultivation:leader", args=[leader.pk])).content.decode()


def test_xn_lz_11_one_bank_per_chain_is_shown_for_every_leader_of_that_chain(client, users, regions, chain):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    first = ListedLeaderFactory(enterprise=_on(chain, xa, name="咸安铝业有限公司", role="leader"))
    second = ListedLeaderFactory(enterprise=_on(chain, jy, name="嘉鱼铝材有限公司"))
    elsewhere = ListedLeaderFactory(enterprise=_on(ChainFactory(name="医药卫材产业链"), xa, role="leader"))
    chain_finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="湖北银行咸宁分行", since=SINCE)

    shown = finance.leaders_finance([first, second, elsewhere], user=users["admin"])
    assert [(f.chain, f.bank, f.since) for f in shown[first.pk]] == [("铝全产业链", "湖北银行咸宁分行", SINCE)]
    assert [(f.chain, f.bank) for f in shown[second.pk]] == [("铝全产业链", "湖北银行咸宁分行")]
    assert [(f.chain, f.bank) for f in shown[elsewhere.pk]] == [("医药卫材产业链", "")]  # its chain has none yet
    for leader in (first, second):
        page = _page(client, users["admin"], leader)
        assert "湖北银行咸宁分行" in page and "2025-04-01起" in page
    assert "湖北银行咸宁分行" not in _page(client, users["admin"], elsewhere)


def test_xn_lz_11_coverage_counts_every_enterprise_on_the_chain_not_only_the_leaders_partners(
    client, users, regions, chain, django_assert_num_queries
):
    xa = regions["咸安区"]
    leader_firm = _on(chain, xa, role="leader")
    leader = ListedLeaderFactory(enterprise=leader_firm)
    a, b = _on(chain, xa, links=2), _on(chain, xa)  # a is on two links: one enterprise of the chain all the same
    c, d = _on(chain, xa), _on(chain, xa)
    # a declared local partner that is not on the chain is no chain member (the old reading counted only these)
    supply.do_declare_relation(
        actor=users["admin"],
        leader=leader,
        year=2025,
        direction="upstream",
        partner_name=EnterpriseFactory(county=xa).name,
        amount=100,
        is_local=True,
    )
    chain_finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="咸宁农商银行", since=SINCE)
    for firm, credit in ((leader_firm, "500"), (a, "300"), (b, "")):
        chain_finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=firm, covered=True, credit=credit)

    with django_assert_num_queries(2):  # the members, the covered ones: whatever the chain's size
        f = chain_finance.chain_finance(chain, user=users["admin"])
    # 5 enterprises on the chain (leader, a, b, c, d), 3 served; credit 500 + 300 (b's line not given) = 800
    assert (f.members, f.covered, f.credit, f.complete) == (5, 3, Decimal(800), False)
    [shown] = finance.leader_finance(leader, user=users["admin"])
    assert (shown.members, shown.covered) == (5, 3)
    page = _page(client, users["admin"], leader)
    assert "链上企业 5 家，已覆盖 3 家，授信合计 800 万元" in page and "未全覆盖" in page

    for firm in (c, d):
        chain_finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=firm, covered=True)
    assert chain_finance.chain_finance(chain, user=users["admin"]).complete


def test_xn_lz_11_a_county_officer_sees_the_coverage_of_its_own_unit(client, users, regions, chain):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    mine = [_on(chain, xa, role="leader"), _on(chain, xa), _on(chain, xa)]
    theirs = [_on(chain, jy), _on(chain, jy)]
    leader = ListedLeaderFactory(enterprise=mine[0])
    chain_finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="工商银行咸宁分行", since=SINCE)
    for firm in (mine[0], mine[1], theirs[0]):
        chain_finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=firm, covered=True, credit="100")

    city = chain_finance.chain_finance(chain, user=users["admin"])
    county = chain_finance.chain_finance(chain, user=users["xianan"])
    assert (city.members, city.covered, city.credit) == (5, 3, 300)  # the city: the whole chain
    assert (county.members, county.covered, county.credit) == (3, 2, 200)  # 咸安: its own 3 enterprises, 2 served
    assert "链上企业 3 家，已覆盖 2 家，授信合计 200 万元" in _page(client, users["xianan"], leader)
    client.force_login(users["xianan"])
    page = client.get(reverse("chains:finance", args=[chain.pk])).content.decode()
    assert mine[1].name in page and theirs[0].name not in page and theirs[1].name not in page


def test_xn_lz_11_the_leader_api_sources_lead_bank_from_the_chain(client, users, regions, chain):
    leader = ListedLeaderFactory(enterprise=_on(chain, regions["咸安区"], role="leader"))
    _on(chain, regions["咸安区"])
    chain_finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="建设银行咸宁分行", since=SINCE)
    chain_finance.do_mark_financed(
        actor=users["admin"], chain=chain, enterprise=leader.enterprise, covered=True, credit="1500"
    )
    client.force_login(users["viewer"])
    body = client.get(f"/api/v1/chain-leaders/{leader.pk}").json()
    assert (body["lead_bank"], body["chain_members"], body["chain_members_served"]) == ("建设银行咸宁分行", 2, 1)
    assert body["chains"] == [
        {
            "chain_id": chain.pk,
            "chain": "铝全产业链",
            "lead_bank": "建设银行咸宁分行",
            "lead_bank_since": "2025-04-01",
            "members": 2,
            "covered": 1,
            "credit": body["chains"][0]["credit"],
        }
    ]
    assert Decimal(str(body["chains"][0]["credit"])) == 1500

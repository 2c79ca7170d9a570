"""XN-CL-5 gap classification on a hand-built chain: a link with no local enterprise is missing (缺失), fewer
enterprises than the minimum or an output share below the minimum is weak (薄弱), a key link held by one enterprise is
single (单一支撑); the pack's thresholds replace the platform defaults (3 enterprises, 5 %), a link's own minimum
replaces the pack's, exactly at a threshold is not weak, and the county filter changes the result."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.chains import selectors
from chanye.industry.models import Threshold
from tests.factories import ChainFactory, ChainLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_pack_thresholds(mini_pack):
    """The pack sets no chain thresholds (whatever the test pack says): the platform defaults apply."""
    Threshold.objects.filter(key__startswith="chain_link_").delete()


def set_threshold(key: str, value: str) -> None:
    Threshold.objects.update_or_create(key=key, defaults={"label": key, "value": Decimal(value)})


def status(user, chain, county=None) -> dict[str, tuple[str, list[str]]]:
    return {f.link.name: (f.status, f.reasons) for f in selectors.link_figures(chain, user=user, county=county)}


def test_platform_defaults_are_3_enterprises_and_5_percent_when_the_pack_sets_none(no_pack_thresholds):
    t = selectors.Thresholds.from_pack()
    assert (t.min_enterprises, t.min_share) == (3, Decimal(5))


def test_xn_cl_5_link_without_local_enterprise_is_missing(no_pack_thresholds, users, regions, place):
    chain = ChainFactory()
    held = ChainLinkFactory(chain=chain, name="纺纱")
    ChainLinkFactory(chain=chain, name="印染")
    place(held, regions["咸安区"], 100, 100, 100)
    result = status(users["admin"], chain)
    assert result["印染"] == ("missing", ["本地无企业"])
    assert result["纺纱"] == ("strong", [])


def test_xn_cl_5_fewer_enterprises_than_the_default_3_is_weak_and_exactly_3_is_not(
    no_pack_thresholds, users, regions, place
):
    chain = ChainFactory()
    two = ChainLinkFactory(chain=chain, name="两家")
    three = ChainLinkFactory(chain=chain, name="三家")
    place(two, regions["咸安区"], 500, 500)
    place(three, regions["咸安区"], 500, 500, 500)
    result = status(users["admin"], chain)
    assert result["两家"] == ("weak", ["企业2家，少于3家"])
    assert result["三家"] == ("strong", [])


def test_xn_cl_5_output_share_below_the_default_5_percent_is_weak_and_exactly_5_is_not(
    no_pack_thresholds, users, regions, place
):
    chain = ChainFactory()
    big = ChainLinkFactory(chain=chain, name="大环节")
    at = ChainLinkFactory(chain=chain, name="恰好5%")
    below = ChainLinkFactory(chain=chain, name="4.9%")
    # chain total 10,000: 9,010 + 500 (5.0 %) + 490 (4.9 %)
    place(big, regions["咸安区"], 3000, 3000, 3010)
    place(at, regions["咸安区"], 100, 200, 200)
    place(below, regions["咸安区"], 100, 190, 200)
    result = status(users["admin"], chain)
    assert result["恰好5%"] == ("strong", [])
    assert result["4.9%"] == ("weak", ["产值占全链4.9%，低于5%"])
    assert result["大环节"] == ("strong", [])


def test_pack_thresholds_replace_the_platform_defaults(no_pack_thresholds, users, regions, place):
    chain = ChainFactory()
    two = ChainLinkFactory(chain=chain, name="两家")
    small = ChainLinkFactory(chain=chain, name="占8%")
    big = ChainLinkFactory(chain=chain, name="大环节")
    place(two, regions["咸安区"], 1000, 1000)  # 20 %
    place(small, regions["咸安区"], 400, 400)  # 8 %
    place(big, regions["咸安区"], 3000, 3000, 1200)  # 72 %
    assert status(users["admin"], chain)["两家"][0] == "weak"  # defaults: fewer than 3
    assert status(users["admin"], chain)["占8%"][0] == "weak"
    set_threshold("chain_link_min_enterprises", "2")
    set_threshold("chain_link_min_output_share", "10")
    result = status(users["admin"], chain)
    assert result["两家"] == ("strong", [])  # 2 is enough now
    assert result["占8%"] == ("weak", ["产值占全链8.0%，低于10%"])  # 8 % was enough under 5 %, not under 10 %
    assert result["大环节"] == ("strong", [])


def test_xn_cl_5_key_link_held_by_one_enterprise_is_single(no_pack_thresholds, users, regions, place):
    chain = ChainFactory()
    key = ChainLinkFactory(chain=chain, name="关键一家", is_key=True, min_enterprises=1)
    plain = ChainLinkFactory(chain=chain, name="普通一家", min_enterprises=1)
    key_two = ChainLinkFactory(chain=chain, name="关键两家", is_key=True, min_enterprises=1)
    place(key, regions["咸安区"], 1000)
    place(plain, regions["咸安区"], 1000)
    place(key_two, regions["咸安区"], 500, 500)
    result = status(users["admin"], chain)
    assert result["关键一家"] == ("single", ["关键环节仅一家企业支撑"])
    assert result["普通一家"] == ("strong", [])
    assert result["关键两家"] == ("strong", [])


def test_key_link_with_one_enterprise_below_the_minimum_is_weak_and_says_it_is_single(
    no_pack_thresholds, users, regions, place
):
    chain = ChainFactory()
    key = ChainLinkFactory(chain=chain, name="关键", is_key=True)
    place(key, regions["咸安区"], 1000)
    assert status(users["admin"], chain)["关键"] == ("weak", ["企业1家，少于3家", "关键环节仅一家企业支撑"])


def test_a_links_own_minimum_overrides_the_packs(no_pack_thresholds, users, regions, place):
    set_threshold("chain_link_min_enterprises", "3")
    chain = ChainFactory()
    lenient = ChainLinkFactory(chain=chain, name="至少1家", min_enterprises=1)
    strict = ChainLinkFactory(chain=chain, name="至少5家", min_enterprises=5)
    place(lenient, regions["咸安区"], 1000)
    place(strict, regions["咸安区"], 300, 300, 300, 300)
    result = status(users["admin"], chain)
    assert result["至少1家"] == ("strong", [])
    assert result["至少5家"] == ("weak", ["企业4家，少于5家"])


def test_the_county_filter_changes_the_classification(no_pack_thresholds, users, regions, place):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    chain = ChainFactory()
    mixed = ChainLinkFactory(chain=chain, name="两县")
    only_jiayu = ChainLinkFactory(chain=chain, name="嘉鱼独有")
    place(mixed, xa, 100, 100)
    place(mixed, jy, 100)
    place(only_jiayu, jy, 100, 100, 100)
    city = status(users["admin"], chain)
    assert city["两县"] == ("strong", [])
    xianan = status(users["admin"], chain, county=xa)
    assert xianan["两县"] == ("weak", ["企业2家，少于3家"])
    assert xianan["嘉鱼独有"] == ("missing", ["本地无企业"])
    jiayu = status(users["admin"], chain, county=jy)
    assert jiayu["两县"][0] == "weak" and jiayu["嘉鱼独有"] == ("strong", [])
    # a county officer's own scope gives the same picture as the city's county filter
    assert status(users["xianan"], chain) == xianan


def test_gaps_lists_missing_then_single_then_weak_and_leaves_strong_links_out(
    no_pack_thresholds, users, regions, place
):
    chain = ChainFactory()
    weak = ChainLinkFactory(chain=chain, name="薄弱", position=1)
    ChainLinkFactory(chain=chain, name="缺失", position=2)
    single = ChainLinkFactory(chain=chain, name="单一", position=3, is_key=True, min_enterprises=1)
    strong = ChainLinkFactory(chain=chain, name="较强", position=4)
    place(weak, regions["咸安区"], 1000)
    place(single, regions["咸安区"], 1000)
    place(strong, regions["咸安区"], 1000, 1000, 1000)
    figures = selectors.link_figures(chain, user=users["admin"])
    assert [f.link.name for f in selectors.gaps(figures)] == ["缺失", "单一", "薄弱"]


def test_in_a_long_chain_the_share_threshold_is_capped_at_half_an_even_split():
    t = selectors.Thresholds(min_enterprises=1, min_share=Decimal(5))
    # 40 links: an even split gives 2.5 % each, so the bar is 1.25 %, not the pack's 5 %
    assert selectors.classify(enterprises=3, share=Decimal("2.0"), is_key=False, thresholds=t, links=40)[0] == "strong"
    assert selectors.classify(enterprises=3, share=Decimal("1.3"), is_key=False, thresholds=t, links=40)[0] == "strong"
    weak, reasons = selectors.classify(enterprises=3, share=Decimal("1.2"), is_key=False, thresholds=t, links=40)
    assert weak == "weak" and reasons == ["产值占全链1.2%，低于1.25%（40个环节平均占比的一半）"]
    # 10 links: half an even split is exactly the pack's 5 %, which applies unchanged; 5 links too
    assert selectors.classify(enterprises=3, share=Decimal("4.9"), is_key=False, thresholds=t, links=10)[0] == "weak"
    assert selectors.classify(enterprises=3, share=Decimal("4.9"), is_key=False, thresholds=t, links=5) == (
        "weak",
        ["产值占全链4.9%，低于5%"],
    )


def test_link_figures_apply_the_cap_with_the_chains_number_of_links(no_pack_thresholds, users, regions, place):
    chain = ChainFactory()
    links = [ChainLinkFactory(chain=chain, name=f"环节{i:02d}") for i in range(20)]  # even split 5 %, bar 2.5 %
    county = regions["咸安区"]
    place(links[0], county, 30, 30, 30)  # 90 of 994 → 9.1 %
    place(links[1], county, 10, 10, 10)  # 30 of 994 → 3.0 %: weak under the pack's 5 %, not under the 2.5 % bar
    place(links[2], county, 8, 8, 8)  # 24 of 994 → 2.4 %: weak
    for link in links[3:]:
        place(link, county, 16, 16, 18)  # 17 links × 50 = 850
    got = status(users["admin"], chain)
    assert got["环节01"][0] == "strong"
    assert got["环节02"][0] == "weak" and "（20个环节平均占比的一半）" in got["环节02"][1][0]

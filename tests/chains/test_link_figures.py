"""Per-link figures of a chain (XN-CL-5): enterprise and 规上 counts, chain leaders, the statistics output of the 12
months to the latest month with statistics, each link's share of the chain's output with an enterprise on two links
counted once in the chain total, and the scope (a county officer counts only their own county's enterprises)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.chains import selectors
from tests.factories import (
    AttractionTargetFactory,
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LinkEnterpriseFactory,
    MonthlyFigureFactory,
)

pytestmark = pytest.mark.django_db


def by_name(figures) -> dict[str, selectors.LinkFigures]:
    return {f.link.name: f for f in figures}


def months(first: dt.date, n: int) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_counts_enterprises_above_scale_firms_leaders_and_targets_per_link(users, regions):
    chain = ChainFactory()
    a = ChainLinkFactory(chain=chain, name="A", position=1)
    b = ChainLinkFactory(chain=chain, name="B", position=2)
    xa = regions["咸安区"]
    LinkEnterpriseFactory(link=a, enterprise=EnterpriseFactory(county=xa, is_above_scale=True), role="leader")
    LinkEnterpriseFactory(link=a, enterprise=EnterpriseFactory(county=xa, is_above_scale=True), role="core")
    LinkEnterpriseFactory(link=a, enterprise=EnterpriseFactory(county=xa, is_above_scale=False))
    AttractionTargetFactory(link=b)
    AttractionTargetFactory(link=b)
    figures = selectors.link_figures(chain, user=users["admin"])
    assert [f.link.name for f in figures] == ["A", "B"]  # chain order
    fa, fb = figures
    assert (fa.enterprises, fa.above_scale, fa.leaders, fa.targets) == (3, 2, 1, 0)
    assert (fb.enterprises, fb.above_scale, fb.leaders, fb.targets) == (0, 0, 0, 2)
    assert fa.share is None and fa.output == 0  # no statistics at all: no share, nothing classified by share


def test_output_is_the_sum_of_the_12_months_to_the_latest_month_with_statistics(users, regions):
    chain = ChainFactory()
    link = ChainLinkFactory(chain=chain)
    e = EnterpriseFactory(county=regions["咸安区"])
    LinkEnterpriseFactory(link=link, enterprise=e)
    for month in months(dt.date(2024, 6, 1), 13):  # 2024-06 … 2025-06: 13 months of 100
        MonthlyFigureFactory(enterprise=e, month=month, output=Decimal(100))
    # an enterprise not on the chain sets the latest month with statistics to 2025-07 for everyone
    MonthlyFigureFactory(enterprise=EnterpriseFactory(county=regions["咸安区"]), month=dt.date(2025, 7, 1))
    assert selectors.figures_window() == (dt.date(2024, 8, 1), dt.date(2025, 7, 1))
    (f,) = selectors.link_figures(chain, user=users["admin"])
    assert f.output == Decimal(1100)  # 2024-08 … 2025-06: 11 months; 2024-06 and 2024-07 are outside the window
    (f,) = selectors.link_figures(chain, user=users["admin"], until=dt.date(2025, 6, 1))
    assert f.output == Decimal(1200)


def test_only_statistics_figures_count_other_sources_neither_add_output_nor_move_the_window(users, regions):
    chain = ChainFactory()
    link = ChainLinkFactory(chain=chain)
    e = EnterpriseFactory(county=regions["咸安区"])
    LinkEnterpriseFactory(link=link, enterprise=e)
    MonthlyFigureFactory(enterprise=e, month=dt.date(2025, 6, 1), output=Decimal(100))
    MonthlyFigureFactory(enterprise=e, month=dt.date(2025, 6, 1), source="self", output=Decimal(90))
    MonthlyFigureFactory(enterprise=e, month=dt.date(2026, 9, 1), source="tax", output=None, invoice_sales=Decimal(5))
    (f,) = selectors.link_figures(chain, user=users["admin"])
    assert f.output == Decimal(100)


def test_an_enterprise_on_two_links_counts_once_in_the_chain_total(users, regions):
    chain = ChainFactory()
    a = ChainLinkFactory(chain=chain, name="A", position=1)
    b = ChainLinkFactory(chain=chain, name="B", position=2)
    both = EnterpriseFactory(county=regions["咸安区"])
    only_b = EnterpriseFactory(county=regions["咸安区"])
    LinkEnterpriseFactory(link=a, enterprise=both)
    LinkEnterpriseFactory(link=b, enterprise=both)
    LinkEnterpriseFactory(link=b, enterprise=only_b)
    MonthlyFigureFactory(enterprise=both, month=dt.date(2025, 6, 1), output=Decimal(300))
    MonthlyFigureFactory(enterprise=only_b, month=dt.date(2025, 6, 1), output=Decimal(100))
    f = by_name(selectors.link_figures(chain, user=users["admin"]))
    assert (f["A"].output, f["B"].output) == (Decimal(300), Decimal(400))
    # chain total 400, not 700
    assert (f["A"].share, f["B"].share) == (Decimal("75.0"), Decimal("100.0"))


def test_a_county_officer_counts_only_enterprises_of_their_own_county(users, regions):
    chain = ChainFactory()
    link = ChainLinkFactory(chain=chain, name="A")
    other = ChainLinkFactory(chain=chain, name="B")
    mine = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    theirs = EnterpriseFactory(county=regions["嘉鱼县"], is_above_scale=True)
    LinkEnterpriseFactory(link=link, enterprise=mine)
    LinkEnterpriseFactory(link=link, enterprise=theirs)
    LinkEnterpriseFactory(link=other, enterprise=EnterpriseFactory(county=regions["嘉鱼县"]))
    MonthlyFigureFactory(enterprise=mine, month=dt.date(2025, 6, 1), output=Decimal(100))
    MonthlyFigureFactory(enterprise=theirs, month=dt.date(2025, 6, 1), output=Decimal(900))
    city = by_name(selectors.link_figures(chain, user=users["admin"]))
    assert (city["A"].enterprises, city["A"].above_scale, city["A"].output) == (2, 2, Decimal(1000))
    officer = by_name(selectors.link_figures(chain, user=users["xianan"]))
    assert (officer["A"].enterprises, officer["A"].above_scale, officer["A"].output) == (1, 1, Decimal(100))
    assert officer["A"].share == Decimal("100.0")  # the officer's chain total is their county's only
    assert officer["B"].status == "missing"
    # a viewer sees the city, an auditor sees no enterprise at all
    assert by_name(selectors.link_figures(chain, user=users["viewer"]))["A"].enterprises == 2
    assert {f.status for f in selectors.link_figures(chain, user=users["auditor"])} == {"missing"}


def test_several_chains_at_once_give_the_same_figures_in_the_same_queries(
    users, regions, place, django_assert_num_queries
):
    chains = []
    for k in range(3):
        chain = ChainFactory()
        for pos in range(4):
            county = regions["咸安区" if pos % 2 else "嘉鱼县"]
            place(
                ChainLinkFactory(chain=chain, position=pos), county, *[10 * (pos + 1)] * (k + pos), above=bool(pos % 2)
            )
        chains.append(chain)
    thresholds = selectors.Thresholds.from_pack()
    until = dt.date(2025, 6, 1)
    with django_assert_num_queries(4):  # links, placements, output, targets
        many = selectors.link_figures_many(chains, user=users["admin"], until=until, thresholds=thresholds)
    for chain in chains:
        one = selectors.link_figures(chain, user=users["admin"], until=until, thresholds=thresholds)
        assert [(f.link.pk, f.enterprises, f.above_scale, f.output, f.share, f.status) for f in many[chain.pk]] == [
            (f.link.pk, f.enterprises, f.above_scale, f.output, f.share, f.status) for f in one
        ]

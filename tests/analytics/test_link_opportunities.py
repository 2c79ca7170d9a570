"""Chain links a county is closest to hosting (issue 6 §6): a link's density is the maximum relatedness density of the
GB/T 4754 大类 its codes fall in; links the county already has an enterprise on, and links with no division in the
matrix, are not recommended; every recommendation says why in words; the relatedness page shows them."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pytest

from chanye.analytics.relatedness import LinkCandidate, compute, link_opportunities
from chanye.chains.models import Chain
from tests.conftest import DATA
from tests.factories import ChainLinkFactory, LinkEnterpriseFactory
from tests.helpers import three_county_firms

REF = json.loads((DATA / "relatedness_reference.json").read_text(encoding="utf-8"))
DIVISIONS = [str(13 + j) for j in range(len(REF["industries"]))]  # the reference's industries as 大类 13, 14, …


@pytest.fixture
def c():
    return compute(REF["regions"], REF["industries"], np.array(REF["x"]))


def col(code: str) -> int:
    return DIVISIONS.index(code)


def test_a_links_density_is_the_maximum_over_its_divisions_not_the_mean(c):
    region = REF["regions"][0]
    lo, hi = sorted(("14", "15", "16", "17", "18"), key=lambda d: c.density[0, col(d)])[::4]  # least / most related
    assert c.density[0, col(hi)] > c.density[0, col(lo)]
    link = LinkCandidate(key=1, name="两类环节", chain="测试链", codes=[f"{lo}11", f"{hi}2", lo])
    [o] = link_opportunities(c, region, [link], divisions=DIVISIONS)
    assert o.density == pytest.approx(c.density[0, col(hi)])
    assert o.density != pytest.approx((c.density[0, col(lo)] + c.density[0, col(hi)]) / 2)
    assert o.industry == REF["industries"][col(hi)]
    assert set(o.divisions) == {REF["industries"][col(lo)], REF["industries"][col(hi)]}


def test_hosted_links_and_links_outside_the_matrix_are_left_out_and_the_rest_ranked_by_density(c):
    region = REF["regions"][0]
    links = [
        LinkCandidate(key=k, name=f"环节{k}", chain="测试链", codes=[f"{d}10"]) for k, d in enumerate(DIVISIONS)
    ] + [LinkCandidate(key="farm", name="生猪养殖", chain="测试链", codes=["0313"])]
    out = link_opportunities(c, region, links, divisions=DIVISIONS, hosted={0, 3}, top=None)
    keys = [o.link.key for o in out]
    assert 0 not in keys and 3 not in keys and "farm" not in keys
    assert len(out) == len(DIVISIONS) - 2
    assert [o.density for o in out] == sorted((o.density for o in out), reverse=True)
    assert len(link_opportunities(c, region, links, divisions=DIVISIONS, top=3)) == 3


def test_equal_density_puts_key_links_then_chokepoints_first(c):
    region = REF["regions"][0]
    plain = LinkCandidate(key="a", name="普通", chain="链", codes=["15"])
    choke = LinkCandidate(key="b", name="卡脖子", chain="链", codes=["15"], is_chokepoint=True)
    key = LinkCandidate(key="c", name="关键", chain="链", codes=["15"], is_key=True)
    out = link_opportunities(c, region, [plain, choke, key], divisions=DIVISIONS)
    assert [o.link.name for o in out] == ["关键", "卡脖子", "普通"]


def test_the_reason_counts_the_nearest_industries_the_county_already_has(c):
    region = REF["regions"][0]
    held = {REF["industries"][j] for j in range(len(DIVISIONS)) if c.mcp[0, j]}
    without = next(d for j, d in enumerate(DIVISIONS) if not c.mcp[0, j] and c.density[0, j] > 0)
    [o] = link_opportunities(
        c, region, [LinkCandidate(key=1, name="肉制品", chain="链", codes=[without])], divisions=DIVISIONS
    )
    assert o.near_total == 5 and o.near_held == sum(1 for n in o.nearest if n in held) and not o.advantage
    text = o.explain("咸安区")
    assert text.startswith(f"“肉制品”属{o.industry}；咸安区已有其最相近的5个行业中的{o.near_held}个（最相近的是")
    assert f"关联密度{o.density:.2f}" in text
    strong = next(d for j, d in enumerate(DIVISIONS) if c.mcp[0, j])
    [o] = link_opportunities(
        c, region, [LinkCandidate(key=2, name="屠宰加工", chain="链", codes=[strong])], divisions=DIVISIONS
    )
    assert o.advantage and "已具备比较优势（RCA≥1）但尚无企业在这一环节" in o.explain("咸安区")


# ---------------------------------------------------------------- the page

M = dt.date(2025, 6, 1)


@pytest.mark.django_db
def test_the_relatedness_page_lists_the_links_the_county_could_grow(regions, users, login):
    placed = three_county_firms(regions, M)[-1]  # 咸宁高新区's 26 化工 firm
    # 屠宰加工 1351, 肉制品 1353: 大类 13; 生猪养殖, 冷链物流, 终端销售 are not manufacturing
    meat = Chain.objects.get(code="food-meat")
    LinkEnterpriseFactory(link=meat.links.get(name="屠宰加工"), enterprise=placed)
    ChainLinkFactory(chain=meat, name="芯片封装", stage="downstream", gbt4754=["3973"], is_key=True, position=99)
    page = login(users["admin"]).get("/relatedness/?county=421200-GXQ").content.decode()
    assert "可培育的产业链环节" in page
    table = page[page.index('id="link-opportunities"') :]
    rows = table[: table.index("</table>")].split("<tr>")[2:]
    names = [re.findall(r"<td>(.*?)</td>", r)[1].split(" <span")[0] for r in rows]  # the link column
    assert names == ["芯片封装", "肉制品"]  # 屠宰加工 hosted; 冷链物流, 生猪养殖, 终端销售 not manufacturing
    assert "关键" in rows[0] and "咸宁高新区在该行业已具备比较优势（RCA≥1）但尚无企业在这一环节" in rows[0]
    page = login(users["jiayu"]).get("/relatedness/").content.decode()
    table = page[page.index('id="link-opportunities"') :]
    assert "屠宰加工" in table and "嘉鱼县已有其最相近的" in table

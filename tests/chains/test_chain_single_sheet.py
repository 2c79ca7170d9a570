"""Chains kept the way people keep them — one sheet, a row per link (产业链 | 环节 | 位置 | 主要产品 …) with their own
headings — import like the two-sheet template: new chains are coded after their cluster, a chain named by an existing
chain's name or code is replaced in place, and problems name the sheet, row and column."""

from __future__ import annotations

import pytest

from chanye.chains import chain_errors, chain_io
from chanye.chains.models import Chain
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db


def test_one_sheet_of_links_with_everyday_headings_creates_chains_coded_after_their_cluster(users):
    data = xlsx(
        [
            ["产业链", "所属集群", "环节", "上中下游", "代表产品", "国民经济行业代码", "是否关键环节"],
            ["预制菜产业链", "食品饮料产业集群", "原料种养", "上游", "生猪、蔬菜", "0313", "否"],
            ["预制菜产业链", "食品饮料产业集群", "中央厨房", "中游", "预制菜", "1399", "是"],
            ["预制菜产业链", "食品饮料产业集群", "冷链配送", "下游", "", "5432", ""],
            ["粮油产业链", "", "稻谷种植", "", "", "", ""],
            ["粮油产业链", "", "稻谷加工", "", "大米", "1311", ""],
        ],
        sheet="我们的产业链",
    )
    result = chain_io.do_import_chains(actor=users["admin"], data=data, filename="产业链清单.xlsx")
    assert len(result.created) == 2
    meals = Chain.objects.get(name="预制菜产业链")
    assert meals.cluster.name == "食品饮料产业集群" and meals.code.startswith(meals.cluster.code)
    links = list(meals.links.order_by("position"))
    assert [(x.name, x.stage, x.is_key) for x in links] == [
        ("原料种养", "upstream", False),
        ("中央厨房", "midstream", True),
        ("冷链配送", "downstream", False),
    ]
    assert links[0].products == ["生猪", "蔬菜"] and links[1].gbt4754 == ["1399"]
    grain = Chain.objects.get(name="粮油产业链")
    assert grain.cluster is None and grain.code.startswith("chain")
    assert list(grain.links.values_list("stage", flat=True)) == ["upstream", "downstream"]


def test_a_sheet_naming_an_existing_chain_replaces_its_links_in_place(users):
    chain = Chain.objects.get(code="food-meat")
    data = xlsx(
        [
            ["产业链", "环节", "位置"],
            [chain.name, "生猪养殖", "上游"],
            [chain.name, "屠宰加工", "中游"],
            [chain.name, "肉制品", "中游"],
            [chain.name, "冷链物流", "下游"],
            [chain.name, "终端销售", "下游"],
            [chain.name, "餐饮门店", "下游"],
        ]
    )
    result = chain_io.do_import_chains(actor=users["admin"], data=data, filename="x.xlsx")
    assert [c.pk for c, _ in result.updated] == [chain.pk]
    assert chain.links.count() == 6 and Chain.objects.filter(name=chain.name).count() == 1


def test_problems_in_a_single_sheet_name_the_sheet_row_and_column_and_nothing_is_written(users):
    before = Chain.objects.count()
    data = xlsx(
        [
            ["产业链", "环节", "位置"],
            ["新链", "甲", "下游"],
            ["新链", "乙", "上游"],
            ["另一链", "丙", "左游"],
            ["另一链", "丁", ""],
        ],
        sheet="清单",
    )
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=data, filename="x.xlsx")
    text = str(exc.value)
    assert "工作表“清单”第4行［位置］值“左游”：应为 上游、中游 或 下游" in text
    assert "上游、中游、下游的顺序" in text
    assert Chain.objects.count() == before

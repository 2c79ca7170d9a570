"""Chains written as ordered stages (XN-SYS-4): the 咸宁 packs carry every seed chain in full, in the text's order, with
stages that run upstream → midstream → downstream; the schema refuses a badly written chain with a Chinese error."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from pydantic import ValidationError

from chanye.industry import schema
from chanye.industry.services import GBT4754_CSV
from tests.conftest import ROOT
from tests.helpers import MINI_PACK as MINI
from tests.helpers import mini_pack_data, pack_problems

DRAFT = ROOT / "packs" / "xianning-2025-draft.yaml"
FINAL = ROOT / "packs" / "xianning-2025.yaml"
HUANGGANG = ROOT / "packs" / "huanggang-2025.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"  # the policy texts sit beside the repository; checks on them skip without them
XN_DRAFT_TEXT = "000_b37abdc7448489cf.txt"  # cluster plan (征求意见稿) + chain-leader plan
XN_FINAL_TEXT = "001_ad3b9516b934926c.txt"  # cluster plan, final
TEXTS = {DRAFT: [XN_DRAFT_TEXT], FINAL: [XN_FINAL_TEXT, XN_DRAFT_TEXT], HUANGGANG: ["003_d33abf0026bc2744.txt"]}

# XN-SYS-4 and the chains the texts write as stages, by the cluster that carries them, links in the text's order.
SEED_CHAINS = {
    "ramie-textiles": ["苎麻种植", "脱胶开松", "纺纱", "织布", "成品加工"],  # 专栏3
    "technical-textiles": ["纺纱", "织造", "印染", "成品", "流通"],  # 专栏3
    "energy-electronic-materials": ["石英岩", "石英砂", "石英制品", "终端应用"],  # 专栏6
    "display-panels-modules": ["材料", "面板", "模组"],  # 专栏8
    "metallurgy-building-materials": ["铝土矿开采", "再生铝回收"],  # 链主 专栏4: only the two ends are written
    "biomedicine": ["纺纱", "织布", "精炼", "漂洗", "成品制作"],  # 链主 专栏6
    "inorganic-nonmetallic": ["原料加工", "制品生产"],  # 专栏6: 从原料加工到制品生产
}
XN_PACKS = [DRAFT, FINAL]


def chains_by_cluster(path: Path) -> dict[str, list[schema.ChainSpec]]:
    return {c.code: c.chains for c, _ in schema.iter_clusters(schema.read(path).clusters) if c.chains}


def ranks(chain: schema.ChainSpec) -> list[int]:
    return [schema.STAGES.index(link.stage) for link in chain.links]


def gbt_codes() -> set[str]:
    with open(GBT4754_CSV, encoding="utf-8") as f:
        return {row[0] for row in csv.reader(line for line in f if not line.startswith("#"))}


# --- the seed chains in the 咸宁 packs ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", XN_PACKS, ids=lambda p: p.stem)
def test_every_xn_sys_4_seed_chain_is_in_the_pack_with_the_texts_links_in_the_texts_order(path):
    got = chains_by_cluster(path)
    assert set(got) == set(SEED_CHAINS)  # every seed chain, and no chain the texts do not write
    for cluster, names in SEED_CHAINS.items():
        assert [ch.names() for ch in got[cluster]] == [names]
        chain = got[cluster][0]
        assert chain.rule == "XN-SYS-4" and chain.code == cluster and chain.name and chain.source_text


@pytest.mark.parametrize("path", [*XN_PACKS, HUANGGANG], ids=lambda p: p.stem)
def test_seed_chain_stages_never_go_back_and_run_from_upstream_to_downstream(path):
    for chains in chains_by_cluster(path).values():
        for chain in chains:
            r = ranks(chain)
            assert r == sorted(r), chain.code
            assert chain.links[0].stage == "upstream" and chain.links[-1].stage == "downstream", chain.code


@pytest.mark.parametrize("path", [*XN_PACKS, HUANGGANG], ids=lambda p: p.stem)
def test_seed_chain_links_cite_only_real_gbt4754_2017_classes_and_carry_a_chinese_description(path):
    codes = gbt_codes()
    for chains in chains_by_cluster(path).values():
        for link in (link for chain in chains for link in chain.links):
            assert link.gbt4754 and set(link.gbt4754) <= codes, (link.name, link.gbt4754)
            assert link.description and not link.description.isascii(), link.name


@pytest.mark.parametrize("path", XN_PACKS, ids=lambda p: p.stem)
def test_key_links_are_those_the_text_singles_out_and_no_link_is_a_chokepoint_without_such_wording(path):
    got = chains_by_cluster(path)
    keys = {cluster: [link.name for link in chains[0].links if link.key] for cluster, chains in got.items()}
    assert {c: k for c, k in keys.items() if k} == {
        "ramie-textiles": ["成品加工"],  # AI量体、数字打版、柔性生产线 and its 龙头 firms are garment making
        "energy-electronic-materials": ["石英砂"],  # 加强石英岩矿产资源精加工利用，为南玻等企业提供原材料保障
        "display-panels-modules": ["面板"],  # 重点发展柔性屏、3D曲面玻璃盖板、真空镀膜装饰面板
        "metallurgy-building-materials": ["再生铝回收"],  # 华劲铝业建设废铝回收、新能源电池拆解线
    }
    assert not [link.name for chains in got.values() for link in chains[0].links if link.chokepoint]


def test_products_are_the_ones_the_text_names_at_their_link():
    got = {c: {link.name: link.products for link in chs[0].links} for c, chs in chains_by_cluster(FINAL).items()}
    assert got["display-panels-modules"] == {
        "材料": ["玻璃基板"],  # 吸引上游玻璃基板
        "面板": ["柔性屏", "3D曲面玻璃盖板", "真空镀膜装饰面板"],
        "模组": ["触控模组"],  # 下游触控模组
    }
    assert got["technical-textiles"]["成品"] == ["医用纺织品", "车用过滤材料", "特种布"]
    assert got["inorganic-nonmetallic"]["制品生产"] == ["云母绝缘材料", "特种玻璃"]


# --- the chains against the seed texts (skipped when the texts are not beside the repository) --------------------


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not available")
@pytest.mark.parametrize("path", [*XN_PACKS, HUANGGANG], ids=lambda p: p.stem)
def test_source_text_is_a_verbatim_seed_sentence_naming_the_links_in_the_chains_order(path):
    texts = [(SEEDS / name).read_text(encoding="utf-8") for name in TEXTS[path]]
    for chains in chains_by_cluster(path).values():
        for chain in chains:
            assert any(chain.source_text in t for t in texts), chain.code
            at = -1
            for name in chain.names():
                at = chain.source_text.find(name, at + 1)
                assert at >= 0, (chain.code, name)


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not available")
def test_the_quartz_chain_is_quoted_as_each_edition_writes_it_hyphens_in_the_draft_dashes_in_the_final():
    draft = chains_by_cluster(DRAFT)["energy-electronic-materials"][0].source_text
    final = chains_by_cluster(FINAL)["energy-electronic-materials"][0].source_text
    assert "“石英岩-石英砂-石英制品-终端应用”" in draft and draft in (SEEDS / XN_DRAFT_TEXT).read_text(encoding="utf-8")
    assert "“石英岩—石英砂—石英制品—终端应用”" in final and final in (SEEDS / XN_FINAL_TEXT).read_text(encoding="utf-8")


def test_huanggang_building_chain_is_quarrying_then_processing_then_trade_under_hg_t_1():
    chains = chains_by_cluster(HUANGGANG)
    assert list(chains) == ["hg-building-home"]
    (chain,) = chains["hg-building-home"]
    assert chain.names() == ["集约开采", "精深加工", "贸易流通"] and chain.rule == "HG-T-1"
    assert "集约开采与精深加工有机结合、精深加工与贸易流通有效衔接" in chain.source_text


# --- the schema: badly written chains are refused in Chinese ------------------------------------------------------


def test_stages_written_out_of_order_are_refused_naming_both_links_in_chinese():
    with pytest.raises(ValidationError) as e:
        schema.ChainSpec.model_validate(
            {"links": [{"name": "纺纱", "stage": "midstream"}, {"name": "苎麻种植", "stage": "upstream"}]}
        )
    assert "环节应按上游、中游、下游的顺序书写：“苎麻种植”（上游）写在了“纺纱”（中游）之后" in str(e.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda links: links[3].update(stage="upstream"), "“冷链物流”（上游）写在了“肉制品”（中游）之后"),
        (lambda links: links[1].update(next=["肉制品", "屠宰场"]), "环节“屠宰加工”的下游环节“屠宰场”未在本链中定义"),
        (lambda links: links[2].update(name="屠宰加工"), "环节名称“屠宰加工”重复"),
        (lambda links: links[1].update(next=["屠宰加工"]), "环节“屠宰加工”不能以自身为下游"),
        (lambda links: links[0].update(gbt4754=["03a"]), "国民经济行业代码“03a”应为2—4位数字"),
        (lambda links: links.__delitem__(slice(1, None)), "产业链至少要有两个环节"),
    ],
    ids=["stage-out-of-order", "unknown-next", "duplicate-name", "next-is-itself", "bad-gbt-code", "one-link"],
)
def test_a_badly_written_chain_in_a_pack_is_a_located_chinese_pack_error(change, message):
    d = mini_pack_data()
    change(d["clusters"][0]["chains"][0]["links"])
    got = pack_problems(d)
    assert any(p.startswith("clusters[0].chains[0]") and message in p for p in got), got


def test_a_one_link_plain_chain_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="产业链至少要有两个环节"):
        schema.ChainSpec.model_validate(["肉制品"])


def test_a_duplicate_link_name_in_a_plain_list_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="环节名称“纺纱”重复"):
        schema.ChainSpec.model_validate(["纺纱", "织布", "纺纱"])


# --- plain lists and edges -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", range(2, 10))
def test_a_plain_name_list_infers_upstream_first_downstream_last_and_never_goes_back(count):
    chain = schema.ChainSpec.model_validate([f"环节{i}" for i in range(count)])
    assert chain.links[0].stage == "upstream" and chain.links[-1].stage == "downstream"
    assert ranks(chain) == sorted(ranks(chain))
    assert [link.code for link in chain.links] == chain.names()  # codes default to names


def test_a_plain_chain_in_a_pack_gets_inferred_stages_and_the_cluster_code():
    cold = next(c for c, _ in schema.iter_clusters(schema.read(MINI).clusters) if c.code == "food-cold-chain")
    (chain,) = cold.chains
    assert [(link.name, link.stage) for link in chain.links] == [
        ("肉制品", "upstream"),
        ("冷链物流", "midstream"),
        ("终端销售", "downstream"),
    ]
    assert chain.code == "food-cold-chain" and chain.name == "肉制品—冷链物流—终端销售"


def test_edges_follow_next_for_a_branch_and_otherwise_the_link_written_after():
    food = schema.read(MINI).clusters[0]
    (chain,) = food.chains
    assert chain.code == "food-meat" and [link.name for link in chain.links if link.key] == ["屠宰加工"]
    assert chain.edges() == [
        ("生猪养殖", "屠宰加工"),
        ("屠宰加工", "肉制品"),  # next: [肉制品, 冷链物流] — the branch
        ("屠宰加工", "冷链物流"),
        ("肉制品", "冷链物流"),  # no next: the link written after it
        ("冷链物流", "终端销售"),
    ]


def test_edges_resolve_next_by_code_and_an_empty_next_ends_a_branch():
    chain = schema.ChainSpec.model_validate(
        {
            "links": [
                {"name": "材料", "code": "m", "stage": "upstream", "next": ["p", "模组"]},
                {"name": "面板", "code": "p", "stage": "midstream", "next": []},
                {"name": "模组", "code": "mod", "stage": "downstream"},
            ]
        }
    )
    assert chain.edges() == [("m", "p"), ("m", "mod")]


@pytest.mark.parametrize("path", XN_PACKS, ids=lambda p: p.stem)
def test_seed_chains_have_no_branches_so_their_edges_are_the_texts_sequence(path):
    for cluster, names in SEED_CHAINS.items():
        (chain,) = chains_by_cluster(path)[cluster]
        assert chain.edges() == list(itertools.pairwise(names))

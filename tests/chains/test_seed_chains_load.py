"""XN-SYS-4: the chains written in the pack load into chain templates with their links and stages in the text's order,
reloading changes nothing, a pack change updates unedited chains, and a chain edited on the platform keeps its edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from chanye.chains import services
from chanye.chains.models import Chain, ChainEdge, LinkEnterprise
from chanye.core.access import SYSTEM
from chanye.industry import schema
from chanye.industry.models import Cluster, Pack
from chanye.industry.services import LoadResult, do_load_pack
from tests.factories import EnterpriseFactory

ROOT = Path(__file__).resolve().parents[2]
FINAL = ROOT / "packs" / "xianning-2025.yaml"
SEED_CHAINS = [
    ["苎麻种植", "脱胶开松", "纺纱", "织布", "成品加工"],
    ["纺纱", "织造", "印染", "成品", "流通"],
    ["石英岩", "石英砂", "石英制品", "终端应用"],
    ["材料", "面板", "模组"],
]
STAGE_RANK = {"upstream": 0, "midstream": 1, "downstream": 2}

pytestmark = pytest.mark.django_db


def _names(chain: Chain) -> list[str]:
    return list(chain.links.order_by("position").values_list("name", flat=True))


def test_xn_sys_4_seed_chains_load_with_links_in_the_texts_order_and_stages_never_going_back():
    do_load_pack(actor=SYSTEM, path=FINAL)
    loaded = {tuple(_names(c)): c for c in Chain.objects.filter(is_active=True)}
    for names in SEED_CHAINS:
        assert tuple(names) in loaded, names
        chain = loaded[tuple(names)]
        stages = list(chain.links.order_by("position").values_list("stage", flat=True))
        assert stages[0] == "upstream" and stages[-1] == "downstream"
        assert [STAGE_RANK[s] for s in stages] == sorted(STAGE_RANK[s] for s in stages)
        assert chain.cluster is not None and chain.rule
    aluminium = next(c for c in loaded.values() if _names(c)[0] == "铝土矿开采")
    assert _names(aluminium)[-1] == "再生铝回收"


def test_every_chain_of_the_pack_is_loaded_with_its_edges():
    spec = schema.read(FINAL)
    do_load_pack(actor=SYSTEM, path=FINAL)
    for cluster, _ in schema.iter_clusters(spec.clusters):
        for ch in cluster.chains:
            chain = Chain.objects.get(code=ch.code)
            assert chain.cluster.code == cluster.code
            assert _names(chain) == ch.names()
            edges = set(ChainEdge.objects.filter(source__chain=chain).values_list("source__code", "target__code"))
            assert edges == set(ch.edges())


def test_reloading_the_same_pack_changes_no_chain():
    do_load_pack(actor=SYSTEM, path=FINAL)
    result = do_load_pack(actor=SYSTEM, path=FINAL)
    assert "产业链" not in result.created and "产业链" not in result.updated


def _sync(spec: schema.PackSpec) -> LoadResult:
    """Load a changed spec's chains as a pack load does."""
    pack = Pack.objects.get(code=spec.id)
    clusters = {c.code: c for c in Cluster.objects.all()}
    result = LoadResult(pack=pack)
    services.sync_from_pack(spec=spec, pack=pack, clusters=clusters, result=result)
    return result


def _spec_chain(spec: schema.PackSpec, code: str) -> schema.ChainSpec:
    return next(ch for c, _ in schema.iter_clusters(spec.clusters) for ch in c.chains if ch.code == code)


def test_a_pack_change_updates_an_unedited_chain_but_keeps_a_chain_edited_on_the_platform(users):
    do_load_pack(actor=SYSTEM, path=FINAL)
    quartz = next(c for c in Chain.objects.all() if _names(c)[0] == "石英岩")
    panels = next(c for c in Chain.objects.all() if _names(c) == ["材料", "面板", "模组"])
    edited = services.chain_to_spec(panels)
    edited.links[1].description = "平台上补充的说明"
    services.do_save_chain(actor=users["admin"], spec=edited, cluster=panels.cluster, chain=panels)

    spec = schema.read(FINAL)
    _spec_chain(spec, quartz.code).links[2].name = "石英器件"
    _spec_chain(spec, panels.code).links[2].name = "显示模组"
    result = _sync(spec)
    assert result.updated["产业链"] == 1 and result.updated["产业链（保留平台修改）"] == 1
    assert "石英器件" in _names(quartz)
    panels.refresh_from_db()
    assert _names(panels) == ["材料", "面板", "模组"] and panels.edited
    assert panels.links.get(name="面板").description == "平台上补充的说明"


def test_a_pack_that_drops_a_link_holding_enterprises_keeps_the_link_and_its_enterprises(regions):
    do_load_pack(actor=SYSTEM, path=FINAL)
    panels = next(c for c in Chain.objects.all() if _names(c) == ["材料", "面板", "模组"])
    member = LinkEnterprise.objects.create(
        link=panels.links.get(name="面板"), enterprise=EnterpriseFactory(county=regions["咸安区"])
    )
    spec = schema.read(FINAL)
    chain_spec = _spec_chain(spec, panels.code)
    chain_spec.links = [x for x in chain_spec.links if x.name != "面板"]
    for x in chain_spec.links:
        x.next = None
    result = _sync(spec)
    assert result.updated.get("产业链（有企业的环节未删除）") == 1
    assert LinkEnterprise.objects.filter(pk=member.pk).exists()
    assert _names(panels) == ["材料", "面板", "模组"]


def test_a_pack_that_drops_an_empty_link_removes_it():
    do_load_pack(actor=SYSTEM, path=FINAL)
    panels = next(c for c in Chain.objects.all() if _names(c) == ["材料", "面板", "模组"])
    spec = schema.read(FINAL)
    chain_spec = _spec_chain(spec, panels.code)
    chain_spec.links = [x for x in chain_spec.links if x.name != "面板"]
    for x in chain_spec.links:
        x.next = None
    _sync(spec)
    assert _names(panels) == ["材料", "模组"]
    assert list(ChainEdge.objects.filter(source__chain=panels).values_list("source__name", "target__name")) == [
        ("材料", "模组")
    ]

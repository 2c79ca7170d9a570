"""The shipped 咸宁 packs (XN-SYS-1…5, XN-CL-1…4): they validate, load idempotently and differ as the texts do."""

from __future__ import annotations

import pytest

from chanye.core.access import SYSTEM
from chanye.industry import diff, schema
from chanye.industry.models import Cluster, CountyLayout, Industry, Target
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT

DRAFT = ROOT / "packs" / "xianning-2025-draft.yaml"
FINAL = ROOT / "packs" / "xianning-2025.yaml"
UNITS = ["咸宁高新区", "咸安区", "嘉鱼县", "赤壁市", "通城县", "崇阳县", "通山县"]


@pytest.mark.parametrize("path", [DRAFT, FINAL])
def test_pack_validates_and_cites_rule_ids(path):
    spec = schema.read(path)
    rules = {t.rule for t in spec.targets}
    assert {"XN-CL-1", "XN-CL-2", "XN-CL-3", "XN-CL-4", "XN-SYS-5", "XN-GS-2", "XN-GS-3"} <= rules
    assert spec.industrial_system.rule == "XN-SYS-1" and spec.county_layout.rule == "XN-SYS-3"
    assert [i.name for i in spec.industries] == [
        "大健康",
        "装备制造",
        "食品饮料",
        "新型建材",
        "电子信息",
        "生物医药",
        "新材料",
        "绿色能源",
        "低空经济",
    ]  # XN-SYS-1
    assert {f.name for f in spec.industrial_system.families} >= {"传统产业", "新兴产业", "未来产业"}  # XN-SYS-2


def test_xn_sys_1_five_plus_five_in_draft_five_plus_four_in_final():
    assert schema.read(DRAFT).industrial_system.label == "5+5"
    assert schema.read(FINAL).industrial_system.label == "5+4"


def test_xn_sys_3_county_layout_has_seven_units_and_the_written_totals():
    for path in (DRAFT, FINAL):
        layout = schema.read(path).county_layout
        assert sorted(u.region for u in layout.units) == sorted(UNITS)
        assert layout.totals == {"industries": 33, "clusters": 13}
        assert sum(len(u.clusters) for u in layout.units) == 13


def test_xn_sys_4_chains_are_ordered_stages():
    chains = [c.names() for cl, _ in schema.iter_clusters(schema.read(FINAL).clusters) for c in cl.chains]
    assert ["苎麻种植", "脱胶开松", "纺纱", "织布", "成品加工"] in chains
    assert ["纺纱", "织造", "印染", "成品", "流通"] in chains
    assert ["石英岩", "石英砂", "石英制品", "终端应用"] in chains
    assert ["材料", "面板", "模组"] in chains


def test_xn_gs_3_yearly_quotas_by_county_sum_to_300():
    spec = schema.read(FINAL)
    quotas = {t.scope: t.value for t in spec.targets if t.rule == "XN-GS-3" and t.indicator == "above_scale_new_count"}
    assert len(quotas) == 7 and sum(quotas.values()) == 300
    assert quotas["region:咸安区"] == 45 and quotas["region:咸宁高新区"] == 42


def test_xn_cl_1_targets_use_the_legal_reading_of_chao():
    t = {x.code: x for x in schema.read(FINAL).targets if x.rule == "XN-CL-1"}
    over_1000 = next(x for x in t.values() if "1000" in x.source_text)
    assert over_1000.value == 2 and over_1000.year == 2030


def test_diff_draft_to_final_names_the_three_changes():
    lines = diff.diff_packs(schema.read(DRAFT), schema.read(FINAL))
    text = "\n".join(lines)
    assert "产业体系：“5+5”→“5+4”" in text
    assert "咸宁高新区 一行由第1行移到第7行" in text
    assert "新增 无人机关键零部件及整机研发制造产业集群" in text and "删除 低空应用设备制造产业集群" in text
    assert "低空经济制造产业集群 说明：文字改写" in text
    assert diff.diff_packs(schema.read(FINAL), schema.read(FINAL)) == []


@pytest.mark.django_db
def test_loading_draft_then_final_updates_in_place_and_reloading_changes_nothing():
    do_load_pack(actor=SYSTEM, path=DRAFT)
    assert Cluster.objects.filter(name="低空应用设备制造产业集群", is_active=True).exists()
    result = do_load_pack(actor=SYSTEM, path=FINAL)
    assert result.changed
    assert not Cluster.objects.filter(name="低空应用设备制造产业集群", is_active=True).exists()
    assert Cluster.objects.get(name="无人机关键零部件及整机研发制造产业集群").is_active
    assert CountyLayout.objects.order_by("position").last().region.name == "咸宁高新区"
    assert not do_load_pack(actor=SYSTEM, path=FINAL).changed
    assert Industry.objects.filter(is_active=True).count() == 9
    assert Target.objects.filter(rule="XN-GS-3", is_active=True).count() >= 7

"""Pack validation gives every error with its place, in Chinese; loading is idempotent."""

from __future__ import annotations

import pytest
import yaml

from chanye.core.access import SYSTEM
from chanye.industry import schema
from chanye.industry.models import Cluster, CountyLayout, Target, Threshold
from chanye.industry.services import do_load_pack
from chanye.regions.models import Region
from tests.helpers import MINI_PACK as MINI
from tests.helpers import mini_pack_data, pack_problems


def test_mini_pack_is_valid():
    spec = schema.read(MINI)
    assert spec.industrial_system.label == "2+1" and len(list(schema.iter_clusters(spec.clusters))) == 4


def test_missing_field_and_unknown_field_are_located():
    d = mini_pack_data()
    del d["regions"][1]["name"]
    d["clusters"][0]["colour"] = "red"
    got = pack_problems(d)
    assert any(p.startswith("regions[1].name：缺少必填项") for p in got)
    assert any(p.startswith("clusters[0].colour：不认识的字段") for p in got)


def test_bad_rule_id_wrong_comparator_and_bad_region_code():
    d = mini_pack_data()
    d["targets"][0]["rule"] = "XN_GS_2"
    d["targets"][1]["comparator"] = "≥"
    d["regions"][1]["code"] = "42120"
    got = "\n".join(pack_problems(d))
    assert "XN-CL-1" in got and "targets[1].comparator" in got and "GB/T 2260" in got


def test_dangling_references_are_all_listed():
    d = mini_pack_data()
    d["clusters"][0]["industries"] = ["不存在的产业"]
    d["county_layout"]["units"][0]["region"] = "火星区"
    d["targets"][2]["scope"] = "cluster:nope"
    got = "\n".join(pack_problems(d))
    assert "不存在的产业" in got and "火星区" in got and "nope" in got


def test_yaml_syntax_error_reports_line():
    with pytest.raises(schema.PackError, match="第2行第5列"):
        schema.parse("schema: chanye-pack/1\nid: : x\n", "bad.yaml")


def test_park_needs_a_local_code_not_a_gb2260_code():
    d = mini_pack_data()
    d["regions"][3]["code"] = "421299"
    assert any("本地代码" in p for p in pack_problems(d))


def test_loading_twice_changes_nothing_and_stores_everything(empty_db):
    first = do_load_pack(actor=SYSTEM, path=MINI)
    assert first.changed
    second = do_load_pack(actor=SYSTEM, path=MINI)
    assert not second.changed and second.summary() == "无变化"
    park = Region.objects.get(code="421221-PW")
    assert park.parent.code == "421221" and park.stats_code == "421221100000" and not park.is_county_level
    assert Region.objects.get(code="421200-GXQ").is_county_level
    sub = Cluster.objects.get(code="food-cold-chain")
    assert (
        sub.parent.code == "food" and sub.chains == [["肉制品", "冷链物流", "终端销售"]] and sub.family == "traditional"
    )
    assert Cluster.objects.get(code="county-xianan-jidian").recognition_labels == ["国家级中小企业特色产业集群"]
    assert [lay.region.name for lay in CountyLayout.objects.all()] == ["咸安区", "嘉鱼县", "咸宁高新区"]
    assert CountyLayout.objects.get(region__name="嘉鱼县").industry_notes == {"食品饮料": "绿色食品"}
    t = Target.objects.get(code="t-new-xianan")
    assert t.region.name == "咸安区" and t.per_year and t.rule == "XN-GS-3"
    assert Target.objects.get(code="t-cold-chain").cluster.code == "food-cold-chain"
    assert Threshold.objects.get(key="above_scale_revenue").value == 2000


@pytest.mark.django_db
def test_a_target_removed_from_the_pack_is_deactivated_not_deleted(tmp_path):
    do_load_pack(actor=SYSTEM, path=MINI)
    d = mini_pack_data()
    n = len(d["targets"])
    d["targets"] = d["targets"][:1]
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    result = do_load_pack(actor=SYSTEM, path=p)
    assert result.deactivated["目标"] == n - 1
    assert Target.objects.filter(is_active=True).count() == 1 and Target.objects.count() == n

"""Tier-like thresholds no code read are tiers of their packs (FIDELITY D5): 鄂州
“加大对产值过10亿元的工业企业扶持力度” (EZ-T-1) and 益阳 十亿级项目 (YY-P-1, one entry instead of a threshold and a
tier); the tiers carry what the 梯队名单 needs (family, level, 规上) and the schema refuses what does not fit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chanye.core.access import SYSTEM
from chanye.industry import schema
from chanye.industry.models import Threshold
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT
from tests.helpers import mini_pack_data, pack_problems

PACKS = ROOT / "packs"
EZHOU, HUANGGANG, YIYANG = (PACKS / f for f in ("ezhou-2027.yaml", "huanggang-2025.yaml", "yiyang-2025.yaml"))


def _tiers(path: Path) -> dict[str, schema.TierSpec]:
    return {t.code: t for t in schema.read(path).tiers}


def test_ez_t_1_output_over_10yi_is_a_tier_not_a_threshold():
    spec = schema.read(EZHOU)
    assert "ez_key_enterprise_output" not in {t.key for t in spec.thresholds}
    t = _tiers(EZHOU)["ez-key-enterprise-output-10yi"]
    # 产值 (output), 过 (>): exactly 10亿 is not in it; the revenue tier 10亿级企业 (>=) stays a tier of its own
    assert (t.applies_to, t.value, t.unit, t.comparator, t.measure, t.rule) == (
        "enterprise",
        Decimal(10),
        "亿元",
        ">",
        "output",
        "EZ-T-1",
    )
    assert "产值过10亿元的工业企业扶持力度" in t.source_text
    assert _tiers(EZHOU)["ez-enterprise-10yi"].comparator == ">="


def test_yy_p_1_the_ten_yi_project_is_one_tier_and_no_threshold():
    spec = schema.read(YIYANG)
    assert spec.thresholds == []
    tiers = _tiers(YIYANG)
    assert [c for c, t in tiers.items() if t.applies_to == "project" and t.value == 10] == ["yy-project-10yi"]
    assert tiers["yy-project-10yi"].rule == "YY-P-1" and "总投资10亿元以上" in tiers["yy-project-10yi"].source_text
    county = {c for c, t in tiers.items() if t.level == "county"}
    assert county == {"yy-county-industry-100yi", "yy-county-enterprise-10yi", "yy-county-project-1yi"}


def test_hg_t_1_cluster_tiers_name_their_family_and_the_county_tier_counts_above_scale():
    tiers = _tiers(HUANGGANG)
    assert {c: t.family for c, t in tiers.items() if t.applies_to == "cluster"} == {
        "hg-cluster-1000yi": "pillar",
        "hg-cluster-100yi": "county",
        "hg-block-economy-10yi": "other",
    }
    assert tiers["hg-county-1000yi"].above_scale and not tiers["hg-park-500yi"].above_scale


def test_every_tier_of_the_city_packs_cites_its_rule_and_text():
    for path in (EZHOU, HUANGGANG, YIYANG):
        for t in schema.read(path).tiers:
            assert t.rule and t.source_text, (path.stem, t.code)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"applies_to": "enterprise", "family": "other"}, "只有集群层级（applies_to: cluster）可以写 family"),
        ({"applies_to": "enterprise", "above_scale": True}, "只有区县、园区层级可以写 above_scale（规上）"),
        ({"applies_to": "project", "measure": "output"}, "口径（measure）应为 investment"),
        ({"applies_to": "cluster", "family": "pillar"}, "集群类别“pillar”未在 industrial_system.families 中定义"),
    ],
)
def test_the_schema_refuses_a_tier_that_does_not_fit(extra, problem):
    data = mini_pack_data()
    base = {"code": "bad-tier", "name": "错层级", "value": 1, "unit": "亿元", "comparator": ">=", "measure": "revenue"}
    data["tiers"].append({**base, **extra})
    assert any(problem in p for p in pack_problems(data)), pack_problems(data)


@pytest.mark.django_db
def test_a_threshold_the_pack_no_longer_states_is_dropped_on_reload(mini_pack, tmp_path):
    import yaml

    data = mini_pack_data()
    key = data["thresholds"][0]["key"]
    assert Threshold.objects.filter(key=key).exists()
    data["thresholds"] = data["thresholds"][1:]
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = do_load_pack(actor=SYSTEM, path=path)
    assert not Threshold.objects.filter(key=key).exists()
    assert result.deactivated["阈值"] == 1

"""The pack's `industry_liaison` section (YY-ORG-1): the industries are the pack's top-level clusters, each once; a lead
unit is one of the pack's departments (when it lists them); the number of leaders is at least one."""

from __future__ import annotations

from chanye.industry import schema
from tests.conftest import ROOT
from tests.helpers import mini_pack_data, pack_problems


def test_yy_org_1_yiyangs_five_1000yi_industries_with_the_manufacturing_lead_and_none_for_services():
    spec = schema.read(ROOT / "packs" / "yiyang-2025.yaml").industry_liaison
    assert spec is not None and spec.rule == "YY-ORG-1" and spec.leaders_per_industry == 2
    leads = {i.cluster: i.lead_unit for i in spec.industries}
    assert leads == {
        "yy-electronics": "市工业和信息化局",
        "yy-new-materials": "市工业和信息化局",
        "yy-food": "市工业和信息化局",
        "yy-equipment": "市工业和信息化局",
        "yy-culture-tourism-health": "",  # 服务业 分工负责: no lead unit in the text
    }


def test_yy_org_1_only_yiyang_states_the_arrangement():
    for city in ("ezhou-2027", "huanggang-2025", "xianning-2025"):
        assert schema.read(ROOT / "packs" / f"{city}.yaml").industry_liaison is None, city


def test_yy_org_1_an_industry_must_be_a_top_level_cluster_named_once():
    data = mini_pack_data()
    data["industry_liaison"]["industries"] += [{"cluster": "food-cold-chain"}, {"cluster": "nope"}, {"cluster": "food"}]
    problems = " ".join(pack_problems(data))
    assert "联系机制的产业“food-cold-chain”不是顶层集群" in problems
    assert "联系机制的产业“nope”未在 clusters 中定义" in problems
    assert "联系机制的产业“food”重复" in problems


def test_yy_org_1_a_lead_unit_must_be_one_of_the_listed_departments():
    data = mini_pack_data()
    data["departments"] = [{"code": "fgw", "name": "市发改委"}]
    assert "牵头单位“市经信局”未在 departments 中定义" in " ".join(pack_problems(data))


def test_yy_org_1_at_least_one_leader_and_one_industry():
    data = mini_pack_data()
    data["industry_liaison"]["leaders_per_industry"] = 0
    data["industry_liaison"]["industries"] = []
    problems = pack_problems(data)
    assert "industry_liaison.leaders_per_industry：数值小于允许的最小值（实际值：0）" in problems
    assert any(p.startswith("industry_liaison.industries：至少应有一项") for p in problems)

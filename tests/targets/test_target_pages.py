"""Target tree page, target detail with reporting, and the indicators/targets API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.core.models import AuditLog
from chanye.industry.models import Target
from chanye.targets.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(regions):
    IndicatorValue.objects.create(indicator="above_scale_count", period=dt.date(2025, 6, 1), value=Decimal(600))
    IndicatorValue.objects.create(
        indicator="above_scale_new_count",
        period=dt.date(timezone.localdate().year, 1, 1),
        region=regions["咸安区"],
        value=Decimal(45),
    )


def test_tree_groups_city_county_cluster_with_traffic_lights(client, users, values, login):
    r = login(users["admin"]).get("/targets/")
    assert r.status_code == 200
    kinds = [n.kind for n in r.context["nodes"]]
    assert kinds[0] == "city" and "county" in kinds and kinds[-1] == "cluster"
    page = r.content.decode()
    assert "咸安区每年新增规上" in page and 'data-status="met"' in page  # 45 of 45 this year
    assert "冷链食品年产值" in page and 'data-status="no_data"' in page


def test_county_officer_sees_city_and_own_county_targets_only(client, users, values, login):
    r = login(users["jiayu"]).get("/targets/")
    titles = [n.title for n in r.context["nodes"]]
    assert "咸安区" not in titles
    assert login(users["jiayu"]).get("/targets/t-new-xianan/").status_code == 404


def test_reporting_a_value_is_audited_and_shown(client, users, regions, login):
    c = login(users["admin"])
    r = c.post("/targets/t-cold-chain/", {"period": "2025-10", "value": "41.5", "note": "市统计局快报"})
    assert r.status_code == 302
    v = IndicatorValue.objects.get(indicator="cluster_output", source="reported")
    assert v.value == Decimal("41.5") and v.cluster.code == "food-cold-chain"
    assert AuditLog.objects.filter(object_type="targets.indicatorvalue", action="create").exists()
    page = c.get("/targets/t-cold-chain/").content.decode()
    assert "41.5" in page and "部门上报" in page


def test_reporting_needs_a_source_and_a_number(client, users, login):
    r = login(users["admin"]).post("/targets/t-cold-chain/", {"period": "2025-10", "value": "很多", "note": ""})
    page = r.content.decode()
    assert "不是数字" in page and "请注明来源" in page


def test_county_officer_reports_only_for_own_unit(client, users, login):
    c = login(users["xianan"])
    assert c.post("/targets/t-new-xianan/", {"period": "2025-10", "value": "12", "note": "区经信局"}).status_code == 302
    assert c.post("/targets/t-cold-chain/", {"period": "2025-10", "value": "1", "note": "x"}).status_code == 404


def test_api_targets_and_indicators(client, users, values, login):
    c = login(users["viewer"])
    targets = {t["code"]: t for t in c.get("/api/v1/targets/").json()}
    assert Decimal(targets["t-above-total"]["current"]) == 600 and targets["t-above-total"]["status"] == "behind"
    assert targets["t-new-xianan"]["status"] == "met" and targets["t-cold-chain"]["status"] == "no_data"
    inds = {i["code"]: i for i in c.get("/api/v1/indicators/").json()}
    assert (
        inds["above_scale_count"]["kind"] == "computed"
        and Decimal(inds["above_scale_count"]["latest_city_value"]) == 600
    )
    vals = c.get("/api/v1/indicators/above_scale_new_count/values?region=421202").json()
    assert [Decimal(v["value"]) for v in vals] == [45]
    assert c.get("/api/v1/indicators/nope/values").status_code == 404


def test_target_tree_query_count_is_bounded(client, users, values, login, django_assert_max_num_queries):
    c = login(users["admin"])
    for i in range(40):
        Target.objects.create(code=f"x{i}", indicator="above_scale_count", label=f"测试{i}", value=1, rule="XN-GS-2")
    with django_assert_max_num_queries(15):
        assert c.get("/targets/").status_code == 200


def test_catalogue_page_lists_every_indicator_with_the_latest_value(client, users, values, login):
    from chanye.targets.catalogue import CATALOGUE

    page = login(users["admin"]).get("/indicators/").content.decode()
    assert all(i.name in page for i in CATALOGUE.values())
    assert "600家" in page and "系统计算" in page and "部门报送" in page


def test_every_pack_target_names_a_catalogue_indicator():
    from chanye.industry import schema
    from chanye.targets.catalogue import CATALOGUE
    from tests.conftest import ROOT

    for path in sorted((ROOT / "packs").glob("*.yaml")):
        unknown = {t.indicator for t in schema.read(path).targets} - set(CATALOGUE)
        assert not unknown, f"{path.name}: {unknown}"


def test_policy_text_page_proposes_targets_beside_the_text_and_downloads_yaml(client, users, login):
    import yaml

    c = login(users["admin"])
    text = "到2030年，全市规上工业企业总数突破2000家。对首次入规企业给予一次性奖励8万元。"
    page = c.post("/targets/from-text/", {"text": text}).content.decode()
    assert '<mark id="s1"' in page and 'value="2000"' in page and "奖补条款" in page
    form = {
        "action": "yaml",
        "count": "1",
        "keep-0": "on",
        "indicator-0": "above_scale_count",
        "label-0": "规上工业企业总数",
        "value-0": "2000",
        "unit-0": "家",
        "comparator-0": ">",
        "year-0": "2030",
        "scope-0": "city",
        "rule-0": "",
        "sentence-0": "全市规上工业企业总数突破2000家",
    }
    assert "请填写规则编号" in c.post("/targets/from-text/", form).content.decode()
    r = c.post("/targets/from-text/", {**form, "rule-0": "XN-GS-2"})
    assert r["Content-Type"].startswith("application/x-yaml")
    (t,) = yaml.safe_load(r.content.decode())["targets"]
    assert (t["value"], t["comparator"], t["year"], t["rule"]) == (2000, ">", 2030, "XN-GS-2")
    from chanye.industry.schema import TargetSpec

    TargetSpec.model_validate(t)  # the fragment is valid pack YAML


def test_policy_text_page_turns_reward_clauses_into_pack_rewards(client, users, login):
    """A 奖补办法 with no targets still gets its page; each reward row is edited and downloaded as a `rewards` entry the
    pack schema accepts, and a wrong row is refused in words."""
    import yaml

    c = login(users["admin"])
    text = (
        "对新认定的国家级、省级专精特新企业，分别给予60万元、30万元一次性奖励。"
        "技改项目按设备投资的8%给予补助，单个项目最高不超过500万元。"
    )
    page = c.post("/targets/from-text/", {"text": text}).content.decode()
    assert 'name="r_amount-0" value="60"' in page and 'name="r_rate-2" value="8"' in page and 'name="r_cap-2"' in page
    form = {"action": "yaml", "count": "0", "reward_count": "3"}
    assert "获得认定：specialized:national" in page  # the condition proposed as pack data
    form |= {"r_keep-0": "on", "r_label-0": "国家级专精特新企业奖励", "r_condition-0": "新认定的国家级专精特新企业",
             "r_amount-0": "60", "r_amount_unit-0": "万元", "r_per-0": "once", "r_rule-0": "HG-R-9",
             "r_sentence-0": text.split("。")[0], "r_use_when-0": "on",
             "r_when-0": '{"kind": "honour", "honours": ["specialized:national"]}'}  # fmt: skip
    form |= {"r_keep-2": "on", "r_label-2": "技改补助", "r_condition-2": "技改项目", "r_rate-2": "8",
             "r_base-2": "设备投资", "r_cap-2": "500", "r_cap_unit-2": "万元", "r_per-2": "per_project",
             "r_rule-2": ""}  # fmt: skip
    assert "奖补第2条：请填写规则编号" in c.post("/targets/from-text/", form).content.decode()
    r = c.post("/targets/from-text/", {**form, "r_rule-2": "HG-R-4", "r_rate-2": "", "r_amount-2": ""})
    assert "须给出金额（amount）或比例（rate）" in r.content.decode()
    r = c.post("/targets/from-text/", {**form, "r_rule-2": "HG-R-4"})
    assert r["Content-Type"].startswith("application/x-yaml")
    from chanye.industry.schema import RewardSpec

    rewards = yaml.safe_load(r.content.decode())["rewards"]
    assert [(x.get("amount"), x.get("rate"), x.get("cap")) for x in rewards] == [
        (60, None, None),
        (None, 8, 500),
    ]
    assert rewards[0]["when"] == {"kind": "honour", "honours": ["specialized:national"]}
    for x in rewards:
        RewardSpec.model_validate(x)


def test_policy_page_is_not_for_enterprise_users(client, users, two_counties, login):
    assert login(users["qiye"]).get("/targets/from-text/").status_code == 404


def test_a_target_page_says_its_own_definition_in_words_not_in_parameter_notation(client, users, login):
    """“（params.measure=output：工业总产值）” is the catalogue's note for pack authors; an officer reads 门槛 10亿元,
    超过（不含本数）, 口径 工业总产值, 行业门类 制造业 (browser walk, issue 12)."""
    from chanye.industry.models import Target

    Target.objects.create(
        code="t-words",
        indicator="enterprise_count_revenue_over",
        label="产值超10亿元的制造业企业",
        value=5,
        unit="家",
        comparator=">=",
        params={
            "threshold": 10,
            "threshold_unit": "亿元",
            "threshold_comparator": ">",
            "measure": "output",
            "sector": "制造业",
        },
        rule="EZ-T-1",
    )
    page = login(users["admin"]).get("/targets/t-words/").content.decode()
    assert "params." not in page
    for words in ("门槛：10亿元", "边界：超过（不含本数）", "口径：工业总产值", "行业门类：制造业", "（未定年限）"):
        assert words in page, words

"""Every figure a department reports has an owner and a cadence in all five packs (issue 12: reported targets with their
报送单位 and 报送频次), and the 目标 page names the owner on the target's row.

A reported target is one whose indicator the catalogue marks `reported` (its generic `reported` entry or a named one
such as 制造业增加值占GDP比重) and that no provider computes (the chain leaders' XN-LZ-2…5 figures come from the
leaders' ledgers, not from a department). The units are the ones the texts name for the measure (EZ-ORG-1 责任单位;
YY-ORG-1 “排第一的为牵头单位”; 咸宁's 专栏 per county) or the platform's default owner, marked in the pack."""

from __future__ import annotations

import re

import pytest

from chanye.core import indicators
from chanye.core.access import SYSTEM
from chanye.industry.models import Target
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# worked out from the packs by hand: ezhou's 20 `reported` + 技改投资 + 能耗; huanggang's 11 `reported` (the two
# HG-T-3 per-cluster targets are computed); yiyang's 2 `reported`;
# xianning's 45 catalogue-reported targets less the 5 chain-leader figures the provider computes (XN-LZ-2…5)
REPORTED = {"ezhou-2027": 22, "huanggang-2025": 11, "yiyang-2025": 2, "xianning-2025": 40, "xianning-2025-draft": 40}


def _reported_targets() -> list[Target]:
    computed = indicators.provided_codes()
    return [
        t
        for t in Target.objects.filter(is_active=True).order_by("code")
        if (ind := indicators.get(t.indicator)) is not None and ind.kind == "reported" and t.indicator not in computed
    ]


@pytest.mark.parametrize("pack", sorted(REPORTED))
def test_every_reported_target_of_the_pack_names_its_reporter_and_a_cadence(pack):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{pack}.yaml")
    reported = _reported_targets()
    assert len(reported) == REPORTED[pack]
    assert [t.code for t in reported if not t.reporter] == []
    assert [t.code for t in reported if t.cadence not in ("month", "quarter", "year")] == []


@pytest.mark.parametrize(
    ("pack", "code", "reporter"),
    [
        ("ezhou-2027", "ez-t-5-listings", "市政府办"),  # 二（六）3 names only 市政府办
        ("ezhou-2027", "ez-t-5-city-st-projects", "市科技局"),  # 二（二）3: 市科技局 first
        ("ezhou-2027", "ez-t-3-quality-system-coverage", "市市场监管局"),  # 二（六）2: 市市场监管局 first
        ("yiyang-2025", "yy-t-1-brands-double", "市市场监管局"),  # 三（六）: 排第一的为牵头单位
        ("yiyang-2025", "yy-t-2-agriculture-output", "市农业农村局"),  # 四（二）牵头负责农林牧渔业
        ("xianning-2025", "xn-gs-4-pool-intake-jiayu", "嘉鱼县人民政府"),  # 专栏2: the county's own requirement
        ("xianning-2025", "xn-cl-2-manufacturing-va-share-gdp", "市统计局"),  # none named: the statistic's owner
        ("huanggang-2025", "hg-t-2-signed-investment", "市招商局"),  # 黄冈 names no unit: platform default
    ],
)
def test_the_reporter_is_the_unit_the_text_names_or_the_statistics_owner(pack, code, reporter):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{pack}.yaml")
    t = Target.objects.get(code=code)
    assert (t.reporter, t.cadence) == (reporter, "year")


@pytest.mark.parametrize("pack", sorted(REPORTED))
def test_the_target_page_lists_each_reported_target_under_its_reporter_and_due(pack, client):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{pack}.yaml")
    client.force_login(UserFactory(username=f"admin-{pack}", role="city_admin"))
    page = client.get("/targets/").content.decode()
    rows = {}
    for row in page.split("<tr>")[1:]:
        if m := re.search(r'href="/targets/([\w-]+)/"', row):
            rows[m.group(1)] = row
    for t in _reported_targets():
        row = rows[t.code]
        # the row names who reports it and how often (按年), and nothing is reported yet for the last year: 本期待报送
        assert f'<div class="small text-muted target-reporter">{t.reporter}，按年报送</div>' in row, t.code
        assert "本期待报送" in row, t.code

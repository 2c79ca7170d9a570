"""XN-CL-3 “全市培育国家级制造业单项冠军10家”: the 咸宁 target counts only enterprises holding the champion honour at
national level (`Honour.level == national`); a provincial, city or level-less champion does not count, an enterprise
holding it at two levels counts once, and a national honour of another kind does not count. The level-free series
(鄂州 EZ-T-1 “制造业单项冠军（产品）企业”) still counts every champion."""

from __future__ import annotations

import pytest

from chanye.enterprises.models import Honour
from chanye.industry.models import Target
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import city_values, county, figure, load_pack

pytestmark = pytest.mark.django_db(transaction=True)


def champion(*levels: str, kind: str = "single_champion") -> object:
    e = EnterpriseFactory(county=county(), is_above_scale=True)
    for level in levels:
        Honour.objects.create(enterprise=e, kind=kind, level=level)
    return e


@pytest.fixture
def champions():
    load_pack("xianning")
    champion("national")  # counts
    champion("national", "provincial")  # counts once
    champion("provincial")
    champion("city")
    champion("")  # level not stated (imported as “是”): not known to be national
    champion("national", kind="little_giant")  # national, but not a champion


def test_xn_cl_3_target_reads_the_national_series():
    load_pack("xianning")
    assert Target.objects.get(code="xn-cl-3-single-champions").series_key == "level=national"


def test_xn_cl_3_counts_national_champions_only(champions):
    v = city_values()
    assert figure(v, "xn-cl-3-single-champions") == 2
    assert v["single_champion_count", "level=provincial"] == 2
    assert v["single_champion_count", "level=city"] == 1
    assert v["single_champion_count", ""] == 5  # any level (EZ-T-1): the five champions, the little giant aside


def test_xn_cl_3_no_national_champion_is_zero():
    load_pack("xianning")
    champion("provincial")
    assert figure(city_values(), "xn-cl-3-single-champions") == 0

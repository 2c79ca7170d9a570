"""XN-XM-6 (咸宁 only): each project has 1–3 项目秘书, a 包保领导 and a 项目管家. Where the pack states it, more than 3
secretaries are refused on save and a missing minimum, leader or steward is flagged (after the save and on the project
page) rather than refused, so existing data stays valid; a pack that does not state it (益阳) asks for none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chanye.core.access import SYSTEM
from chanye.industry.services import do_load_pack
from chanye.projects import rules as project_rules
from chanye.projects.models import Project
from chanye.projects.services import do_save_project, staffing_gaps, validate
from chanye.regions.models import Region
from tests.conftest import ROOT
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _data(county, **extra):
    return {
        "code": "XM6-001",
        "name": "包保测试项目",
        "investor": "测试投资有限公司",
        "county_id": county.pk,
        "investment": Decimal("3"),
        "signed_on": dt.date(2025, 1, 10),
        **extra,
    }


def test_xn_xm_6_mini_pack_states_one_to_three_secretaries_leader_and_steward(mini_pack):
    s = project_rules.current().staffing
    assert s is not None and (s.secretaries_min, s.secretaries_max, s.leader, s.steward) == (1, 3, True, True)


def test_xn_xm_6_missing_minimum_leader_and_steward_are_flagged(regions):
    p = ProjectFactory(county=regions["咸安区"], secretaries=[], leader="", steward="")
    gaps = staffing_gaps(p)
    assert len(gaps) == 3 and "项目秘书应为1—3名（XN-XM-6）" in gaps
    assert any("包保领导" in g for g in gaps) and any("项目管家" in g for g in gaps)
    full = ProjectFactory(county=regions["咸安区"], secretaries=["李秘书"], leader="王副区长", steward="孙管家")
    assert staffing_gaps(full) == []


def test_xn_xm_6_a_save_without_staff_is_accepted_and_flagged_but_four_secretaries_refused(regions, users):
    p = do_save_project(actor=users["admin"], project=Project(), data=_data(regions["咸安区"]))
    assert p.pk and len(staffing_gaps(p)) == 3  # existing/unstaffed data stays valid, flagged
    with pytest.raises(ValidationError, match="1—3名"):
        do_save_project(actor=users["admin"], project=p, data={"secretaries": ["甲", "乙", "丙", "丁"], "leader": "王"})


def test_xn_xm_6_the_form_warns_after_saving_and_the_page_flags(regions, users, login):
    c = login(users["admin"])
    r = c.post(
        "/projects/new/",
        {
            "code": "XM6-002",
            "name": "包保表单测试项目",
            "investor": "测试投资有限公司",
            "county": regions["咸安区"].pk,
            "kind": "new",
            "list_kind": "new_build",
            "project_type": "industry",
            "investment": "3",
            "signed_on": "2025-01-10",
            "secretaries": "李秘书",
        },
        follow=True,
    )
    html = r.content.decode()
    assert Project.objects.filter(code="XM6-002").exists()
    assert "请补充包保责任" in html and "尚未确定包保领导（XN-XM-6）" in html and "尚未确定项目管家（XN-XM-6）" in html
    assert 'id="staffing-gaps"' in html


def test_xn_xm_6_yiyang_pack_asks_for_no_staffing(empty_db):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "yiyang-2025.yaml")
    assert project_rules.current().staffing is None
    county = Region.objects.county_level().first()
    p = ProjectFactory(county=county, secretaries=["甲", "乙", "丙", "丁"], leader="", steward="")
    assert staffing_gaps(p) == []
    validate(p)  # four secretaries are no refusal where the pack states no XN-XM-6

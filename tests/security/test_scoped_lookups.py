"""Lookups by name or code inside services stay within the officer's county (issue 11, holes 1 and 2).

A county officer who types another county's firm — as a chain leader's supply partner, as the credit code of a signed
lead, as a project's investing firm — learns nothing: the firm is not linked, not named and not counted as local
supply, exactly as if it were not registered.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chanye.chains import leads
from chanye.cultivation import supply
from chanye.projects import services as project_services
from chanye.projects.models import Project
from tests.factories import EnterpriseFactory, LeadFactory, ListedLeaderFactory

pytestmark = pytest.mark.django_db
SECRET = "嘉鱼机密配套包装有限公司"


@pytest.fixture
def firms(regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"], enterprise__name="咸安链主机电有限公司")
    foreign = EnterpriseFactory(county=regions["嘉鱼县"], name=SECRET)
    own = EnterpriseFactory(county=regions["咸安区"], name="咸安配套包装有限公司")
    return {"leader": leader, "foreign": foreign, "own": own}


def test_hole_1_another_countys_firm_named_as_supply_partner_is_not_linked_nor_local(users, login, firms):
    rel = supply.do_declare_relation(
        actor=users["xianan"], leader=firms["leader"], year=2025, direction="upstream", partner_name=SECRET, amount=100
    )
    assert rel.partner is None and rel.is_local is False  # as for a firm that is not registered at all
    page = login(users["xianan"]).get(f"/chain-leaders/{firms['leader'].pk}/?year=2025").content.decode()
    assert firms["foreign"].uscc not in page and f"/enterprises/{firms['foreign'].uscc}/" not in page
    api = login(users["xianan"]).get(f"/api/v1/chain-leaders/{firms['leader'].pk}?year=2025").content.decode()
    assert firms["foreign"].uscc not in api


def test_hole_1_the_officer_may_still_mark_an_unlinked_partner_local_themselves(users, firms):
    rel = supply.do_declare_relation(
        actor=users["xianan"],
        leader=firms["leader"],
        year=2025,
        direction="upstream",
        partner_name=SECRET,
        amount=100,
        is_local=True,
    )
    assert rel.partner is None and rel.is_local is True


def test_hole_1_own_countys_firm_and_the_city_administrator_link_as_before(users, firms):
    own = supply.do_declare_relation(
        actor=users["xianan"],
        leader=firms["leader"],
        year=2025,
        direction="upstream",
        partner_name="咸安配套包装有限公司",
        amount=100,
    )
    assert own.partner == firms["own"] and own.is_local
    city = supply.do_declare_relation(
        actor=users["admin"], leader=firms["leader"], year=2025, direction="downstream", partner_name=SECRET, amount=50
    )
    assert city.partner == firms["foreign"] and city.is_local


def _signed(actor, lead):
    leads.do_move_lead(actor=actor, lead=lead, to="signed", on=dt.date(2026, 2, 1))
    lead.refresh_from_db()
    return Project.objects.get(pk=lead.project_id)


def test_hole_2_a_signed_lead_with_another_countys_credit_code_names_no_firm(users, login, regions, firms):
    lead = LeadFactory(
        county=regions["咸安区"], company="外地客商实业有限公司", uscc=firms["foreign"].uscc, investment=5
    )
    project = _signed(users["xianan"], lead)
    assert project.enterprise_id is None and project.investor == "外地客商实业有限公司"
    c = login(users["xianan"])
    assert SECRET not in c.get(f"/projects/{project.pk}/").content.decode()
    assert SECRET not in c.get(f"/api/v1/projects/{project.pk}").content.decode()


def test_hole_2_a_signed_lead_with_an_own_firms_code_links_it(users, regions, firms):
    lead = LeadFactory(county=regions["咸安区"], company="咸安配套包装有限公司", uscc=firms["own"].uscc, investment=5)
    assert _signed(users["xianan"], lead).enterprise == firms["own"]


def test_a_project_cannot_be_linked_to_another_countys_firm_by_id(users, regions, firms):
    data = {
        "code": "XA-T-1",
        "name": "测试项目",
        "county_id": regions["咸安区"].pk,
        "enterprise_id": firms["foreign"].pk,
        "investment": 3,
        "signed_on": dt.date(2026, 1, 5),
    }
    with pytest.raises(ValidationError) as e:
        project_services.do_save_project(actor=users["xianan"], project=Project(), data=data)
    assert "权限范围" in str(e.value) and not Project.objects.exists()

"""A signed lead becomes a yellow project on the four-colour board (XN-XM-4) with the lead's county (a park's lead:
its county and the park), cluster, chain link, investment and signing date, and the 12 milestones planned from the
signing date by the pack (XN-XM-1: start of construction within start_within_days; XN-XM-3: 项目注册 in 1–3 days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.chains.leads import do_move_lead, do_save_lead
from chanye.chains.models import ChainLink, Lead
from chanye.core.models import AuditLog
from chanye.projects import rules as project_rules
from chanye.projects.models import Project
from tests.factories import EnterpriseFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SIGNED = TODAY - dt.timedelta(days=20)


@pytest.fixture
def slaughter():
    return ChainLink.objects.get(chain__code="food-meat", name="屠宰加工")


def sign(actor, lead, investment="6.5", on=SIGNED):
    return do_move_lead(actor=actor, lead=lead, to="signed", on=on, investment=Decimal(investment), note="正式签约")


def test_xn_xm_4_signed_lead_becomes_a_yellow_signed_project(users, regions, slaughter):
    lead = do_save_lead(
        actor=users["xianan"],
        lead=Lead(),
        data={
            "company": "江苏示例肉食品股份有限公司",
            "link_id": slaughter.pk,
            "county_id": regions["咸安区"].pk,
            "project_name": "年屠宰100万头生猪项目",
            "found_on": SIGNED - dt.timedelta(days=30),
        },
    )
    lead = sign(users["xianan"], lead)
    p = Project.objects.get(pk=lead.project_id)
    assert (p.colour, p.status) == ("yellow", "signed")
    assert p.name == "年屠宰100万头生猪项目" and p.code == lead.code
    assert p.investor == "江苏示例肉食品股份有限公司" and p.enterprise_id is None
    assert (p.county, p.park_id) == (regions["咸安区"], None)
    assert p.cluster == slaughter.chain.cluster and p.cluster.code == "food"
    assert p.industry.name == "食品饮料"  # the cluster's industry
    assert p.chain_node == "屠宰加工"
    assert (p.investment, p.signed_on) == (Decimal("6.5"), SIGNED)
    assert p.kind == "new" and lead.code in p.note
    assert (p.started_on, p.producing_on) == (None, None)


def test_xn_xm_1_the_projects_start_is_planned_within_the_packs_start_within_days(users, regions, slaughter):
    lead = LeadFactory(county=regions["咸安区"], link=slaughter, cluster=slaughter.chain.cluster, found_on=SIGNED)
    lead = sign(users["xianan"], lead)
    milestones = {m.code: m for m in Project.objects.get(pk=lead.project_id).milestones.all()}
    assert len(milestones) == 12
    within = project_rules.current().start_within_days
    assert within == 60  # tests/data/mini-pack.yaml
    assert milestones["construction"].planned_on == SIGNED + dt.timedelta(days=within)
    assert milestones["registration"].planned_on == SIGNED + dt.timedelta(days=3)  # XN-XM-3: 1–3 days
    assert all(m.actual_on is None for m in milestones.values())


def test_park_lead_puts_the_project_in_the_parks_county_and_the_park(regions, slaughter):
    park = regions["潘湾化工园区"]
    officer = UserFactory(username="panwan", role="county_officer", region=park)
    lead = LeadFactory(county=park, link=slaughter, cluster=slaughter.chain.cluster, found_on=SIGNED)
    lead = sign(officer, lead)
    p = Project.objects.get(pk=lead.project_id)
    assert (p.county, p.park) == (regions["嘉鱼县"], park)
    assert Project.objects.for_user(officer).filter(pk=p.pk).exists()


def test_county_level_park_lead_stays_its_own_unit(users, regions, slaughter):
    """咸宁高新区 is a park and a county-level unit under the city: its project is on its own row of the board."""
    gxq = regions["咸宁高新区"]
    lead = LeadFactory(county=gxq, link=slaughter, found_on=SIGNED)
    lead = sign(users["admin"], lead)
    p = Project.objects.get(pk=lead.project_id)
    assert (p.county, p.park_id) == (gxq, None)


def test_lead_of_a_registered_enterprise_links_the_project_to_it(users, regions, slaughter):
    ent = EnterpriseFactory(county=regions["咸安区"], name="咸安示例食品有限公司")
    lead = LeadFactory(county=regions["咸安区"], company=ent.name, uscc=ent.uscc, link=slaughter, found_on=SIGNED)
    lead = sign(users["xianan"], lead)
    p = Project.objects.get(pk=lead.project_id)
    assert p.enterprise == ent and p.investor == ""


def test_project_without_a_planned_name_is_named_after_the_company(users, regions):
    lead = LeadFactory(county=regions["嘉鱼县"], company="浙江示例冷链有限公司", found_on=SIGNED)
    lead = sign(users["jiayu"], lead, investment="1.2")
    p = Project.objects.get(pk=lead.project_id)
    assert p.name == "浙江示例冷链有限公司项目"
    assert (p.cluster_id, p.industry_id, p.chain_node) == (None, None, "")


def test_project_creation_is_audited_with_the_lead_move(users, regions, slaughter):
    lead = LeadFactory(county=regions["咸安区"], link=slaughter, found_on=SIGNED)
    lead = sign(users["xianan"], lead)
    assert AuditLog.objects.filter(object_type="projects.project", object_id=str(lead.project_id)).count() == 1
    assert AuditLog.objects.filter(object_type="chains.lead", object_id=str(lead.pk), message__contains="签约").exists()


def test_a_dropped_lead_registers_no_project(users, regions):
    lead = LeadFactory(county=regions["咸安区"], found_on=SIGNED)
    do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=TODAY, note="企业选址外地")
    assert not Project.objects.exists()

"""The demo chain maps: enterprises on the pack's chains, one lead bank per chain (XN-LZ-11), targets for the gaps and
leads at every stage, moved through the real lead services (a signed lead becomes a project), once only."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.chains.models import Chain, ChainCredit, Lead, LeadStage, LinkEnterprise
from chanye.demo.chains import seed_chains
from chanye.projects.models import Project
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_demo_leads_reach_every_stage_through_the_services_and_are_seeded_once(mini_pack, regions, users):
    from chanye.industry.models import Cluster

    food = Cluster.objects.get(code="food")
    for _ in range(6):
        EnterpriseFactory(county=regions["咸安区"]).clusters.add(food)
    today = dt.date(2025, 6, 30)
    stats = seed_chains(seed=3, today=today)
    assert stats is not None and stats.placed == LinkEnterprise.objects.count() > 0
    # every firm sits on a link its industry code belongs to (issue 13: no cement firm on 铝土矿开采)
    for m in LinkEnterprise.objects.select_related("link", "enterprise"):
        codes = [c.lstrip("ABCDEFGHIJKLMNOPQRST") for c in m.link.gbt4754]
        assert any((m.enterprise.industry_code_id or "").startswith(c) for c in codes), (m.link.name, m.enterprise)
    stages = {s for s in Lead.objects.values_list("stage", flat=True)}
    assert stages == set(LeadStage.values)
    dropped = Lead.objects.filter(stage=LeadStage.DROPPED).first()
    assert dropped.contacted_on and not dropped.visited_on  # contacted, then dropped before the visit
    assert all(d <= today for d in Lead.objects.values_list("found_on", flat=True))
    assert stats.signed == Lead.objects.exclude(signed_on=None).count() == Project.objects.count() > 0
    assert seed_chains(seed=3, today=today) is None  # not twice


def test_demo_names_one_lead_bank_per_chain_serving_enterprises_on_it_xn_lz_11(mini_pack, regions, users):
    from chanye.industry.models import Cluster

    food = Cluster.objects.get(code="food")
    for _ in range(6):
        EnterpriseFactory(county=regions["咸安区"]).clusters.add(food)
    seed_chains(seed=3, today=dt.date(2025, 6, 30))
    with_members = Chain.objects.filter(links__members__isnull=False).distinct()
    assert with_members.exists() and not with_members.filter(lead_bank="").exists()
    credits = ChainCredit.objects.select_related("chain")
    assert credits.exists() and all(c.bank == c.chain.lead_bank for c in credits)
    on_chain = set(LinkEnterprise.objects.values_list("link__chain_id", "enterprise_id"))
    assert set(credits.values_list("chain_id", "enterprise_id")) <= on_chain

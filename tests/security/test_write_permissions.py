"""Each role writes only what the README promises (issue 11, hole 5); every refusal is a 404 and an audit row (hole 6).

The generic table of every write route × role is tests/security/test_route_registry.py; these are the cases that the
last audit found open, each with the row it concerns.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chanye.chains import services as chain_services
from chanye.chains.models import AttractionTarget, LinkEnterprise
from chanye.core.models import AuditLog
from chanye.cultivation import leaders
from chanye.cultivation.models import LeaderReview
from tests.factories import (
    AttractionTargetFactory,
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LinkEnterpriseFactory,
    ListedLeaderFactory,
)

pytestmark = pytest.mark.django_db


def _denied(user) -> int:
    return AuditLog.objects.filter(action="denied", user=user).count()


def test_hole_5_a_viewer_cannot_score_a_chain_leader_review(users, login, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"], status="reviewing")
    scores = {"score_scale": 80, "score_influence": 70, "score_innovation": 90, "score_growth": 60}
    before = _denied(users["viewer"])
    r = login(users["viewer"]).post(
        reverse("cultivation:leader_action", args=[leader.pk]), {"action": "score", **scores}
    )
    assert r.status_code == 404 and not LeaderReview.objects.exists() and _denied(users["viewer"]) == before + 1
    with pytest.raises(PermissionDenied):
        leaders.do_score(actor=users["viewer"], leader=leader, scores={k[6:]: Decimal(v) for k, v in scores.items()})


@pytest.fixture
def link(mini_pack):
    chain = ChainFactory()
    ChainLinkFactory(chain=chain, stage="upstream")
    return ChainLinkFactory(chain=chain)


def test_hole_5_a_county_officer_cannot_overwrite_a_city_wide_attraction_target(users, login, link):
    shared = AttractionTargetFactory(link=link, name="全市共用目标股份有限公司")
    c = login(users["xianan"])
    url = reverse("chains:target_edit", args=[shared.pk])
    assert c.get(url).status_code == 404
    r = c.post(url, {"link": link.pk, "name": "改掉的名字", "location": "x"})
    assert r.status_code == 404
    shared.refresh_from_db()
    assert shared.name == "全市共用目标股份有限公司"
    assert AuditLog.objects.filter(action="denied", user=users["xianan"], object_id=str(shared.pk)).count() == 2
    with pytest.raises(PermissionDenied):
        chain_services.do_save_target(actor=users["xianan"], target=shared, data={"name": "改掉的名字"})


def test_a_county_officers_new_target_is_their_units_and_theirs_to_edit(users, regions, link):
    t = chain_services.do_save_target(
        actor=users["xianan"], target=AttractionTarget(), data={"link": link, "name": "A"}
    )
    assert t.unit == regions["咸安区"]
    chain_services.do_save_target(actor=users["xianan"], target=t, data={"name": "B"})
    with pytest.raises(PermissionDenied):
        chain_services.do_save_target(actor=users["jiayu"], target=t, data={"name": "C"})
    chain_services.do_save_target(actor=users["admin"], target=t, data={"name": "D"})  # the city edits every entry


def test_hole_6_removing_another_countys_placement_is_not_found_and_audited(users, login, regions, link):
    foreign = LinkEnterpriseFactory(link=link, enterprise=EnterpriseFactory(county=regions["嘉鱼县"]))
    before = _denied(users["xianan"])
    r = login(users["xianan"]).post(
        reverse("chains:members", args=[link.chain_id]), {"action": "remove", "member": foreign.pk}
    )
    assert r.status_code == 404 and LinkEnterprise.objects.filter(pk=foreign.pk).exists()
    assert _denied(users["xianan"]) == before + 1


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cultivation:alert_action", "alert"),
        ("cultivation:candidate_remove", "candidate"),
        ("cultivation:leader", "leader"),
    ],
)
def test_hole_6_foreign_alerts_candidates_and_leaders_are_denials_on_record(users, login, regions, name, kind):
    from tests.security.world import build

    w = build(regions, users)
    obj = getattr(w.foreign, kind)
    before = _denied(users["xianan"])
    c = login(users["xianan"])
    url = reverse(name, args=[obj.pk])
    r = c.post(url, {"action": "acknowledge", "reason": "x"}) if "action" in name or "remove" in name else c.get(url)
    assert r.status_code == 404 and _denied(users["xianan"]) == before + 1

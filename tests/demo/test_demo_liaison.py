"""`chanye demo` fills the liaison arrangements (YY-ORG-1) with placeholder leaders and teams marked as demo data,
through the supervision actions; a lead unit the text leaves open stays open."""

from __future__ import annotations

import pytest

from chanye.core.models import AuditLog
from chanye.demo.liaison import seed_liaison
from chanye.supervision import selectors

pytestmark = pytest.mark.django_db


def test_yy_org_1_demo_leaders_and_teams_are_marked_and_only_the_texts_open_lead_stays_missing(mini_pack):
    before = AuditLog.objects.count()
    assert seed_liaison(seed=7) == 2
    states = {s.liaison.cluster.code: s for s in map(selectors.liaison_state, selectors.liaisons())}
    assert states["food"].complete
    assert states["electronics"].missing == ["未确定牵头单位"]  # the pack names no lead: the demo does not invent one
    for s in states.values():
        assert len(s.leaders) == 2 and all(x.name.endswith("（演示）") and x.post for x in s.leaders)
        assert len(s.team) >= 2 and all(m.name.endswith("（演示）") for m in s.team)
    leaders = [x.name for s in states.values() for x in s.leaders]
    assert len(set(leaders)) == 4  # four different placeholder leaders
    written = AuditLog.objects.order_by("pk")[before:]
    assert written and {a.username for a in written} == {"system:chanye demo"}
    assert seed_liaison(seed=7) == 0  # once only

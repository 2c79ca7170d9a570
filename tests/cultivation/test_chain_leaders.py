"""Chain-leader selection (XN-LZ-1, XN-LZ-9): steps in order, scored review, notice and objections, 1–3 per industry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core.models import AuditLog
from chanye.cultivation import leaders
from chanye.enterprises.models import Honour
from chanye.industry.models import Industry
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD = {"scale": 80, "influence": 70, "innovation": 90, "growth": 60}  # 0.3·80 + 0.3·70 + 0.25·90 + 0.15·60 = 76.5


@pytest.fixture
def setup(users, regions):
    reviewers = [users["admin"], UserFactory(username="expert", role="city_admin"), UserFactory(role="city_admin")]
    return {"food": Industry.objects.get(code="food"), "reviewers": reviewers, "county": regions["咸安区"]}


def through_notice(setup, users, scores=GOOD, name=None):
    e = (
        EnterpriseFactory(county=setup["county"], name=name or None)
        if name
        else EnterpriseFactory(county=setup["county"])
    )
    leader = leaders.do_apply(actor=users["xianan"], enterprise=e, industry=setup["food"], on=dt.date(2025, 3, 1))
    leaders.do_start_review(actor=users["admin"], leader=leader)
    for r in setup["reviewers"]:
        leaders.do_score(actor=r, leader=leader, scores={k: Decimal(v) for k, v in scores.items()})
    return leaders.do_start_notice(
        actor=users["admin"], leader=leader, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 5)
    )


def test_xn_lz_9_application_review_notice_approval_list(setup, users):
    leader = through_notice(setup, users)
    assert leader.status == "notice" and leader.score == Decimal("76.50")
    with pytest.raises(ValidationError, match="期满后"):
        leaders.do_approve(actor=users["admin"], leader=leader, on=dt.date(2025, 4, 5))
    leader = leaders.do_approve(actor=users["admin"], leader=leader, on=dt.date(2025, 4, 6))
    assert leader.status == "listed"
    assert Honour.objects.filter(enterprise=leader.enterprise, kind="chain_leader").exists()
    # apply, start review, three reviewers' scores, notice, approval
    assert AuditLog.objects.filter(object_type="cultivation.chainleader").count() == 7


def test_steps_out_of_order_are_refused(setup, users):
    e = EnterpriseFactory(county=setup["county"])
    leader = leaders.do_apply(actor=users["xianan"], enterprise=e, industry=setup["food"])
    with pytest.raises(ValidationError, match="不能评分"):
        leaders.do_score(actor=users["admin"], leader=leader, scores=GOOD)
    with pytest.raises(ValidationError, match="不能公示"):
        leaders.do_start_notice(actor=users["admin"], leader=leader, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 9))
    with pytest.raises(PermissionDenied):
        leaders.do_start_review(actor=users["xianan"], leader=leader)


def test_review_needs_enough_reviewers_and_complete_scores(setup, users):
    e = EnterpriseFactory(county=setup["county"])
    leader = leaders.do_apply(actor=users["admin"], enterprise=e, industry=setup["food"])
    leaders.do_start_review(actor=users["admin"], leader=leader)
    with pytest.raises(ValidationError, match="缺少评分项"):
        leaders.do_score(actor=users["admin"], leader=leader, scores={"scale": 80})
    with pytest.raises(ValidationError, match="0—100"):
        leaders.do_score(actor=users["admin"], leader=leader, scores={**GOOD, "scale": 120})
    leaders.do_score(actor=users["admin"], leader=leader, scores=GOOD)
    with pytest.raises(ValidationError, match="评审人数不足"):
        leaders.do_start_notice(actor=users["admin"], leader=leader, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 9))


def test_low_average_score_is_rejected_and_short_notice_refused(setup, users):
    low = through_notice(setup, users, scores={"scale": 50, "influence": 50, "innovation": 50, "growth": 50})
    assert low.status == "rejected" and "低于60" in low.reason
    e = EnterpriseFactory(county=setup["county"])
    leader = leaders.do_apply(actor=users["admin"], enterprise=e, industry=setup["food"])
    leaders.do_start_review(actor=users["admin"], leader=leader)
    for r in setup["reviewers"]:
        leaders.do_score(actor=r, leader=leader, scores=GOOD)
    with pytest.raises(ValidationError, match="不少于5天"):
        leaders.do_start_notice(actor=users["admin"], leader=leader, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 4))


def test_objections_during_notice_block_approval_until_settled(setup, users):
    leader = through_notice(setup, users)
    with pytest.raises(ValidationError, match="公示期内"):
        leaders.do_object(actor=users["xianan"], leader=leader, content="数据不实", on=dt.date(2025, 4, 9))
    obj = leaders.do_object(actor=users["xianan"], leader=leader, content="产值数据不实", on=dt.date(2025, 4, 3))
    with pytest.raises(ValidationError, match="未处理"):
        leaders.do_approve(actor=users["admin"], leader=leader, on=dt.date(2025, 4, 10))
    leaders.do_settle_objection(actor=users["admin"], objection=obj, upheld=True, resolution="核实产值虚报")
    with pytest.raises(ValidationError, match="异议成立"):
        leaders.do_approve(actor=users["admin"], leader=leader, on=dt.date(2025, 4, 10))


def test_xn_lz_1_at_most_three_leaders_per_key_industry_and_revocation(setup, users):
    listed = []
    for _ in range(3):
        listed.append(
            leaders.do_approve(actor=users["admin"], leader=through_notice(setup, users), on=dt.date(2025, 4, 6))
        )
    fourth = through_notice(setup, users)
    with pytest.raises(ValidationError, match="最多3家"):
        leaders.do_approve(actor=users["admin"], leader=fourth, on=dt.date(2025, 4, 6))
    with pytest.raises(ValidationError, match="理由"):
        leaders.do_revoke(actor=users["admin"], leader=listed[0], reason="", on=dt.date(2025, 9, 1))
    leaders.do_revoke(actor=users["admin"], leader=listed[0], reason="连续两年未履行链主职责", on=dt.date(2025, 9, 1))
    assert not Honour.objects.filter(enterprise=listed[0].enterprise, kind="chain_leader").exists()
    assert leaders.do_approve(actor=users["admin"], leader=fourth, on=dt.date(2025, 9, 2)).status == "listed"
    below = {ind.code for ind, _ in leaders.below_minimum()}
    assert "food" not in below and "electronics" in below


def test_a_county_officer_applies_only_for_their_own_firms(setup, users, regions):
    other = EnterpriseFactory(county=regions["嘉鱼县"])
    with pytest.raises(PermissionDenied):
        leaders.do_apply(actor=users["xianan"], enterprise=other, industry=setup["food"])


def test_leader_page_and_api_are_scoped_and_show_the_list(client, setup, users, regions, login):
    listed = leaders.do_approve(actor=users["admin"], leader=through_notice(setup, users), on=dt.date(2025, 4, 6))
    page = login(users["admin"]).get("/chain-leaders/").content.decode()
    assert listed.enterprise.name in page and "电子信息（0家）" in page
    rows = client.get("/api/v1/chain-leaders/?status=listed").json()
    assert [r["enterprise"] for r in rows] == [listed.enterprise.name] and rows[0]["industry"] == "食品饮料"
    client.logout()
    assert login(users["jiayu"]).get("/api/v1/chain-leaders/").json() == []

"""包保 official, monthly visits and demands (XN-LZ-10): rank, missed months flagged, demands tracked to closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.cultivation import visits
from chanye.cultivation.models import LeaderDemand
from tests.factories import ListedLeaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(regions, users):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"], approved_on=dt.date(2025, 1, 10))
    visits.do_assign_official(
        actor=users["admin"], leader=leader, name="张三", post="副区长", rank="deputy_county", since=dt.date(2025, 2, 1)
    )
    return leader


def test_xn_lz_10_official_must_be_deputy_county_or_above(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    with pytest.raises(ValidationError, match="副县级以上"):
        visits.do_assign_official(
            actor=users["admin"], leader=leader, name="李四", post="科长", rank="section", since=dt.date(2025, 2, 1)
        )
    o = visits.do_assign_official(
        actor=users["xianan"], leader=leader, name="王五", post="区长", rank="county", since=dt.date(2025, 2, 1)
    )
    assert visits.current_official(leader) == o


def test_xn_lz_10_a_month_without_a_visit_is_flagged(users, leader):
    visits.do_record_visit(actor=users["xianan"], leader=leader, on=dt.date(2025, 2, 20))
    visits.do_record_visit(actor=users["xianan"], leader=leader, on=dt.date(2025, 4, 1))
    today = dt.date(2025, 5, 15)
    cal = {v.month.month: v for v in visits.visit_calendar(leader, 2025, today=today)}
    assert not cal[1].due  # no official yet in January
    assert cal[2].visits == 1 and not cal[2].missed
    assert cal[3].missed  # March: official in post, no visit
    assert not cal[4].missed
    assert not cal[5].due  # May is not over yet
    assert visits.missed_months(leader, today=today) == [dt.date(2025, 3, 1)]


def test_xn_lz_10_a_revoked_leader_owes_no_more_visits(users, leader):
    leader.status, leader.revoked_on = "revoked", dt.date(2025, 3, 31)
    leader.save()
    months = visits.missed_months(leader, today=dt.date(2025, 8, 1))
    assert months == [dt.date(2025, 2, 1), dt.date(2025, 3, 1)]


def test_xn_lz_10_a_new_official_takes_over_and_visits_name_them(users, leader):
    visits.do_assign_official(
        actor=users["admin"],
        leader=leader,
        name="赵六",
        post="常务副区长",
        rank="deputy_county",
        since=dt.date(2025, 6, 1),
    )
    v1 = visits.do_record_visit(actor=users["admin"], leader=leader, on=dt.date(2025, 5, 30))
    v2 = visits.do_record_visit(actor=users["admin"], leader=leader, on=dt.date(2025, 6, 2))
    assert (v1.official, v2.official) == ("张三", "赵六")
    with pytest.raises(ValidationError, match="没有在任的包保领导"):
        visits.do_record_visit(actor=users["admin"], leader=leader, on=dt.date(2025, 1, 20))


def test_xn_lz_10_demands_are_tracked_to_closure_in_order(users, leader):
    visit = visits.do_record_visit(
        actor=users["xianan"], leader=leader, on=dt.date(2025, 3, 3), summary="座谈", demands=["用工缺口200人", " "]
    )
    d = LeaderDemand.objects.get()
    assert d.visit == visit and d.status == "open"
    with pytest.raises(ValidationError, match="不能转为“已办结”"):
        visits.do_demand_step(actor=users["xianan"], demand=d, to="closed", response="已解决")
    with pytest.raises(ValidationError, match="承办单位"):
        visits.do_demand_step(actor=users["xianan"], demand=d, to="handling")
    visits.do_demand_step(actor=users["xianan"], demand=d, to="handling", department="区人社局")
    with pytest.raises(ValidationError, match="办理结果"):
        visits.do_demand_step(actor=users["xianan"], demand=d, to="closed")
    visits.do_demand_step(
        actor=users["xianan"], demand=d, to="closed", response="招聘会已对接180人", on=dt.date(2025, 3, 20)
    )
    d.refresh_from_db()
    assert (d.status, d.department, d.closed_on) == ("closed", "区人社局", dt.date(2025, 3, 20))
    with pytest.raises(ValidationError):
        visits.do_demand_step(actor=users["xianan"], demand=d, to="handling", department="x")


def test_demands_are_scoped_to_the_county(users, leader):
    visits.do_raise_demand(actor=users["admin"], leader=leader, content="电力增容", on=dt.date(2025, 3, 3))
    assert LeaderDemand.objects.for_user(users["xianan"]).count() == 1
    assert LeaderDemand.objects.for_user(users["jiayu"]).count() == 0
    with pytest.raises(PermissionDenied):
        visits.do_raise_demand(actor=users["jiayu"], leader=leader, content="x", on=dt.date(2025, 3, 3))

"""Yearly duties of each chain leader (XN-LZ-3/4/5): what counts, edge amounts, progress, the target tree value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chanye.cultivation import duties
from chanye.industry.models import Threshold
from chanye.targets.models import IndicatorValue
from tests.factories import ListedLeaderFactory

pytestmark = pytest.mark.django_db
D = dt.date(2025, 6, 1)


@pytest.fixture
def leader(regions):
    return ListedLeaderFactory(enterprise__county=regions["咸安区"])


def _add(users, leader, kind, amount=None, on=D, name="事项"):
    return duties.do_add_activity(actor=users["xianan"], leader=leader, kind=kind, on=on, name=name, amount=amount)


def _by_kind(leader, year=2025, today=dt.date(2025, 12, 31)):
    return {p.duty.kind: p for p in duties.duty_progress(leader, year, today=today)}


def test_xn_lz_3_a_project_counts_only_over_5000_wan(users, leader):
    _add(users, leader, "project", "5000")  # 超5000万元: exactly 5000 does not count
    _add(users, leader, "project", "5000.01")
    p = _by_kind(leader)["project"]
    assert (p.recorded, p.counted) == (2, 1)
    assert p.target == 5 and p.status == "behind" and "超过5000万元" in p.rule_text


def test_xn_lz_3_five_projects_and_three_suppliers_meet_the_duty(users, leader):
    for i in range(5):
        _add(users, leader, "project", 8000, name=f"项目{i}")
    for i in range(3):
        _add(users, leader, "supplier", name=f"配套{i}")
    p = _by_kind(leader)
    assert p["project"].status == "met" and p["supplier"].status == "met" and p["supplier"].percent == 100


def test_xn_lz_4_mna_of_exactly_3000_wan_counts(users, leader):
    _add(users, leader, "mna", 3000)  # 3000万元以上 includes 3000
    _add(users, leader, "mna", "2999.99")
    p = _by_kind(leader)["mna"]
    assert (p.recorded, p.counted, p.status) == (2, 1, "behind")
    _add(users, leader, "mna", 3000.5)
    assert _by_kind(leader)["mna"].status == "met"


def test_xn_lz_4_amount_rule_follows_the_pack_threshold(users, leader):
    Threshold.objects.filter(key="chain_leader_mna_amount").update(value=Decimal(5000))
    from chanye.industry.models import Target

    Target.objects.filter(indicator="chain_leader_mna_projects").update(params={"per": "chain_leader"})
    _add(users, leader, "mna", 4000)
    assert _by_kind(leader)["mna"].counted == 0


def test_xn_lz_5_matchmaking_events_count_by_year(users, leader):
    _add(users, leader, "matchmaking", on=dt.date(2024, 12, 30))  # before the year: not counted for 2025
    _add(users, leader, "matchmaking", on=dt.date(2025, 3, 1))
    assert _by_kind(leader)["matchmaking"].counted == 1
    # mid-year with one of two: half the year elapsed, on track
    assert _by_kind(leader, today=dt.date(2025, 6, 30))["matchmaking"].status == "on_track"


def test_amount_bound_duties_need_an_amount_and_a_listed_leader(users, leader, regions):
    with pytest.raises(ValidationError, match="请填写金额"):
        _add(users, leader, "project", None)
    with pytest.raises(ValidationError, match="不是数字"):
        _add(users, leader, "mna", "三千万")
    with pytest.raises(ValidationError, match="晚于今天"):
        _add(users, leader, "supplier", on=timezone.localdate() + dt.timedelta(days=1))
    applied = ListedLeaderFactory(enterprise__county=regions["咸安区"], status="notice")
    with pytest.raises(ValidationError, match="不在链主企业库"):
        _add(users, applied, "supplier")


def test_only_officers_in_scope_keep_the_ledger(users, leader):
    with pytest.raises(PermissionDenied):
        duties.do_add_activity(actor=users["jiayu"], leader=leader, kind="supplier", on=D, name="x")
    with pytest.raises(PermissionDenied):
        duties.do_add_activity(actor=users["viewer"], leader=leader, kind="supplier", on=D, name="x")


def test_the_target_tree_gets_the_lowest_leaders_count(users, leader, regions):
    other = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    for i in range(3):
        _add(users, leader, "supplier", name=f"a{i}")
    _add(users, other, "supplier", name="b")
    v = IndicatorValue.objects.get(indicator="chain_leader_core_suppliers_introduced", period__year=2025)
    assert v.value == 1  # "每家" is met only when every leader meets it
    act = other.activities.get()
    duties.do_delete_activity(actor=users["admin"], activity=act)
    assert IndicatorValue.objects.get(indicator="chain_leader_core_suppliers_introduced", period__year=2025).value == 0

"""Milestone planning from the pack (XN-XM-1/2/3): 60 days to start, 9/12/18 months to production by investment band
(edges included upwards), the 12 milestones in order, hand edits kept, re-planning from the actual start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.industry.models import Pack
from chanye.projects import rules
from chanye.projects.services import do_record_milestone, replan
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2025, 1, 10)


def planned(p) -> dict[str, dt.date]:
    return dict(p.milestones.values_list("code", "planned_on"))


def test_xn_xm_1_start_is_planned_60_days_after_signing(regions):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    assert planned(p)["construction"] == SIGNED + dt.timedelta(days=60)


@pytest.mark.parametrize(
    ("investment", "months"),
    [("0.5", 9), ("1", 9), ("4.99", 9), ("5", 12), ("9.99", 12), ("10", 18), ("120", 18)],
)
def test_xn_xm_2_production_band_by_investment_edges_included_upwards(regions, investment, months):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal(investment))
    start = SIGNED + dt.timedelta(days=60)
    assert planned(p)["acceptance"] == rules.add_months(start, months)


def test_xn_xm_3_twelve_milestones_in_order_with_registration_and_funds_deadlines(regions):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    names = list(p.milestones.order_by("seq").values_list("name", flat=True))
    assert names == [
        "项目注册", "资金到位", "现场管理和工作人员到位", "土地供应", "地勘规划和环评能评", "施工图",
        "招投标", "施工队进场", "设备采购", "员工招聘", "验收投产", "进规纳统",
    ]  # fmt: skip
    assert planned(p)["registration"] == SIGNED + dt.timedelta(days=3)  # 1—3天
    assert planned(p)["funds"] == SIGNED + dt.timedelta(days=7)  # 1个星期


def test_actual_start_replans_production_and_keeps_hand_edits(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("6"))
    eq = p.milestones.get(code="equipment")
    do_record_milestone(actor=users["xianan"], milestone=eq, planned_on=dt.date(2025, 8, 1))
    start = p.milestones.get(code="construction")
    do_record_milestone(actor=users["xianan"], milestone=start, actual_on=dt.date(2025, 4, 1))
    p.refresh_from_db()
    assert (p.status, p.colour, p.started_on) == ("building", "blue", dt.date(2025, 4, 1))
    assert planned(p)["acceptance"] == dt.date(2026, 4, 1)  # 5–10亿: 12 months from the actual start
    assert planned(p)["equipment"] == dt.date(2025, 8, 1)  # edited by hand: kept


def test_a_pack_with_other_bands_and_durations_is_followed(regions):
    pack = Pack.objects.get(is_active=True)
    cfg = dict(pack.content)
    cfg["projects"] = {
        **cfg["projects"],
        "start_within_days": 90,
        "production_bands": [{"min": 0, "max": 20, "months": 6}, {"min": 20, "months": 24}],
    }
    pack.content = cfg
    pack.save()
    small = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("19.9"))
    big = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, investment=Decimal("20"))
    start = SIGNED + dt.timedelta(days=90)
    assert planned(small)["construction"] == start
    assert planned(small)["acceptance"] == rules.add_months(start, 6)
    assert planned(big)["acceptance"] == rules.add_months(start, 24)


def test_pack_schema_refuses_gapped_bands_and_unknown_anchors():
    from chanye.industry.schema import ProjectsSpec

    with pytest.raises(ValueError, match="分档不连续"):
        ProjectsSpec(production_bands=[{"min": 0, "max": 5, "months": 9}, {"min": 6, "months": 12}])
    with pytest.raises(ValueError, match="起算点"):
        ProjectsSpec(milestones=[{"code": "a", "name": "甲", "after": "later"}])


def test_a_project_not_yet_signed_has_its_milestones_without_dates(regions):
    p = ProjectFactory(county=regions["咸安区"], signed_on=None, status="planned", colour="yellow")
    replan(p)
    assert p.milestones.count() == 12 and set(planned(p).values()) == {None}

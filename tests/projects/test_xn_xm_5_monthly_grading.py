"""Monthly grading (XN-XM-5): on schedule → up a grade, behind → down or a rectification deadline; the colour
history is kept month by month; re-running a month gives the same result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.projects.models import ProjectMonth
from chanye.projects.services import do_grade_month, do_record_milestone, do_set_rectification
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2025, 1, 10)


def done(users, p, *codes, on=None):
    for c in codes:
        m = p.milestones.get(code=c)
        do_record_milestone(actor=users["admin"], milestone=m, actual_on=on or m.planned_on)


def history(p):
    return list(p.months.order_by("month").values_list("month", "colour", "grade", "change"))


def test_xn_xm_5_on_schedule_goes_up_and_behind_goes_down_month_by_month(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    # January: registration (Jan 13), funds (Jan 17) and site staff (Jan 24) are due — all done → up
    done(users, p, "registration", "funds", "site_staff")
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 1, 1))
    # February: land (Feb 9) and survey (Feb 19) are due and not done → down
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 2, 1))
    # March: everything due by Mar 31 (… tender Mar 6, construction Mar 11) done, some late → caught up → up
    done(users, p, "land", "survey", "drawings", "tender")
    done(users, p, "construction", on=dt.date(2025, 3, 20))
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 3, 1))
    assert [(g, c) for _, _, g, c in history(p)] == [(4, "up"), (3, "down"), (4, "up")]
    p.refresh_from_db()
    assert p.grade == 4


def test_the_lowest_and_highest_grades_hold(regions):
    low = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED, grade=1)
    for m in (1, 2, 3, 4):  # nothing done: three downs from the initial 3rd grade, then held at the bottom
        do_grade_month(actor=SYSTEM, month=dt.date(2025, m, 1))
    assert [(g, c) for _, _, g, c in history(low)] == [(2, "down"), (1, "down"), (1, "hold"), (1, "hold")]


def test_xn_xm_5_a_rectification_deadline_holds_the_grade_until_it_passes(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=timezone.localdate() - dt.timedelta(days=40))
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError, match="整改期限应晚于今天"):
        do_set_rectification(actor=users["xianan"], project=p, deadline=timezone.localdate())
    do_set_rectification(actor=users["xianan"], project=p, note="限期完成土地供应")
    p.refresh_from_db()
    assert p.rectify_by == timezone.localdate() + dt.timedelta(days=30)
    do_grade_month(actor=SYSTEM, month=this_month)
    assert history(p)[-1][2:] == (3, "rectify")


def test_xn_xm_5_a_project_on_schedule_cannot_be_given_a_rectification_deadline(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="无需限期整改"):
        do_set_rectification(actor=users["xianan"], project=p)


def test_colour_history_and_idempotence(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=SIGNED)
    done(users, p, "construction", on=dt.date(2025, 3, 5))
    for m in (1, 2, 3):
        do_grade_month(actor=SYSTEM, month=dt.date(2025, m, 1))
    first = history(p)
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 3, 1))
    assert history(p) == first and ProjectMonth.objects.count() == 3
    assert [c for _, c, _, _ in first] == ["yellow", "yellow", "blue"]


def test_producing_and_exited_projects_are_not_graded(regions):
    ProjectFactory(county=regions["咸安区"], started_on=dt.date(2025, 3, 1), producing_on=dt.date(2025, 9, 1))
    counts = do_grade_month(actor=SYSTEM, month=dt.date(2025, 10, 1))
    assert counts["none"] == 1 and counts["projects"] == 1


def test_xn_xm_5_a_deadline_does_not_reach_back_to_months_before_it_was_given(regions, users):
    p = ProjectFactory(county=regions["咸安区"], signed_on=timezone.localdate() - dt.timedelta(days=100))
    do_set_rectification(actor=users["xianan"], project=p, note="限期整改")
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    do_grade_month(
        actor=SYSTEM, month=last_month
    )  # re-graded after the deadline was given: that month was simply behind
    assert history(p)[-1][3] == "down"


@pytest.mark.parametrize("city", ["ezhou-2027", "huanggang-2025", "yiyang-2025"])
def test_a_pack_without_project_clocks_grades_nobody_and_keeps_the_colours(city):
    """XN-XM-5 is 咸宁's: where a pack states no schedule, the monthly job records each project's colour and leaves
    its grade alone (不评) — no project climbs a grade a month for lack of milestones to miss."""
    from chanye.industry.services import do_load_pack
    from chanye.regions.models import Region
    from tests.conftest import ROOT

    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{city}.yaml")
    county = Region.objects.filter(level="county", parent__packs__code=city).first()
    p = ProjectFactory(county=county, signed_on=dt.date(2025, 1, 10), started_on=dt.date(2025, 3, 1))
    for m in (4, 5, 6):
        do_grade_month(actor=SYSTEM, month=dt.date(2025, m, 1))
    rows = list(ProjectMonth.objects.filter(project=p).order_by("month").values_list("change", "grade", "colour"))
    assert rows == [("none", 3, "blue")] * 3

"""Colours follow status (XN-XM-4): yellow signed/in the library, blue building, green producing, red exited — red
only with a written explanation and the responsible unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core.models import AuditLog
from chanye.projects.models import Project
from chanye.projects.services import do_exit, do_record_milestone, do_save_project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_xn_xm_4_colour_moves_yellow_blue_green_with_the_milestones(regions, users):
    p = do_save_project(
        actor=users["xianan"],
        project=Project(),
        data={"code": "XA-1", "name": "咸安新材料项目", "investor": "某新材料公司", "county_id": regions["咸安区"].pk,
              "investment": 3, "signed_on": dt.date(2025, 2, 1)},
    )  # fmt: skip
    assert (p.status, p.colour) == ("signed", "yellow")
    a = users["xianan"]
    do_record_milestone(actor=a, milestone=p.milestones.get(code="construction"), actual_on=dt.date(2025, 3, 20))
    p.refresh_from_db()
    assert p.colour == "blue"
    do_record_milestone(actor=a, milestone=p.milestones.get(code="acceptance"), actual_on=dt.date(2025, 11, 1))
    p.refresh_from_db()
    assert (p.status, p.colour) == ("producing", "green")


def test_xn_xm_4_a_project_in_the_library_not_signed_is_yellow(regions, users):
    p = do_save_project(
        actor=users["admin"],
        project=Project(),
        data={"code": "XA-2", "name": "谋划项目", "investor": "x", "county_id": regions["咸安区"].pk, "investment": 1,
              "list_kind": "planning"},
    )  # fmt: skip
    assert (p.status, p.colour) == ("planned", "yellow")


def test_xn_xm_4_red_is_refused_without_explanation_and_unit(regions, users):
    p = ProjectFactory(county=regions["咸安区"])
    with pytest.raises(ValidationError) as e:
        do_exit(actor=users["xianan"], project=p, reason="不干了", unit="")
    assert "书面说明" in str(e.value) and "责任单位" in str(e.value)
    p.refresh_from_db()
    assert p.colour == "yellow"
    do_exit(actor=users["xianan"], project=p, reason="受产业政策调整影响，投资方决定终止项目。", unit="咸安区经信局")
    p.refresh_from_db()
    assert (p.status, p.colour, p.exit_unit) == ("exited", "red", "咸安区经信局")
    assert AuditLog.objects.filter(object_type="projects.project", message="项目退出（红色）").exists()


def test_dates_out_of_order_and_other_counties_are_refused(regions, users):
    data = {"code": "JY-1", "name": "嘉鱼项目", "investor": "x", "county_id": regions["嘉鱼县"].pk, "investment": 2}
    with pytest.raises(PermissionDenied):
        do_save_project(actor=users["xianan"], project=Project(), data=data)
    with pytest.raises(ValidationError, match="开工日期不能早于签约日期"):
        do_save_project(
            actor=users["jiayu"],
            project=Project(),
            data={**data, "signed_on": dt.date(2025, 5, 1), "started_on": dt.date(2025, 4, 1)},
        )
    with pytest.raises(ValidationError, match="总投资应大于0"):
        do_save_project(actor=users["jiayu"], project=Project(), data={**data, "investment": 0})
    with pytest.raises(ValidationError, match="1—3名"):
        do_save_project(actor=users["jiayu"], project=Project(), data={**data, "secretaries": ["甲", "乙", "丙", "丁"]})


def test_xn_xm_4_one_colour_rule_for_one_project_and_for_sql_over_many(regions):
    """`status_on` (one project: page, import, grading) and `stats.colour_at` (SQL: board, bulletin) give the same
    colour for every combination of dates on, before and after the day — including a date exactly on the day."""
    import itertools

    from chanye.projects.models import COLOUR_OF_STATUS, ProjectStatus
    from chanye.projects.services import status_on
    from chanye.projects.stats import colour_at

    day = dt.date(2025, 6, 30)
    choices = (None, day - dt.timedelta(days=1), day, day + dt.timedelta(days=1))
    made = []
    for started, producing, exited in itertools.product(choices, repeat=3):
        made.append(
            ProjectFactory(county=regions["咸安区"], signed_on=dt.date(2025, 1, 10) if started or producing else day,
                           started_on=started, producing_on=producing, exited_on=exited)
        )  # fmt: skip
    sql = dict(Project.objects.filter(pk__in=[p.pk for p in made]).annotate(c=colour_at(day)).values_list("pk", "c"))
    expected = {p.pk: COLOUR_OF_STATUS[ProjectStatus(status_on(p, day))].value for p in made}
    assert sql == expected
    assert set(expected.values()) == {"yellow", "blue", "green", "red"}  # every colour is exercised

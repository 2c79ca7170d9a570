"""The demo project library: every colour (XN-XM-4), the projects 咸宁's texts name in their counties (XN-GS-8 and
专栏2), six months of grading history (XN-XM-5), staff (XN-XM-6), lists and types (HG-P-1, YY-P-1), growth points
(XN-GS-9), 技改 of 500万 and more (XN-JG-1), issues at every stage (YY-P-2); deterministic, and skipped when the
library holds projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count

from chanye.demo import generator
from chanye.demo.projects import seed_projects
from chanye.projects.bulk import bulk_replan
from chanye.projects.models import IssueEvent, Project, ProjectIssue, ProjectMonth

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 12, 15)
MONTHS = [dt.date(2025, m, 1) for m in range(6, 12)]


@pytest.fixture
def library(mini_pack):
    generator.generate(seed=1, enterprises=300, months=12, end_month=dt.date(2025, 11, 1), compute_indicators=False)
    return seed_projects(seed=7, today=TODAY)


def test_xn_xm_4_every_colour_is_there_and_red_ones_are_explained(library):
    colours = dict(Project.objects.values_list("colour").annotate(n=Count("id")))
    assert set(colours) == {"green", "blue", "yellow", "red"} and all(colours.values())
    assert library.colours == colours and library.projects == Project.objects.count()
    assert 300 <= library.projects <= 400
    for p in Project.objects.filter(colour="red"):
        assert p.status == "exited" and len(p.exit_reason) >= 10 and p.exit_unit and p.exited_on <= TODAY
    assert "个演示项目（绿" in library.summary()


def test_xn_gs_8_the_named_projects_are_in_the_counties_the_texts_give(library):
    where = dict(Project.objects.values_list("name", "county__name"))
    assert where["永森硅业石英新材料项目"] == "咸安区"
    assert where["博盛汽车零配件组装生产项目"] == "咸安区"
    assert where["格霖威新材料10万吨生物降解材料生产线项目"] == "嘉鱼县"
    assert where["嘉创半导体芯片生产项目"] == "嘉鱼县"
    assert where["天府烤卤卤味食品生产项目"] == "咸宁高新区"
    assert where["布莱德切割刀具项目"] == "咸宁高新区"
    steel = Project.objects.get(name__startswith="金盛兰")
    assert (steel.county.name, steel.kind, steel.investment) == ("嘉鱼县", "upgrade", Decimal("332"))
    assert Project.objects.get(name="南玻光电改扩建高端柔性折叠玻璃生产项目").status == "producing"
    assert Project.objects.get(name="杰睿美电子化学品项目").park.name == "潘湾化工园区"
    # the mini pack has no 赤壁市: its named projects are left out rather than put elsewhere
    assert not Project.objects.filter(name__startswith="灏科炭材料").exists()
    assert library.named == 11
    # the firm already in the registry is linked (the generator created the pack's anchors)
    assert Project.objects.get(name="维达力科技改扩建消费电子玻璃PVD镀膜产线项目").enterprise.name.startswith(
        "湖北维达力"
    )


def test_xn_xm_5_six_months_of_history_oldest_first(library):
    assert library.months == MONTHS
    assert sorted(set(ProjectMonth.objects.values_list("month", flat=True))) == MONTHS
    changes = set(ProjectMonth.objects.values_list("change", flat=True))
    assert {"up", "down", "none", "rectify"} <= changes
    for p in Project.objects.filter(months__month=MONTHS[-1]).distinct()[:50]:
        assert p.grade == p.months.get(month=MONTHS[-1]).grade
    assert Project.objects.exclude(rectify_by=None).filter(rectify_by__gt=TODAY).exists()


def test_milestones_are_planned_as_the_services_plan_them_with_delays(library):
    assert not Project.objects.annotate(n=Count("milestones")).exclude(n=12).exists()
    assert bulk_replan(Project.objects.all())["changed"] == 0  # planned exactly as services.replan plans
    from chanye.projects.models import Milestone

    overdue = Milestone.objects.filter(planned_on__lt=TODAY, actual_on=None, project__status__in=["signed", "building"])
    assert overdue.exists()
    late = Milestone.objects.exclude(actual_on=None).exclude(planned_on=None)
    assert any(a > p for a, p in late.values_list("actual_on", "planned_on"))
    assert not Milestone.objects.filter(actual_on__gt=TODAY).exists()
    assert Milestone.objects.filter(planned_edited=True).exists()


def test_staff_lists_types_sizes_growth_points_and_tech_upgrades(library):
    projects = list(Project.objects.all())
    assert all(1 <= len(p.secretaries) <= 3 and p.leader and p.steward for p in projects)  # XN-XM-6
    assert {p.list_kind for p in projects} == {"planning", "preparatory", "new_build", "continuing"}  # HG-P-1
    assert {p.project_type for p in projects} == {"industry", "infrastructure", "livelihood"}  # YY-P-1
    assert {p.kind for p in projects} == {"new", "upgrade"}
    sizes = [p.investment for p in projects]
    assert min(sizes) < 1 and sum(s >= 10 for s in sizes) >= 10 and sum(s >= 50 for s in sizes) >= 2
    growth = [p for p in projects if p.expected_output is not None and p.expected_output >= 2000]  # XN-GS-9
    assert len(growth) > 100 and any(p.expected_output < 2000 for p in projects if p.expected_output is not None)
    upgrades = [p for p in projects if p.kind == "upgrade"]  # XN-JG-1/2
    assert sum(p.investment >= Decimal("0.05") for p in upgrades) > 0.9 * len(upgrades)
    assert any(p.investment >= 1 for p in upgrades)
    assert any(p.enterprise_id for p in upgrades)
    assert Project.objects.filter(signed_on__lt=TODAY - dt.timedelta(days=700)).exists()


def test_yy_p_2_issues_in_every_state(library):
    states = dict(ProjectIssue.objects.values_list("status").annotate(n=Count("id")))
    assert set(states) == {"open", "assigned", "closed"} and library.issues == sum(states.values())
    for i in ProjectIssue.objects.filter(status="closed"):
        assert i.closing_note and i.evidence_text and i.closed_on >= i.assigned_on
        assert i.events.filter(kind="close").exists() and i.events.filter(kind="assign").exists()
    assert ProjectIssue.objects.filter(status="assigned", due_on__lt=TODAY).exists()  # overdue, to 督查
    assert not ProjectIssue.objects.filter(status="open").exclude(department="").exists()
    assert IssueEvent.objects.filter(kind="supervise").exists()


def test_deterministic_for_a_seed_and_skipped_when_projects_exist(mini_pack):
    first = seed_projects(seed=3, today=TODAY, count=120)
    snap = sorted(Project.objects.values_list("code", "name", "county__name", "investment", "colour", "grade"))
    history = sorted(ProjectMonth.objects.values_list("project__code", "month", "grade", "change"))
    assert seed_projects(seed=3, today=TODAY) is None  # the library holds projects
    Project.objects.all().delete()
    again = seed_projects(seed=3, today=TODAY, count=120)
    assert sorted(Project.objects.values_list("code", "name", "county__name", "investment", "colour", "grade")) == snap
    assert sorted(ProjectMonth.objects.values_list("project__code", "month", "grade", "change")) == history
    assert (first.colours, first.issues) == (again.colours, again.issues)

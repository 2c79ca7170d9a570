"""Lateness on the 四色图 (issue 13: red means 退出, and being late was a hidden checkbox): each row shows how many
milestones are overdue and for how many days the earliest has been, and the list sorts by it, longest first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chanye.projects.filtersets import overdue_q
from chanye.projects.models import Milestone
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_late(p) -> int:
    first = Milestone.objects.filter(overdue_q(TODAY), project=p).order_by("planned_on").first()
    return (TODAY - first.planned_on).days


def test_rows_show_days_late_and_sort_by_it(regions, users, login):
    xa = regions["咸安区"]
    recent = ProjectFactory(county=xa, name="近期逾期项目", signed_on=TODAY - dt.timedelta(days=120))
    old = ProjectFactory(county=xa, name="久拖项目", signed_on=TODAY - dt.timedelta(days=700))
    ProjectFactory(county=xa, name="按期项目", signed_on=TODAY)  # nothing due yet
    assert days_late(old) > days_late(recent) > 0
    c = login(users["admin"])
    page = c.get("/projects/", {"sort": "late"}).content.decode()
    assert page.index("久拖项目") < page.index("近期逾期项目") < page.index("按期项目")
    assert f"逾期{days_late(old)}天" in page and f"逾期{days_late(recent)}天" in page
    assert 'id="sort-default"' in page and 'id="sort-late"' in c.get("/projects/").content.decode()

"""Saving a project writes one audit row with what changed, and none when nothing changed (issue 11, item 10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.core.models import AuditLog
from chanye.projects import services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _data(p):
    return {"name": p.name, "investment": p.investment, "county_id": p.county_id, "signed_on": p.signed_on}


def test_saving_a_project_unchanged_writes_no_audit_row(users, regions):
    p = ProjectFactory(county=regions["咸安区"])
    before = AuditLog.objects.count()
    services.do_save_project(actor=users["xianan"], project=p, data=_data(p))
    assert AuditLog.objects.count() == before


def test_a_change_is_audited_once_with_only_the_changed_fields(users, regions):
    p = ProjectFactory(county=regions["咸安区"], investment=Decimal("3"))
    services.do_save_project(actor=users["xianan"], project=p, data={**_data(p), "investment": Decimal("12")})
    row = AuditLog.objects.get(action="update", object_type="projects.project")
    assert row.before == {"investment": "3"} and row.after == {"investment": "12"}


def test_the_project_form_saved_unchanged_says_so_and_audits_nothing(users, login, regions):
    p = ProjectFactory(county=regions["咸安区"])
    c = login(users["xianan"])
    form = c.get(f"/projects/{p.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    before = AuditLog.objects.filter(action="update").count()
    r = c.post(f"/projects/{p.pk}/edit/", {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
    assert r.status_code == 302, r.context["form"].errors  # the form was valid and saved
    assert AuditLog.objects.filter(action="update").count() == before

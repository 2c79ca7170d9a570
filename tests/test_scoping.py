"""One isolation test for every scoped page, export and API: same county, other county, city, anonymous.

A 咸安 officer gets 404 (never 403) for a 嘉鱼 enterprise in pages and the API, and exports hold only
their own county's rows.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SEES = {  # who may see which enterprise
    "admin": {"xianan", "jiayu"},
    "viewer": {"xianan", "jiayu"},
    "xianan": {"xianan"},
    "jiayu": {"jiayu"},
    "qiye": {"xianan"},
    "auditor": set(),
    "sysadmin": set(),
}


def _client(client, users, who):
    if who != "anonymous":
        assert client.login(username=who, password=PASSWORD)
    return client


def _api(client, path):
    return client.get(path)


@pytest.mark.parametrize("who", [*SEES, "anonymous"])
def test_detail_page_and_api_are_404_outside_scope(client, users, two_counties, who):
    c = _client(client, users, who)
    for key, ent in two_counties.items():
        page = c.get(f"/enterprises/{ent.uscc}/")
        api = c.get(f"/api/v1/enterprises/{ent.uscc}")
        monthly = c.get(f"/api/v1/enterprises/{ent.uscc}/monthly")
        if who == "anonymous":
            assert page.status_code == 302 and api.status_code == 401 and monthly.status_code == 401
        elif key in SEES[who]:
            assert page.status_code == 200 and api.status_code == 200 and monthly.status_code == 200, (who, key)
            assert ent.name in page.content.decode()
        else:
            assert page.status_code == 404 and api.status_code == 404 and monthly.status_code == 404, (who, key)
            assert ent.name not in page.content.decode()


@pytest.mark.parametrize("who", ["admin", "viewer", "xianan", "jiayu", "qiye"])
def test_list_api_and_export_hold_only_the_scope(client, users, two_counties, who):
    c = _client(client, users, who)
    expected = {two_counties[k].uscc for k in SEES[who]}
    page = c.get("/enterprises/").content.decode()
    assert {e.uscc for e in two_counties.values() if e.uscc in page} == expected
    api = c.get("/api/v1/enterprises/?page_size=500").json()
    assert {r["uscc"] for r in api["results"]} == expected and api["count"] == len(expected)
    wb = load_workbook(io.BytesIO(c.get("/enterprises/export.xlsx").content))
    ws = wb.active
    exported = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert exported == expected


def test_other_countys_filter_in_the_url_does_not_widen_the_scope(client, users, two_counties):
    c = _client(client, users, "xianan")
    r = c.get("/api/v1/enterprises/?county=421221").json()
    assert r["count"] == 0


@pytest.mark.parametrize("who", ["auditor", "sysadmin"])
def test_non_business_roles_see_no_enterprise_pages(client, users, two_counties, who):
    c = _client(client, users, who)
    assert c.get("/enterprises/").status_code == 404
    assert c.get("/enterprises/export.xlsx").status_code == 404
    assert c.get("/api/v1/enterprises/").status_code == 404  # the API answers like the pages
    assert AuditLog.objects.filter(action="denied", username=who).exists()


def test_enterprise_user_may_submit_own_monthly_figures_only(client, users, two_counties):
    c = _client(client, users, "qiye")
    r = c.post(f"/enterprises/{two_counties['xianan'].uscc}/", {"month": "2025-01", "output": "12.5"})
    assert r.status_code == 302
    fig = two_counties["xianan"].monthly.get()
    assert fig.source == "self" and fig.output == 12.5
    r = c.post(f"/enterprises/{two_counties['jiayu'].uscc}/", {"month": "2025-01", "output": "1"})
    assert r.status_code == 404


def test_viewer_cannot_submit_or_import(client, users, two_counties):
    c = _client(client, users, "viewer")
    assert (
        c.post(f"/enterprises/{two_counties['xianan'].uscc}/", {"month": "2025-01", "output": "1"}).status_code == 404
    )
    assert c.get("/imports/").status_code == 404


def test_opening_another_countys_enterprise_is_audited_as_a_denial(client, users, two_counties):
    c = _client(client, users, "xianan")
    assert c.get(f"/enterprises/{two_counties['jiayu'].uscc}/").status_code == 404
    assert c.get(f"/api/v1/enterprises/{two_counties['jiayu'].uscc}").status_code == 404
    denials = AuditLog.objects.filter(action="denied", username="xianan", object_id=two_counties["jiayu"].uscc)
    assert denials.count() == 2
    assert c.get("/enterprises/91350100M000100Y43/").status_code == 404  # does not exist at all: nothing to report
    assert denials.count() == 2


def test_park_officer_sees_only_the_enterprises_of_their_park(client, regions, two_counties):
    from tests.factories import EnterpriseFactory, UserFactory

    park = regions["潘湾化工园区"]
    inside = EnterpriseFactory(county=regions["嘉鱼县"], park=park, name="潘湾园区化工有限公司")
    UserFactory(username="panwan", role="county_officer", region=park)
    c = _client(client, None, "panwan")
    api = c.get("/api/v1/enterprises/").json()
    assert [r["uscc"] for r in api["results"]] == [inside.uscc]
    assert c.get(f"/enterprises/{two_counties['jiayu'].uscc}/").status_code == 404

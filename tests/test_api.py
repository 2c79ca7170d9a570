"""API: OpenAPI document, filters like the list page, monthly figures."""

import datetime as dt
from decimal import Decimal

import pytest

from chanye.accounts.services import do_issue_token
from chanye.core.access import SYSTEM
from chanye.enterprises.models import Honour, MonthlyFigure

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_enterprise_endpoints(users, login):
    doc = login(users["viewer"]).get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/v1/enterprises/", "/api/v1/enterprises/{uscc}", "/api/v1/enterprises/{uscc}/monthly"} <= paths
    assert "BearerAuth" in doc["components"]["securitySchemes"]


def test_filters_match_the_list_page(client, users, two_counties):
    token = do_issue_token(actor=SYSTEM, user=users["admin"])
    h = {"Authorization": f"Bearer {token}"}
    Honour.objects.create(enterprise=two_counties["jiayu"], kind="specialized", level="provincial")
    get = lambda q: {r["uscc"] for r in client.get(f"/api/v1/enterprises/?{q}", headers=h).json()["results"]}  # noqa: E731
    assert get("above_scale=1") == {two_counties["xianan"].uscc}
    assert get("county=421221") == {two_counties["jiayu"].uscc}
    assert get("tier=specialized") == {two_counties["jiayu"].uscc}
    assert get("q=咸安示例") == {two_counties["xianan"].uscc}
    assert get(f"q={two_counties['jiayu'].uscc[:10]}") == {two_counties["jiayu"].uscc}


def test_monthly_endpoint_returns_figures_in_wanyuan(client, users, two_counties):
    MonthlyFigure.objects.create(
        enterprise=two_counties["xianan"], month=dt.date(2025, 1, 1), source="stats", output=Decimal("12.5")
    )
    token = do_issue_token(actor=SYSTEM, user=users["xianan"])
    r = client.get(
        f"/api/v1/enterprises/{two_counties['xianan'].uscc}/monthly", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200
    (row,) = r.json()
    assert row["month"] == "2025-01-01" and Decimal(row["output"]) == Decimal("12.5") and row["tax"] is None

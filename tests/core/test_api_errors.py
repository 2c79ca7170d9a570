"""The API answers in JSON whatever goes wrong: a malformed query parameter is 422 with Chinese words naming it,
an unexpected error is 500 with the request id, never Django's HTML error page."""

import re

import pytest

from chanye.accounts.services import do_issue_token
from chanye.api import api
from chanye.targets.catalogue import CATALOGUE

pytestmark = pytest.mark.django_db

MALFORMED = ["garbage", "2025-13", "2025-02-30", "1e99", "\x00", "2025-1-1x", "<script>"]
GARBAGE = [*MALFORMED, "-1", "0", "１２", "9" * 30, " ", "%"]
# parameters whose value has a shape (number, month, date): anything malformed must be refused with 422
TYPED = {"page", "page_size", "year", "period", "month", "signed_year"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def bearer(users, two_counties):
    return {"Authorization": f"Bearer {do_issue_token(actor=None, user=users['admin'])}"}


def get_routes(two_counties) -> list[tuple[str, list[str]]]:
    """Every GET route of /api/v1/ with its path filled in and its query parameter names."""
    fill = {"uscc": two_counties["xianan"].uscc, "code": next(iter(CATALOGUE))}
    out = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" not in ops:
            continue
        params = ops["get"].get("parameters", [])
        url = re.sub(r"\{(\w+)\}", lambda m: str(fill.get(m.group(1), 1)), path)
        out.append((url, [p["name"] for p in params if p["in"] == "query"]))
    return out


def test_every_api_route_answers_garbage_query_parameters_in_json_never_500(client, bearer, two_counties):
    routes = get_routes(two_counties)
    assert len(routes) >= 15 and sum(len(q) for _, q in routes) >= 40
    for url, names in routes:
        for name in names:
            for value in GARBAGE:
                r = client.get(url, {name: value}, headers=bearer)
                where = f"{url}?{name}={value}"
                assert r.status_code < 500, f"{where}: {r.status_code}"
                assert r["Content-Type"].startswith("application/json"), f"{where}: {r['Content-Type']}"
                if r.status_code >= 400:
                    assert CHINESE.search(r.json()["detail"]), f"{where}: {r.json()}"
                if name in TYPED and value in MALFORMED:
                    assert r.status_code == 422, f"{where}: {r.status_code} {r.content[:200]}"


def test_a_malformed_period_is_422_naming_the_parameter_and_what_is_expected(client, bearer):
    code = next(iter(CATALOGUE))
    r = client.get(f"/api/v1/indicators/{code}/values?period=garbage", headers=bearer)
    assert r.status_code == 422 and r["Content-Type"].startswith("application/json")
    detail = r.json()["detail"]
    assert "period" in detail and "YYYY-MM" in detail and "garbage" in detail


def test_a_page_that_is_not_a_number_is_422_in_chinese(client, bearer):
    r = client.get("/api/v1/enterprises/?page=abc", headers=bearer)
    assert r.status_code == 422
    body = r.json()
    assert "page" in body["detail"] and "整数" in body["detail"]
    assert body["errors"][0]["param"] == "page"


def test_an_unexpected_error_is_json_500_with_the_request_id(client, bearer, monkeypatch):
    from chanye.enterprises import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "enterprise_list", broken)
    client.raise_request_exception = False
    r = client.get("/api/v1/enterprises/", headers=bearer)
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["request_id"] == r["X-Request-ID"] and "boom" not in body["detail"] and CHINESE.search(body["detail"])


def test_a_nul_character_in_a_query_parameter_is_refused_before_the_database_sees_it(client, bearer, users, login):
    """PostgreSQL cannot compare text with NUL: without the guard `?q=%00` was a 500 there."""
    r = client.get("/api/v1/enterprises/?q=%00", headers=bearer)
    assert r.status_code == 422 and "q" in r.json()["detail"] and "空字符" in r.json()["detail"]
    r = login(users["admin"]).get("/enterprises/?q=a%00b")
    assert r.status_code == 400 and "空字符" in r.content.decode()

"""The OpenAPI document and its browsable docs are for signed-in users and token holders only."""

import pytest

from chanye.accounts.services import do_issue_token

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_json_for_the_openapi_document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 401 and r["Content-Type"].startswith("application/json")
    assert "登录" in r.json()["detail"] or "令牌" in r.json()["detail"]


def test_anonymous_is_sent_to_the_login_page_for_the_docs(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/api/v1/docs")


def test_an_invalid_token_gets_401(client):
    r = client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer cy_not-a-token"})
    assert r.status_code == 401


def test_a_token_holder_reads_the_openapi_document(client, users):
    token = do_issue_token(actor=None, user=users["viewer"])
    r = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and "/api/v1/enterprises/" in r.json()["paths"]


def test_a_signed_in_user_reads_the_docs_served_from_our_own_static_files(users, login):
    c = login(users["viewer"])
    assert c.get("/api/v1/openapi.json").status_code == 200
    r = c.get("/api/v1/docs")
    assert r.status_code == 200
    page = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page

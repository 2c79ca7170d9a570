"""`chanye users add … ` (password from stdin) and `chanye users token …`."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from chanye.accounts.models import User
from chanye.core.models import AuditLog

pytestmark = pytest.mark.django_db


def add(monkeypatch, *args, password="Strong-Pass-2025"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("users", "add", *args, stdout=out)
    return out.getvalue()


def test_add_county_officer_by_region_code_and_name(monkeypatch, regions):
    assert "已创建" in add(monkeypatch, "officer1", "--role", "county_officer", "--region", "421202")
    assert User.objects.get(username="officer1").region.name == "咸安区"
    add(monkeypatch, "officer2", "--role", "county_officer", "--region", "嘉鱼县")
    assert User.objects.get(username="officer2").region.code == "421221"
    assert AuditLog.objects.filter(action="create", object_type="accounts.user").count() == 2


def test_county_officer_without_region_is_refused(monkeypatch, regions):
    with pytest.raises(CommandError, match="所属单位"):
        add(monkeypatch, "o", "--role", "county_officer")


def test_enterprise_user_needs_an_existing_uscc(monkeypatch, two_counties):
    with pytest.raises(CommandError, match="找不到"):
        add(monkeypatch, "e1", "--role", "enterprise", "--enterprise", "91350100M000100Y43")
    add(monkeypatch, "e2", "--role", "enterprise", "--enterprise", two_counties["xianan"].uscc)
    assert User.objects.get(username="e2").enterprise == two_counties["xianan"]


def test_weak_password_from_stdin_is_refused(monkeypatch, regions):
    with pytest.raises(CommandError):
        add(monkeypatch, "v", "--role", "viewer", password="123")


def test_token_prints_a_working_bearer_token(monkeypatch, client, two_counties, users):
    out = io.StringIO()
    call_command("users", "token", "xianan", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("cy_")
    r = client.get("/api/v1/enterprises/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["count"] == 1
    assert client.get("/api/v1/enterprises/", headers={"Authorization": "Bearer nope"}).status_code == 401

"""The system administrator manages accounts on the 用户 page (issue 13: “新增用户请用命令 chanye users add”): add an
account with a temporary password shown once and replaced at the first sign-in, disable and enable it, reset a
forgotten password, assign a county officer to a county. Only the system administrator (三员分立); every change is
audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages

from chanye.accounts.models import User
from chanye.core.models import AuditLog

pytestmark = pytest.mark.django_db


def message(resp) -> str:
    return " ".join(str(m) for m in get_messages(resp.wsgi_request))


def test_a_new_account_gets_a_temporary_password_that_must_be_changed(client, users, regions, login):
    c = login(users["sysadmin"])
    resp = c.post(
        "/accounts/users/new/",
        {"username": "jiayu2", "full_name": "嘉鱼县经信局二", "role": "county_officer", "region": regions["嘉鱼县"].pk},
    )
    assert resp.status_code == 302
    raw = re.search(r"临时密码：(\S+?)（", message(resp)).group(1)
    u = User.objects.get(username="jiayu2")
    assert u.region == regions["嘉鱼县"] and u.must_change_password and u.check_password(raw)
    assert raw not in str(list(AuditLog.objects.values_list("before", "after", "message")))  # never in the log
    client.logout()
    assert client.post("/accounts/login/", {"username": "jiayu2", "password": raw}).status_code == 302
    assert client.get("/").url.startswith("/accounts/password/")  # first the temporary password goes


def test_an_officer_without_a_county_is_refused_in_words(users, login):
    resp = login(users["sysadmin"]).post("/accounts/users/new/", {"username": "x1", "role": "county_officer"})
    assert "区县/园区工作人员必须指定所属单位" in message(resp) and not User.objects.filter(username="x1").exists()


def test_disable_enable_and_reset(client, users, login):
    c = login(users["sysadmin"])
    viewer = users["viewer"]
    c.post(f"/accounts/users/{viewer.pk}/active/", {"active": "0"})
    viewer.refresh_from_db()
    assert not viewer.is_active
    c.post(f"/accounts/users/{viewer.pk}/active/", {"active": "1"})
    viewer.refresh_from_db()
    assert viewer.is_active
    resp = c.post(f"/accounts/users/{viewer.pk}/reset/")
    raw = re.search(r"临时密码：(\S+?)（", message(resp)).group(1)
    viewer.refresh_from_db()
    assert viewer.check_password(raw) and viewer.must_change_password
    messages = list(AuditLog.objects.filter(object_id=str(viewer.pk)).values_list("message", flat=True))
    assert {"停用账号", "启用账号", "重置密码（临时密码，须在登录后修改）"} <= set(messages)


def test_assigning_a_county(users, regions, login):
    viewer = users["viewer"]
    login(users["sysadmin"]).post(
        f"/accounts/users/{viewer.pk}/scope/",
        {f"u{viewer.pk}-role": "county_officer", f"u{viewer.pk}-region": regions["嘉鱼县"].pk},
    )
    viewer.refresh_from_db()
    assert viewer.role == "county_officer" and viewer.region == regions["嘉鱼县"]


@pytest.mark.parametrize("who", ["admin", "secadmin", "xianan"])
def test_nobody_else_manages_accounts(who, users, login):
    c = login(users[who])
    assert c.post(f"/accounts/users/{users['viewer'].pk}/reset/").status_code == 404
    page = c.get("/accounts/users/")
    assert page.status_code in (200, 404) and "新增用户" not in page.content.decode()


def test_the_system_administrator_cannot_disable_themself(users, login):
    me = users["sysadmin"]
    resp = login(me).post(f"/accounts/users/{me.pk}/active/", {"active": "0"})
    me.refresh_from_db()
    assert me.is_active and "不能停用自己的账号" in message(resp)

"""Login throttling (等保 level 3): per account and address, per account, per address; counters reset after expiry.

Every request below comes from an address given as REMOTE_ADDR, so one test can play several machines.
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from chanye.accounts.models import LoginThrottle, User
from chanye.core.models import AuditLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password, ip="10.1.1.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def expire_all_locks() -> None:
    """Time passes: every lock ends (the rows stay, as they would in a running system)."""
    LoginThrottle.objects.exclude(locked_until=None).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    User.objects.exclude(locked_until=None).update(locked_until=timezone.now() - dt.timedelta(seconds=1))


def test_five_failures_from_one_address_do_not_lock_the_account_for_other_addresses(client, users):
    for _ in range(5):
        post_login(client, "xianan", "wrong", ip="10.9.9.9")
    r = post_login(client, "xianan", PASSWORD, ip="10.9.9.9")
    assert "已被锁定" in r.content.decode() and not logged_in(client)
    assert not User.objects.get(username="xianan").is_locked
    r = post_login(client, "xianan", PASSWORD, ip="10.1.1.1")  # the real officer at her own desk
    assert r.status_code == 302 and logged_in(client)


@override_settings(CHANYE_LOGIN_MAX_FAILURES=5, CHANYE_LOGIN_ACCOUNT_MAX_FAILURES=12)
def test_failures_from_many_addresses_lock_the_whole_account_and_audit_it(client, users):
    for i in range(12):
        post_login(client, "viewer", "wrong", ip=f"10.2.0.{i // 4}")  # 4 tries from each of 3 addresses
    assert User.objects.get(username="viewer").is_locked
    locked = AuditLog.objects.filter(action="locked", username="viewer")
    assert locked.count() == 1 and "所有地址" in locked.get().message
    r = post_login(client, "viewer", PASSWORD, ip="10.3.3.3")
    assert "已被锁定" in r.content.decode() and not logged_in(client)


@override_settings(CHANYE_LOGIN_ADDRESS_MAX_FAILURES=8)
def test_many_failures_from_one_address_refuse_that_address_without_locking_the_accounts(client, users):
    names = ["admin", "xianan", "jiayu", "viewer", "nobody1", "nobody2", "auditor", "nobody3"]
    for name in names:
        post_login(client, name, "wrong", ip="10.4.4.4")
    r = post_login(client, "secadmin", PASSWORD, ip="10.4.4.4")
    body = r.content.decode()
    assert r.status_code == 200 and not logged_in(client)
    assert "该地址" in body and "稍后" in body
    assert AuditLog.objects.filter(action="locked", message__contains="10.4.4.4").count() == 1
    assert not User.objects.filter(locked_until__isnull=False).exists()
    r = post_login(client, "secadmin", PASSWORD, ip="10.5.5.5")  # another address is not affected
    assert r.status_code == 302


@override_settings(CHANYE_LOGIN_ADDRESS_MAX_FAILURES=3)
def test_a_successful_login_does_not_clear_the_address_counter(client, users):
    post_login(client, "nobody", "wrong", ip="10.6.6.6")
    post_login(client, "nobody", "wrong", ip="10.6.6.6")
    assert post_login(client, "viewer", PASSWORD, ip="10.6.6.6").status_code == 302
    client.logout()
    post_login(client, "other", "wrong", ip="10.6.6.6")
    r = post_login(client, "viewer", PASSWORD, ip="10.6.6.6")
    assert r.status_code == 200 and "该地址" in r.content.decode()


def test_after_a_lockout_expires_one_mistake_does_not_lock_again(client, users):
    for _ in range(5):
        post_login(client, "xianan", "wrong")
    assert "已被锁定" in post_login(client, "xianan", PASSWORD).content.decode()
    expire_all_locks()
    r = post_login(client, "xianan", "wrong")
    assert "用户名或密码错误" in r.content.decode() and "已被锁定" not in r.content.decode()
    r = post_login(client, "xianan", PASSWORD)
    assert r.status_code == 302 and logged_in(client)


def test_after_an_account_wide_lock_expires_one_mistake_does_not_lock_again(client, users):
    with override_settings(CHANYE_LOGIN_ACCOUNT_MAX_FAILURES=6):
        for i in range(6):
            post_login(client, "viewer", "wrong", ip=f"10.7.0.{i}")
        assert User.objects.get(username="viewer").is_locked
        expire_all_locks()
        post_login(client, "viewer", "wrong", ip="10.7.1.1")
        assert not User.objects.get(username="viewer").is_locked
        assert post_login(client, "viewer", PASSWORD, ip="10.7.1.1").status_code == 302


def test_success_resets_the_counters_for_that_account_and_address(client, users):
    for _ in range(4):
        post_login(client, "xianan", "wrong")
    assert post_login(client, "xianan", PASSWORD).status_code == 302
    client.logout()
    counters = LoginThrottle.objects.filter(username="xianan")
    assert not counters.exists()
    for _ in range(4):
        post_login(client, "xianan", "wrong")
    assert post_login(client, "xianan", PASSWORD).status_code == 302  # 4 + 4 failures never made 5 in a row


def test_security_admin_unlock_clears_every_counter_of_the_account(client, users, login):
    for _ in range(5):
        post_login(client, "viewer", "wrong", ip="10.8.8.8")
    User.objects.filter(username="viewer").update(locked_until=timezone.now() + dt.timedelta(minutes=30))
    c = login(users["secadmin"])
    assert c.post(f"/accounts/users/{users['viewer'].pk}/unlock/").status_code == 302
    c.logout()
    assert not LoginThrottle.objects.filter(username="viewer").exists()
    assert post_login(client, "viewer", PASSWORD, ip="10.8.8.8").status_code == 302


def test_old_counters_are_pruned(client, users):
    post_login(client, "nobody", "wrong", ip="10.9.1.1")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - dt.timedelta(days=2))
    post_login(client, "someone", "wrong", ip="10.9.1.2")
    assert set(LoginThrottle.objects.values_list("username", flat=True)) == {"someone", ""}
    assert LoginThrottle.objects.filter(ip="10.9.1.1").count() == 0


@override_settings(CHANYE_PROXY_COUNT=1)
def test_behind_one_reverse_proxy_the_forwarded_address_is_throttled(client, users):
    for i in range(5):
        client.post(
            "/accounts/login/",
            {"username": "xianan", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, 10.20.0.{i}",
        )
    assert LoginThrottle.objects.filter(kind="address", ip="10.20.0.0").exists()
    assert not LoginThrottle.objects.filter(ip="127.0.0.1").exists()
    assert not LoginThrottle.objects.filter(ip="6.6.6.6").exists()  # spoofable: left of what the proxy appended

"""Login: lockout after 5 failures, hashed passwords, every outcome audited.

Throttling per address and per account across addresses: test_login_throttle.py; the failure path for unknown
usernames: test_login_constant_time.py."""

import pytest
from django.test import override_settings

from chanye.accounts.models import LoginThrottle, User
from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_is_stored_hashed(users):
    u = User.objects.get(username="admin")
    assert PASSWORD not in u.password and u.password.count("$") >= 2


def test_five_failures_lock_the_account_even_for_the_right_password(client, users):
    for _ in range(5):
        r = post_login(client, "xianan", "wrong")
        assert r.status_code == 200
    assert "已被锁定" in r.content.decode()  # the fifth failure says so at once
    counter = LoginThrottle.objects.get(kind="account_address", username="xianan")
    assert counter.failures == 5 and counter.locked_until is not None
    r = post_login(client, "xianan", PASSWORD)
    assert "已被锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="locked", username="xianan").count() == 1
    assert AuditLog.objects.filter(action="login_failed", username="xianan").count() == 6


def test_four_failures_then_success_resets_the_counter(client, users):
    for _ in range(4):
        post_login(client, "xianan", "wrong")
    r = post_login(client, "xianan", PASSWORD)
    assert r.status_code == 302
    assert not LoginThrottle.objects.filter(username="xianan").exists()
    assert AuditLog.objects.filter(action="login", username="xianan").exists()


@override_settings(CHANYE_LOGIN_MAX_FAILURES=3)
def test_lockout_threshold_is_configurable(client, users):
    for _ in range(3):
        post_login(client, "viewer", "wrong")
    assert "已被锁定" in post_login(client, "viewer", PASSWORD).content.decode()


def test_unknown_username_is_audited_without_revealing_it(client, users):
    r = post_login(client, "nobody", "x")
    assert "用户名或密码错误" in r.content.decode()
    assert AuditLog.objects.filter(action="login_failed", username="nobody").exists()


@override_settings(CHANYE_LOGIN_ACCOUNT_MAX_FAILURES=5)
def test_security_admin_unlocks_and_it_is_audited(client, users, login):
    for _ in range(5):
        post_login(client, "viewer", "wrong")
    assert User.objects.get(username="viewer").is_locked
    c = login(users["secadmin"])
    r = c.post(f"/accounts/users/{users['viewer'].pk}/unlock/")
    assert r.status_code == 302
    assert not User.objects.get(username="viewer").is_locked
    assert AuditLog.objects.filter(action="update", message="解除锁定").exists()


def test_sys_admin_cannot_unlock(client, users, login):
    c = login(users["sysadmin"])
    assert c.post(f"/accounts/users/{users['viewer'].pk}/unlock/").status_code == 404


def test_idle_session_expires_after_the_configured_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_expired_password_must_be_changed_first(client, users, login):
    import datetime as dt

    from django.utils import timezone

    User.objects.filter(username="viewer").update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    c = login(users["viewer"])
    r = c.get("/enterprises/")
    assert r.status_code == 302 and "/accounts/password/" in r["Location"]


def test_weak_passwords_are_refused(users):
    from django.core.exceptions import ValidationError

    from chanye.accounts.services import do_create_user

    with pytest.raises(ValidationError) as e:
        do_create_user(actor=SYSTEM, username="weak", password="abcdefghij", role="viewer")
    assert any("至少" in m for m in e.value.messages)

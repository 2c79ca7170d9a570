"""An unknown username fails exactly like a wrong password for a real one: same hashing, same writes, same words.

These tests configure the real PBKDF2 hasher (the test settings use MD5 for speed), so the time a failure takes is
dominated by the same work the production server does.
"""

import re
import statistics
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from chanye.accounts.services import do_create_user

pytestmark = pytest.mark.django_db

REAL_HASHER = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    # no lock may start during the measurement: a refused attempt skips the hash and would skew the figures
    CHANYE_LOGIN_MAX_FAILURES=1000,
    CHANYE_LOGIN_ACCOUNT_MAX_FAILURES=1000,
    CHANYE_LOGIN_ADDRESS_MAX_FAILURES=1000,
)
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.fixture
def real_user(db):
    with REAL_HASHER:
        return do_create_user(actor=None, username="zhangsan", password="Real-Passw0rd!x", role="viewer")


def attempt(client, username: str) -> float:
    t = time.perf_counter()
    r = client.post("/accounts/login/", {"username": username, "password": "Wrong-Passw0rd!"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 200
    return time.perf_counter() - t


def writes(client, username: str) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as ctx:
        client.post("/accounts/login/", {"username": username, "password": "Wrong-Passw0rd!"}, REMOTE_ADDR="10.0.0.8")
    found = (WRITE.match(q["sql"]) for q in ctx.captured_queries)
    return sorted((m.group(1).upper(), m.group(2).lower()) for m in found if m)


@REAL_HASHER
def test_unknown_username_takes_as_long_as_a_wrong_password(client, real_user):
    attempt(client, "zhangsan")  # warm-up (templates, first queries)
    attempt(client, "ghost-0")
    unknown, known = [], []
    for i in range(6):  # interleaved, so a burst of load on a shared machine hits both sides alike
        unknown.append(attempt(client, f"ghost-{i + 1}"))
        known.append(attempt(client, "zhangsan"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2, f"unknown {statistics.median(unknown):.3f}s vs real {statistics.median(known):.3f}s"


@REAL_HASHER
def test_unknown_username_writes_the_same_rows_as_a_wrong_password(client, real_user):
    writes(client, "someone-else")  # the address has been seen before both measurements
    assert writes(client, "ghost") == writes(client, "zhangsan") != []  # each name's first failure
    assert writes(client, "ghost") == writes(client, "zhangsan") != []  # and its second


@REAL_HASHER
def test_unknown_username_gets_the_same_page_as_a_wrong_password(client, real_user):
    def page(username: str) -> str:
        r = client.post("/accounts/login/", {"username": username, "password": "x"}, REMOTE_ADDR="10.0.0.7")
        text = r.content.decode().replace(username, "USERNAME")
        return re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF-TOKEN", text)  # the masked token differs on every page

    assert page("ghostly") == page("zhangsan")

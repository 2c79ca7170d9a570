"""When another program holds SQLite's write lock, every door says so in words: the CLI in one Chinese line and a
non-zero exit, pages 503 with Retry-After, the API 503 JSON, and login answers at once instead of 500 after 30 s."""

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from chanye.accounts.services import do_issue_token
from chanye.cli import main
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the lock must be taken on committed data, from another connection
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's single-writer lock; PostgreSQL locks rows, not the database"
    ),
]
ROOT = Path(__file__).parent.parent.parent
BUSY = "数据库正忙"


@contextmanager
def write_lock():
    """Another program (e.g. a long import) holds the write lock on the database file."""
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def busy_timeout(ms: int):
    """The test process's own connection gives up after `ms` (the CLI's default is 30 s)."""
    connection.ensure_connection()
    raw = connection.connection
    before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute(f"PRAGMA busy_timeout = {ms}")
    try:
        yield
    finally:
        if connection.connection is raw:  # a management command closes its connections when it ends
            raw.execute(f"PRAGMA busy_timeout = {before}")


def test_the_cli_prints_one_chinese_line_and_exits_non_zero(users, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "chanye.config.settings.dev",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "CHANYE_DATA_DIR": str(tmp_path),
        "CHANYE_DB_BUSY_TIMEOUT": "0.3",
    }
    with write_lock():
        r = subprocess.run(
            [sys.executable, "-m", "chanye", "users", "unlock", "viewer"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert BUSY in r.stderr and "稍后" in r.stderr


def test_main_turns_a_busy_database_into_exit_code_75(users, capsys):
    with write_lock(), busy_timeout(100), pytest.raises(SystemExit) as e:
        main(["users", "unlock", "viewer"])
    assert e.value.code == 75
    err = capsys.readouterr().err
    assert BUSY in err and "Traceback" not in err


@override_settings(CHANYE_WEB_DB_BUSY_TIMEOUT=0.2)
def test_login_answers_503_quickly_instead_of_500_after_30_seconds(client, users):
    with write_lock():
        t = time.monotonic()
        r = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
        elapsed = time.monotonic() - t
    assert r.status_code == 503 and r["Retry-After"]
    assert BUSY in r.content.decode() and elapsed < 10
    client.raise_request_exception = False
    with write_lock():
        r = client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    assert r.status_code == 503 and BUSY in r.content.decode()


@override_settings(CHANYE_WEB_DB_BUSY_TIMEOUT=0.2)
def test_a_page_that_writes_answers_503_in_chinese_with_retry_after(client, users, login):
    c = login(users["secadmin"])
    c.raise_request_exception = False
    with write_lock():
        r = c.post(f"/accounts/users/{users['viewer'].pk}/unlock/")
    assert r.status_code == 503 and r["Retry-After"] == "5"
    body = r.content.decode()
    assert BUSY in body and "Traceback" not in body and "意外错误" not in body


@override_settings(CHANYE_WEB_DB_BUSY_TIMEOUT=0.2)
def test_a_page_that_only_reads_still_shows_while_another_program_writes(client, users, login):
    c = login(users["admin"])
    c.raise_request_exception = False
    with write_lock():
        r = c.get("/enterprises/")
    assert r.status_code == 200  # WAL readers never wait; the idle-timeout refresh of the session waits for later


@override_settings(CHANYE_WEB_DB_BUSY_TIMEOUT=0.2)
def test_the_api_answers_503_json(client, users):
    token = do_issue_token(actor=None, user=users["admin"])
    with write_lock():
        r = client.get("/api/v1/enterprises/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 503 and r["Content-Type"].startswith("application/json")
    assert BUSY in r.json()["detail"] and r["Retry-After"]

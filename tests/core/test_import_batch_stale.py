"""Import batches cut off mid-way (issue 11, hole 8): a batch whose import died (restart, killed process) is ended as
failed with a reason once its heartbeat is older than CHANYE_IMPORT_STALE_MINUTES — when its page or the batch list is
shown, or when `chanye import` starts; the reason says nothing was written, and that is true because the write is one
transaction with the DONE status. A batch whose import is writing is never ended. The page stops polling on any final
status, and its polls do not keep the session alive past the idle timeout."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from chanye.core.imports.runner import STALE_REASON, expire_stale_batches, new_batch, run_import
from chanye.core.models import ImportBatch
from chanye.enterprises import importers
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory
from tests.helpers import xlsx

MINUTES = 10


@pytest.fixture(autouse=True)
def stale_after(settings):
    settings.CHANYE_IMPORT_STALE_MINUTES = MINUTES


def running_batch(user=None, minutes_ago: float = 0) -> ImportBatch:
    b = new_batch("monthly", data=b"x", filename="月报.xlsx", user=user)
    ImportBatch.objects.filter(pk=b.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return b


def monthly_file(firms) -> bytes:
    return xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], *[[f.uscc, "2025-01", 5] for f in firms]])


@pytest.mark.django_db
def test_viewing_a_stale_batch_ends_it_as_failed_with_the_reason_and_stops_polling(users, login):
    b = running_batch(users["admin"], minutes_ago=MINUTES + 1)
    html = login(users["admin"]).get(f"/imports/{b.pk}/").content.decode()
    b.refresh_from_db()
    assert b.status == "failed" and b.errors == [{"row": 0, "column": "", "value": "", "message": STALE_REASON}]
    assert STALE_REASON in html and "hx-get" not in html
    assert b.finished_at is not None


@pytest.mark.django_db
def test_a_batch_with_a_recent_heartbeat_keeps_running_and_its_page_keeps_polling(users, login):
    b = running_batch(users["admin"], minutes_ago=MINUTES - 1)
    html = login(users["admin"]).get(f"/imports/{b.pk}/", HTTP_HX_REQUEST="true").content.decode()
    b.refresh_from_db()
    assert b.status == "running" and f'hx-get="/imports/{b.pk}/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["invalid", "valid", "done", "failed"])
def test_the_batch_page_stops_polling_on_every_final_status(users, login, status):
    b = running_batch(users["admin"])
    ImportBatch.objects.filter(pk=b.pk).update(status=status)
    html = login(users["admin"]).get(f"/imports/{b.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in html and "hx-trigger" not in html


@pytest.mark.django_db
def test_the_batch_list_ends_stale_batches_of_everyone(users, login):
    theirs = running_batch(users["xianan"], minutes_ago=60)
    html = login(users["admin"]).get("/imports/").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "failed" and "失败" in html


@pytest.mark.django_db
def test_the_import_command_ends_stale_batches_before_it_starts(regions, tmp_path):
    old = running_batch(minutes_ago=MINUTES * 3)
    f = tmp_path / "月报.xlsx"
    f.write_bytes(monthly_file([EnterpriseFactory(county=regions["咸安区"])]))
    err = io.StringIO()
    call_command("import", "monthly", str(f), stdout=io.StringIO(), stderr=err)
    old.refresh_from_db()
    assert old.status == "failed" and "1 个中断的导入批次已标记为失败" in err.getvalue()


class Killed(BaseException):
    """What the import thread sees when the process dies under it: nothing of the import's handles it."""


@pytest.mark.django_db
def test_an_import_killed_while_writing_wrote_nothing_and_ends_failed_with_the_reason(regions, users, monkeypatch):
    firms = [EnterpriseFactory(county=regions["咸安区"]) for _ in range(3)]
    write = importers.MonthlyImporter.write

    def dies_halfway(self, rows, batch):
        write(self, rows[:2], batch)  # two rows are in the database (uncommitted) when the process dies
        assert MonthlyFigure.objects.count() == 2
        raise Killed

    monkeypatch.setattr(importers.MonthlyImporter, "write", dies_halfway)
    batch = new_batch("monthly", data=b"", filename="月报.xlsx", user=users["admin"])
    with pytest.raises(Killed):
        run_import("monthly", data=monthly_file(firms), filename="月报.xlsx", user=users["admin"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == "running" and MonthlyFigure.objects.count() == 0
    assert expire_stale_batches() == 0  # not yet stale
    assert expire_stale_batches(now=timezone.now() + dt.timedelta(minutes=MINUTES + 1)) == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.errors[0]["message"] == STALE_REASON
    assert MonthlyFigure.objects.count() == 0  # what the reason says


@pytest.mark.django_db
def test_an_import_ended_as_stale_while_suspended_does_not_write_afterwards(regions, users, monkeypatch):
    firms = [EnterpriseFactory(county=regions["咸安区"])]
    validate_all = importers.MonthlyImporter.validate_all

    def suspended(self, rows):  # the process sleeps past the limit; meanwhile someone opens the batch list
        validate_all(self, rows)
        expire_stale_batches(now=timezone.now() + dt.timedelta(minutes=MINUTES + 1))

    monkeypatch.setattr(importers.MonthlyImporter, "validate_all", suspended)
    out = run_import("monthly", data=monthly_file(firms), filename="月报.xlsx", user=users["admin"])
    assert out.batch.status == "failed" and [e.message for e in out.errors] == [STALE_REASON]
    assert not MonthlyFigure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_import_is_writing_is_never_ended(regions, users):
    """The writer holds its claim (PostgreSQL: the batch row; SQLite: the database) until it commits; the stale check
    skips it instead of waiting, however old its last visible heartbeat."""
    batch = running_batch(users["admin"], minutes_ago=MINUTES * 5)
    claimed, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                ImportBatch.objects.filter(pk=batch.pk, status="running").update(heartbeat_at=timezone.now())
                claimed.set()
                release.wait(10)
                ImportBatch.objects.filter(pk=batch.pk).update(status="done")
        finally:
            connection.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert claimed.wait(10)
        later = timezone.now() + dt.timedelta(minutes=MINUTES * 2)
        started = time.monotonic()
        assert expire_stale_batches(now=later) == 0
        assert time.monotonic() - started < 3  # skipped, not waited for (the writer holds on for 10 s)
    finally:
        release.set()
        t.join(10)
    batch.refresh_from_db()
    assert batch.status == "done"


@pytest.mark.django_db
def test_polling_does_not_extend_the_idle_timeout_but_the_persons_own_requests_do(users, login):
    client = login(users["admin"])
    b = running_batch(users["admin"])
    key = client.cookies["sessionid"].value
    earlier = timezone.now() + dt.timedelta(minutes=5)  # as if the last real request was 25 minutes ago
    Session.objects.filter(session_key=key).update(expire_date=earlier)
    resp = client.get(f"/imports/{b.pk}/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "sessionid" not in resp.cookies
    assert Session.objects.get(session_key=key).expire_date == earlier
    client.get(f"/imports/{b.pk}/")  # the person opens the page: that is activity
    assert Session.objects.get(session_key=key).expire_date > earlier + dt.timedelta(minutes=20)


@pytest.mark.django_db
def test_a_poll_after_the_session_ran_out_sends_the_page_to_the_login_page(users, client):
    b = running_batch(users["admin"])
    resp = client.get(f"/imports/{b.pk}/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 204 and resp["HX-Redirect"] == f"/accounts/login/?next=%2Fimports%2F{b.pk}%2F"
    assert client.get(f"/imports/{b.pk}/").status_code == 302  # a plain request: login_required as before

"""`chanye backup` / `chanye restore`: a backup of a populated installation restored into an empty database holds
every row of every table and every uploaded file; a damaged backup, an occupied target or a backup from another engine
or from newer code is refused before anything is written; an older backup is migrated after restoring; an SQLite
backup taken while another connection writes is one consistent snapshot. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from chanye.core.backup.common import DB_FILES
from chanye.core.backup.postgres import pg_params
from chanye.core.models import AuditLog
from chanye.projects.issues import do_assign_issue, do_close_issue, do_raise_issue
from chanye.projects.models import ProjectIssue
from chanye.regions.models import Region
from tests.factories import MonthlyFigureFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)  # backup reads committed data through its own connection
D = dt.date(2025, 3, 1)
ROOT = Path(__file__).parents[2]


# ---------------------------------------------------------------- helpers


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fingerprint(alias: str) -> dict[str, tuple[int, str]]:
    """Every model's table: row count and a hash of all its rows (every concrete column) ordered by pk."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        cols = [f.attname for f in model._meta.concrete_fields]
        h, n = hashlib.sha256(), 0
        for row in model._base_manager.using(alias).order_by("pk").values_list(*cols).iterator():
            h.update(repr(row).encode())
            n += 1
        out[model._meta.db_table] = (n, h.hexdigest())
    return out


def file_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def is_pg() -> bool:
    return connections["default"].vendor == "postgresql"


def _pg_admin(sd: dict, *statements: str) -> None:
    import psycopg

    params = pg_params(sd) | {"dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def target_is_untouched(alias: str, data_dir: Path) -> bool:
    """No database written (SQLite: no file; PostgreSQL: no table), no upload folder, no secret-key file."""
    sd = connections[alias].settings_dict
    if is_pg():
        with connections[alias].cursor() as cursor:
            no_tables = not connections[alias].introspection.table_names(cursor)
        connections[alias].close()
    else:
        no_tables = not Path(sd["NAME"]).exists()
    return no_tables and not (data_dir / "media").exists() and not (data_dir / "secret_key").exists()


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def empty_database(transactional_db, tmp_path):
    """make(alias): a new, empty database on the test database's engine (SQLite: a file that does not exist yet;
    PostgreSQL: a freshly created database), reachable as connections[alias] and dropped afterwards."""
    made: list[tuple[str, dict]] = []

    def make(alias: str) -> str:
        sd = copy.deepcopy(connections["default"].settings_dict)
        if is_pg():
            sd["NAME"] = f"{sd['NAME']}_{alias}"
            _pg_admin(sd, f'DROP DATABASE IF EXISTS "{sd["NAME"]}" WITH (FORCE)', f'CREATE DATABASE "{sd["NAME"]}"')
        else:
            sd["NAME"] = str(tmp_path / f"{alias}.sqlite3")
        # A connection set directly, not declared in settings.DATABASES: Django's test case allows it.
        connections[alias] = load_backend(sd["ENGINE"]).DatabaseWrapper(sd, alias)
        made.append((alias, sd))
        return alias

    yield make
    for alias, sd in made:
        connections[alias].close()
        del connections[alias]
        if is_pg():
            _pg_admin(sd, f'DROP DATABASE IF EXISTS "{sd["NAME"]}" WITH (FORCE)')


@pytest.fixture
def source_dirs(settings, tmp_path):
    """The installation being backed up: its data directory with a secret-key file, uploads under media/."""
    data = tmp_path / "src"
    data.mkdir()
    (data / "secret_key").write_text("s" * 60)
    settings.DATA_DIR, settings.MEDIA_ROOT = data, data / "media"
    return data


@pytest.fixture
def use_data_dir(settings):
    """Switch the installation's data directory (and its media/) to `path`, as another machine would have it."""

    def switch(path: Path) -> Path:
        settings.DATA_DIR, settings.MEDIA_ROOT = path, path / "media"
        return path

    return switch


@pytest.fixture
def populated(source_dirs, two_counties, users, regions):
    """The test pack, users, two counties' enterprises with monthly figures, projects, and two issues closed with
    evidence files uploaded through the service."""
    xa, jy = two_counties["xianan"], two_counties["jiayu"]
    for month in (D, D.replace(month=4)):
        MonthlyFigureFactory(enterprise=xa, month=month, output=Decimal("1234.5"))
        MonthlyFigureFactory(enterprise=jy, month=month, output=Decimal("88"))
    officer = users["xianan"]
    for k, name in enumerate(["供电回执.pdf", "现场照片.jpg"]):
        project = ProjectFactory(county=regions["咸安区"])
        issue = do_raise_issue(actor=officer, project=project, content=f"施工用电未接入{k}", on=D)
        do_assign_issue(actor=officer, issue=issue, department="区供电公司", due_on=D + dt.timedelta(days=10))
        evidence = SimpleUploadedFile(name, f"%PDF-1.4 证据{k}".encode() * 50, content_type="application/pdf")
        do_close_issue(actor=officer, issue=issue, note="已接入", evidence=evidence, on=D + dt.timedelta(days=5))
    return source_dirs


@pytest.fixture
def backup_dir(populated, tmp_path):
    out = tmp_path / "backup"
    run("backup", "--out", str(out))
    return out


# ---------------------------------------------------------------- the round trip


def test_backup_restored_into_an_empty_database_has_every_row_of_every_table_and_every_file(
    populated, empty_database, use_data_dir, tmp_path
):
    before = fingerprint("default")
    source_files = file_hashes(populated / "media")
    assert len(source_files) == 2 and sum(n > 0 for n, _ in before.values()) >= 20  # a populated installation

    out = tmp_path / "backup"
    report = run("backup", "--out", str(out))
    assert "备份完成" in report and "上传文件：2 个" in report and "用时" in report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == connections["default"].vendor
    assert {t: n for t, (n, _) in before.items()} == {t: manifest["tables"][t] for t in before}
    assert manifest["migrations"]["projects"] == ["0001_initial", "0002_rectify_since"]
    assert {m["path"]: m["sha256"] for m in manifest["media"]} == source_files
    assert [f["path"] for f in manifest["data_files"]] == ["secret_key"] and manifest["missing_media"] == []

    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    restored_report = run("restore", str(out), "--database", target)
    assert "恢复完成" in restored_report and "≠" not in restored_report

    restore_row = AuditLog.objects.using(target).order_by("-pk").first()
    assert restore_row.action == "import" and restore_row.message.startswith("从备份恢复")
    restore_row.delete()  # the restore's own audit row is the one row the backup did not have
    assert fingerprint(target) == before
    assert file_hashes(dst / "media") == source_files
    assert (dst / "secret_key").read_text() == "s" * 60
    for issue in ProjectIssue.objects.using(target).exclude(evidence=""):
        assert (dst / "media" / issue.evidence.name).is_file()


def test_a_backup_of_an_installation_without_uploads_or_key_file_restores_too(
    mini_pack, settings, empty_database, use_data_dir, tmp_path
):
    use_data_dir(tmp_path / "bare")  # no media folder, no secret_key
    before = fingerprint("default")
    run("backup", "--out", str(tmp_path / "b"))
    target = empty_database("restored")
    use_data_dir(tmp_path / "dst")
    run("restore", str(tmp_path / "b"), "--database", target)
    AuditLog.objects.using(target).order_by("-pk").first().delete()
    assert fingerprint(target) == before
    assert (tmp_path / "dst" / "media").is_dir() and not (tmp_path / "dst" / "secret_key").exists()


def test_the_invoice_store_travels_with_the_backup_and_a_damaged_one_is_refused(
    populated, empty_database, use_data_dir, tmp_path, monkeypatch
):
    """The Parquet store of supply (a folder registered with the backup) is copied, listed with its hashes, checked
    and put where the restoring installation keeps it; the old store there is kept aside; work files are left out."""
    src_store = tmp_path / "src-invoices"
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(src_store))
    (src_store / "month=2026-03").mkdir(parents=True)
    (src_store / "month=2026-03" / "part-0.parquet").write_bytes(b"PAR1 march" * 100)
    (src_store / "rejected").mkdir()
    (src_store / "rejected" / "7-rejected.csv").write_text("行号,原因\n3,税号校验位错误\n", encoding="utf-8")
    (src_store / ".staging-abc").mkdir()
    (src_store / ".staging-abc" / "part-0.parquet").write_bytes(b"half written")
    expected = file_hashes(src_store)
    del expected[".staging-abc/part-0.parquet"]

    out = tmp_path / "backup"
    report = run("backup", "--out", str(out))
    assert "发票明细库：2 个文件" in report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"]: e["sha256"] for e in manifest["trees"]["invoices"]} == expected

    target = empty_database("restored")
    use_data_dir(tmp_path / "dst")
    dst_store = tmp_path / "dst-invoices"
    (dst_store / "month=2025-01").mkdir(parents=True)
    (dst_store / "month=2025-01" / "old.parquet").write_bytes(b"old")
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(dst_store))
    restored = run("restore", str(out), "--database", target, "--force")
    assert "发票明细库：2 个文件" in restored and "dst-invoices.replaced-" in restored
    assert file_hashes(dst_store) == expected

    (out / "trees" / "invoices" / "month=2026-03" / "part-0.parquet").write_bytes(b"PAR1 tampered")
    with pytest.raises(CommandError, match=r"trees/invoices/month=2026-03/part-0\.parquet"):
        run("restore", str(out), "--database", target, "--force")


def test_files_the_database_names_but_the_disk_lacks_are_listed_as_missing(populated, tmp_path):
    issue = ProjectIssue.objects.exclude(evidence="").first()
    (populated / "media" / issue.evidence.name).unlink()
    err = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO(), stderr=err)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["missing_media"] == [issue.evidence.name]
    assert "警告" in err.getvalue() and issue.evidence.name in err.getvalue()


# ---------------------------------------------------------------- refusals before anything is written


def _tamper_media(b: Path, m: dict) -> None:
    with (b / "media" / m["media"][0]["path"]).open("ab") as f:
        f.write(b"x")


def _tamper_database(b: Path, m: dict) -> None:
    p = b / m["database"]["path"]
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))


def _remove_file(b: Path, m: dict) -> None:
    (b / "media" / m["media"][1]["path"]).unlink()


def _add_file(b: Path, m: dict) -> None:
    (b / "media" / "issue-evidence" / "planted.html").write_text("<script>")


def _path_outside(b: Path, m: dict) -> None:
    m["media"][0]["path"] = "../../../etc/cron.d/chanye"
    (b / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_media, "文件内容与清单不符"),
        (_tamper_database, "文件内容与清单不符"),
        (_remove_file, "缺少文件"),
        (_add_file, "清单中没有的文件：media/issue-evidence/planted.html"),
        (_path_outside, "不合法的路径"),
    ],
    ids=["changed-upload", "changed-database", "removed-file", "added-file", "path-outside-backup"],
)
def test_a_damaged_backup_is_refused_and_nothing_is_written(
    backup_dir, empty_database, use_data_dir, tmp_path, tamper, message
):
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    tamper(backup_dir, manifest)
    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    with pytest.raises(CommandError, match=message) as e:
        run("restore", str(backup_dir), "--database", target)
    assert "未写入任何数据" in str(e.value)
    assert target_is_untouched(target, dst)


def test_an_unfinished_backup_without_manifest_is_refused(backup_dir, empty_database, use_data_dir, tmp_path):
    (backup_dir / "manifest.json").unlink()
    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    with pytest.raises(CommandError, match=r"没有 manifest\.json"):
        run("restore", str(backup_dir), "--database", target)
    assert target_is_untouched(target, dst)


def test_a_backup_from_the_other_engine_is_refused_naming_the_engine_it_needs(
    backup_dir, empty_database, use_data_dir, tmp_path
):
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    other = "sqlite" if is_pg() else "postgresql"
    os.replace(backup_dir / manifest["database"]["path"], backup_dir / DB_FILES[other])
    manifest["engine"], manifest["database"]["path"] = other, DB_FILES[other]
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    need = "SQLite" if other == "sqlite" else "PostgreSQL"
    with pytest.raises(CommandError, match=f"这份备份来自 {need} 数据库，只能恢复到 {need}"):
        run("restore", str(backup_dir), "--database", target)
    assert target_is_untouched(target, dst)


def test_a_backup_from_newer_code_is_refused(backup_dir, empty_database, use_data_dir, tmp_path):
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["migrations"]["core"].append("0099_from_the_future")
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    with pytest.raises(CommandError, match=r"较新的 chanye.*core\.0099_from_the_future"):
        run("restore", str(backup_dir), "--database", target)
    assert target_is_untouched(target, dst)


def test_backup_refuses_a_non_empty_folder_unless_forced(populated, tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "说明.txt").write_text("别的文件")
    with pytest.raises(CommandError, match="不是空的") as e:
        run("backup", "--out", str(out))
    assert "--force" in str(e.value) and [p.name for p in out.iterdir()] == ["说明.txt"]

    (out / "media" / "old").mkdir(parents=True)
    (out / "media" / "old" / "from-an-older-backup.pdf").write_bytes(b"old")
    report = run("backup", "--out", str(out), "--force")
    assert "备份完成" in report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(file_hashes(out / "media")) == {m["path"] for m in manifest["media"]}  # the old upload is gone
    assert (out / "说明.txt").read_text() == "别的文件"  # what is not a backup's own is left alone


def test_backup_refuses_a_folder_inside_the_upload_folder(populated):
    with pytest.raises(CommandError, match="在上传文件目录"):
        run("backup", "--out", str(populated / "media" / "backup"))
    assert not (populated / "media" / "backup").exists()


def test_restore_refuses_a_database_holding_data_unless_forced_then_says_what_it_replaces(
    backup_dir, empty_database, use_data_dir, tmp_path
):
    with pytest.raises(CommandError, match="目标已有数据") as e:  # the installation's own, populated database
        run("restore", str(backup_dir))
    assert "--force" in str(e.value) and "projects_project" in str(e.value)

    target = empty_database("restored")
    dst = use_data_dir(tmp_path / "dst")
    run("restore", str(backup_dir), "--database", target)
    Region.objects.using(target).create(code="429999", name="恢复后新增区", level="county")
    (dst / "media" / "later.pdf").write_bytes(b"uploaded after the restore")
    after_first = fingerprint(target)

    with pytest.raises(CommandError, match="目标已有数据") as e:
        run("restore", str(backup_dir), "--database", target)
    assert "regions_region" in str(e.value) and "上传文件目录" in str(e.value)
    assert fingerprint(target) == after_first and (dst / "media" / "later.pdf").exists()

    report = run("restore", str(backup_dir), "--database", target, "--force")
    assert "将被替换的内容" in report and "regions_region" in report and "恢复完成" in report
    assert not Region.objects.using(target).filter(code="429999").exists()
    assert not (dst / "media" / "later.pdf").exists()
    kept = [p for p in dst.iterdir() if p.name.startswith("media.replaced-")]
    assert len(kept) == 1 and (kept[0] / "later.pdf").exists()  # the replaced uploads are kept aside
    if not is_pg():
        target_file = Path(connections[target].settings_dict["NAME"])
        assert len(list(target_file.parent.glob(f"{target_file.name}.replaced-*"))) == 1


# ---------------------------------------------------------------- an older backup into newer code


def test_an_older_backup_is_migrated_after_restoring_and_the_command_says_so(
    source_dirs, empty_database, use_data_dir, tmp_path
):
    old = empty_database("old")
    call_command("migrate", database=old, verbosity=0)
    call_command("migrate", "analytics", "0001_initial", database=old, verbosity=0)  # as older code left it
    Region.objects.using(old).create(code="421202", name="咸安区", level="county")
    run("backup", "--out", str(tmp_path / "b"), "--database", old)

    target = empty_database("new")
    use_data_dir(tmp_path / "dst")
    report = run("restore", str(tmp_path / "b"), "--database", target)
    assert "备份来自较早的版本" in report and "analytics.0002_benchmark_figure" in report
    later = [k for k in MigrationExecutor(connections[target]).loader.disk_migrations if k[0] == "analytics"]
    assert f"已执行 {len(later) - 1} 个数据库迁移" in report  # every analytics migration after 0001_initial
    executor = MigrationExecutor(connections[target])
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert Region.objects.using(target).get().name == "咸安区"


# ---------------------------------------------------------------- an online backup while the app writes


def _raw_connection():
    """A connection of its own to the test database, as another process of the web app would have (autocommit)."""
    sd = connections["default"].settings_dict
    if is_pg():
        import psycopg

        return psycopg.connect(**pg_params(sd), autocommit=True), "%s"
    return sqlite3.connect(sd["NAME"], timeout=30, isolation_level=None), "?"


def test_backup_while_another_connection_writes_is_one_consistent_snapshot(
    source_dirs, empty_database, use_data_dir, tmp_path
):
    setup, ph = _raw_connection()
    if not is_pg():
        assert setup.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # as settings configure every connection
    setup.execute("CREATE TABLE zz_probe (batch INTEGER NOT NULL, part INTEGER NOT NULL)")
    setup.execute("CREATE TABLE zz_ballast (data BYTEA)")  # ~20 MB, so that the copy takes a while
    for _ in range(320):
        setup.execute(f"INSERT INTO zz_ballast (data) VALUES ({ph})", (os.urandom(64 * 1024),))

    stop, committed = threading.Event(), [0]

    def writer() -> None:
        conn, _ = _raw_connection()
        while not stop.is_set():  # each transaction writes two rows of one batch: a torn copy would show one
            conn.execute("BEGIN")
            conn.execute(f"INSERT INTO zz_probe (batch, part) VALUES ({ph}, 1)", (committed[0],))
            conn.execute(f"INSERT INTO zz_probe (batch, part) VALUES ({ph}, 2)", (committed[0],))
            conn.execute("COMMIT")
            committed[0] += 1
        conn.close()

    def wait_for(n: int) -> None:
        deadline = time.monotonic() + 30
        while committed[0] < n and time.monotonic() < deadline:
            time.sleep(0.005)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for(20)
        started = committed[0]
        run("backup", "--out", str(tmp_path / "b"))
        finished = committed[0]
        wait_for(finished + 5)
        still_writing = committed[0] > finished
    finally:
        stop.set()
        thread.join()
        setup.execute("DROP TABLE zz_probe")
        setup.execute("DROP TABLE zz_ballast")
        setup.close()

    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["zz_ballast"] == 320
    target = empty_database("restored")
    use_data_dir(tmp_path / "dst")
    run("restore", str(tmp_path / "b"), "--database", target)  # fails if a table's rows differ from the manifest
    with connections[target].cursor() as cursor:
        cursor.execute("SELECT batch, count(*) FROM zz_probe GROUP BY batch")
        batches = dict(cursor.fetchall())
    assert set(batches.values()) == {2} and sorted(batches) == list(range(len(batches)))  # whole transactions only
    assert manifest["tables"]["zz_probe"] == 2 * len(batches)
    assert started <= len(batches) <= finished and still_writing  # taken while the writer kept committing


# ---------------------------------------------------------------- the command line


def test_the_chanye_command_refuses_a_non_empty_folder_in_chinese_with_a_non_zero_exit(tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "x").write_text("x")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "CHANYE_DATA_DIR": str(tmp_path / "data")
    }
    r = subprocess.run(
        [sys.executable, "-m", "chanye", "backup", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert r.returncode == 1 and "不是空的" in r.stderr and "Traceback" not in r.stderr

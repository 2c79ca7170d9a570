"""PostgreSQL: libpq connection parameters, the snapshot (pg_dump inside an exported REPEATABLE READ snapshot) and
the restore (pg_restore --single-transaction)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from chanye.core.backup.common import BackupError, Progress, Snapshot, describe, quote_ident

_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def pg_params(sd: dict[str, Any]) -> dict[str, str]:
    """libpq keywords (dbname, host, port, user, password, sslmode …) from a Django database settings dict."""
    params = {"dbname": sd.get("NAME"), "host": sd.get("HOST"), "port": sd.get("PORT"), "user": sd.get("USER")}
    params["password"] = sd.get("PASSWORD")
    for key in _PG_OPTION_ENV:
        params[key] = (sd.get("OPTIONS") or {}).get(key)
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def pg_env(sd: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password in PGPASSWORD, never on the command line."""
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = dict(os.environ)  # libpq reads the other PG* variables for Django's connection too
    env.update({(names | _PG_OPTION_ENV)[k]: v for k, v in pg_params(sd).items()})
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"找不到 {name}。PostgreSQL 的备份与恢复需要 {name}（Debian/Ubuntu：apt-get install postgresql-client，"
            "版本不低于数据库服务器），并确保它在 PATH 中。"
        )
    return path


def run_tool(cmd: list[str], env: dict[str, str], what: str) -> None:
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        detail = (r.stderr or r.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（{Path(cmd[0]).name} 返回 {r.returncode}）：\n{detail}")


def snapshot(sd: dict[str, Any], dest: Path, progress: Progress) -> Snapshot:
    import psycopg

    pg_dump = pg_tool("pg_dump")
    progress(f"正在导出 PostgreSQL 数据库 {sd.get('NAME')}（pg_dump，自定义格式）…")
    with psycopg.connect(**pg_params(sd), autocommit=False) as conn:  # type: ignore[arg-type]
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True

        def query(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()

        snapshot_id = query("SELECT pg_export_snapshot()")[0][0]
        tables = [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
        snap = describe(
            query,
            tables,
            lambda t: {
                r[0]
                for r in query(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s",
                    (t,),
                )
            },
        )
        snap.server_version = str(query("SHOW server_version")[0][0])
        # pg_dump reads the same snapshot while this transaction stays open.
        cmd = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot_id}", f"--file={dest}"]
        run_tool(cmd, pg_env(sd), "pg_dump 导出数据库")
        conn.rollback()
    return snap


def restore(src: Path, manifest: dict[str, Any], alias: str, existing: dict[str, int]) -> None:
    pg_restore = pg_tool("pg_restore")
    sd = connections[alias].settings_dict
    connections[alias].close()
    cmd = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password"]
    if existing:
        cmd += ["--clean", "--if-exists"]
    cmd += [f"--dbname={sd['NAME']}", str(src / manifest["database"]["path"])]
    run_tool(cmd, pg_env(sd), "pg_restore 恢复数据库（数据库未改变）")
    # chanye's tables the old database had and the backup has not (created by newer migrations) would stop `migrate`;
    # tables that are not chanye's are left alone.
    connection = connections[alias]
    ours = set(connection.introspection.django_table_names(include_views=False)) | {"django_migrations"}
    extra = sorted((set(existing) & ours) - set(manifest["tables"]))
    if extra:
        with connection.cursor() as cursor:
            for t in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {quote_ident(t)} CASCADE")

"""Analytics over the app database with Ibis on DuckDB (DESIGN.md).

DuckDB runs in process and ATTACHes the app's database read-only — the SQLite file or PostgreSQL — through the
sqlite_scanner / postgres_scanner extensions. Those come from the PyPI packages duckdb-ext-sqlite and
duckdb-ext-postgres (nothing is downloaded at run time: autoinstall is off and `extension_directory` points at
the folder the packages install). Ibis wraps the connection; expressions compile to DuckDB SQL.

Large inputs are copied once per analysis into DuckDB temp tables (`snapshot`), so every indicator then runs on
DuckDB's columnar engine instead of going back to the app database.
"""

from __future__ import annotations

import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
from django.db import connection


def extension_directory() -> Path:
    return Path(sysconfig.get_paths()["purelib"]) / "duckdb_ext" / "extensions"


def _pg_dsn(cfg: dict[str, Any]) -> str:
    parts = {
        "dbname": cfg.get("NAME"),
        "host": cfg.get("HOST") or "",
        "port": cfg.get("PORT") or "",
        "user": cfg.get("USER") or "",
        "password": cfg.get("PASSWORD") or "",
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


@dataclass
class Engine:
    con: duckdb.DuckDBPyConnection
    backend: Any  # ibis DuckDB backend
    vendor: str

    def source(self, table: str) -> str:
        """The attached app table as a DuckDB name."""
        return f"app.public.{table}" if self.vendor == "postgresql" else f"app.{table}"

    def snapshot(self, name: str, sql_from_app: str) -> Any:
        """Copy a query over the app database into a DuckDB temp table and return it as an Ibis table.

        `sql_from_app` may use {t:table_name} placeholders for app tables.
        """
        sql = sql_from_app
        while "{t:" in sql:
            start = sql.index("{t:")
            end = sql.index("}", start)
            sql = sql[:start] + self.source(sql[start + 3 : end]) + sql[end + 1 :]
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        return self.backend.table(name)

    def table(self, name: str) -> Any:
        return self.backend.table(name)

    def close(self) -> None:
        self.con.close()


def connect(*, database: dict[str, Any] | None = None) -> Engine:
    """A DuckDB connection with the app database attached read-only as `app`."""
    # connection.settings_dict is the live database (the test database while tests run).
    cfg = database or connection.settings_dict
    engine = cfg["ENGINE"]
    con = duckdb.connect(
        config={
            "extension_directory": str(extension_directory()),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": 2,
        }
    )
    if engine.endswith("sqlite3"):
        name = str(cfg["NAME"]).replace("'", "''")
        con.execute("LOAD sqlite_scanner")
        con.execute(f"ATTACH '{name}' AS app (TYPE sqlite, READ_ONLY)")
        vendor = "sqlite"
    elif engine.endswith("postgresql"):
        con.execute("LOAD postgres_scanner")
        dsn = _pg_dsn(cfg).replace("'", "''")
        con.execute(f"ATTACH '{dsn}' AS app (TYPE postgres, READ_ONLY)")
        vendor = "postgresql"
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"不支持的数据库：{engine}")
    return Engine(con=con, backend=ibis.duckdb.from_connection(con), vendor=vendor)


def in_list(values: Iterable[Any]) -> str:
    vals = [f"'{v}'" if isinstance(v, str) else str(v) for v in values]
    return "(" + ", ".join(vals or ["NULL"]) + ")"

"""Analytics over the app database with Ibis on DuckDB (DESIGN.md).

DuckDB runs in process. PostgreSQL is ATTACHed read-only through the postgres_scanner extension, which comes
from the PyPI package duckdb-ext-postgres (nothing is downloaded at run time: autoinstall is off and
`extension_directory` points at the folder the package installs). SQLite is read through Django's own
connection instead of sqlite_scanner: two SQLite libraries with the same file open in one process break SQLite's
POSIX locks and can corrupt the database (docs/decisions/0004). Ibis wraps the connection; expressions compile to
DuckDB SQL.

Inputs are copied once per analysis into DuckDB temp tables (`load`), so every indicator then runs on DuckDB's
columnar engine instead of going back to the app database.
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

    def load(self, name: str, table: str, columns: dict[str, str], where: str = "") -> Any:
        """Copy `columns` (name → DuckDB type) of an app table into a DuckDB temp table; return it as Ibis.

        `where` must be plain SQL that both the app database and DuckDB understand (column = 'text', dates as
        'YYYY-MM-DD' literals).
        """
        casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns.items())
        cond = f" WHERE {where}" if where else ""
        if self.vendor == "postgresql":
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {casts} FROM app.public.{table}{cond}")
        else:
            import pyarrow as pa

            cols = list(columns)
            data: list[list[Any]] = [[] for _ in cols]
            with connection.cursor() as cur:
                cur.execute(f"SELECT {', '.join(cols)} FROM {table}{cond}")
                while chunk := cur.fetchmany(50_000):
                    for i, col in enumerate(zip(*chunk, strict=True)):
                        data[i].extend(col)
            arrays = []
            for c, values in zip(cols, data, strict=True):
                kind = columns[c].upper()
                if kind in ("DOUBLE", "BIGINT", "INTEGER"):
                    values = [None if v is None else float(v) for v in values]
                    arrays.append(pa.array(values, type=pa.float64()))
                else:
                    arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string()))
            raw = pa.table(arrays, names=cols)
            self.con.register(f"{name}__raw", raw)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {casts} FROM {name}__raw")
            self.con.unregister(f"{name}__raw")
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
        vendor = "sqlite"  # read through Django's connection (see the module docstring)
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

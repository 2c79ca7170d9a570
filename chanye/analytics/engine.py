"""Analytics over the app database with Ibis on DuckDB (DESIGN.md).

DuckDB runs in process. PostgreSQL is ATTACHed read-only through the postgres_scanner extension, which comes
from the PyPI package duckdb-ext-postgres (nothing is downloaded at run time: autoinstall is off and
`extension_directory` points at the folder the package installs). SQLite is read through Django's own
connection instead of sqlite_scanner: two SQLite libraries with the same file open in one process break SQLite's
POSIX locks and can corrupt the database (docs/decisions/0004). Ibis wraps the connection; expressions compile to
DuckDB SQL.

Inputs are copied once per analysis into DuckDB temp tables (`load`), so every indicator then runs on DuckDB's
columnar engine instead of going back to the app database. A table several queries read is computed once
(`materialise`); results come back as plain Python rows (`records`), without pandas.

duckdb and ibis are imported when a connection is made, not when Django starts: commands and pages that do no
analysis do not pay for them.
"""

from __future__ import annotations

import datetime as dt
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    import duckdb


def extension_directory() -> Path:
    return Path(sysconfig.get_paths()["purelib"]) / "duckdb_ext" / "extensions"


def _pg_dsn(cfg: dict[str, Any]) -> str:
    parts = {
        "dbname": cfg.get("NAME"),
        "host": cfg.get("HOST") or "",
        "port": cfg.get("PORT") or "",
        "user": cfg.get("USER") or "",
        "password": cfg.get("PASSWORD") or "",
        # Aggregations pushed to PostgreSQL are short: JIT compilation would cost more than it saves, and sorting
        # 100,000 groups should not spill to disk.
        "options": "'-c jit=off -c work_mem=64MB'",
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


FIGURE = "decimal(18, 4)"  # a MonthlyFigure amount as Ibis types it: summed exactly in the app database


def _duckdb_type(dtype: Any) -> str:
    """The DuckDB column type for an Ibis type of an aggregation's result."""
    if dtype.is_integer():
        return "BIGINT"
    if dtype.is_floating() or dtype.is_decimal():
        return "DOUBLE"
    if dtype.is_date():
        return "DATE"
    if dtype.is_boolean():
        return "BOOLEAN"
    return "VARCHAR"


def _copy(name: str, table: str, columns: dict[str, str], *, temp: bool = False) -> str:
    """The statement copying `columns` (name → DuckDB type) of an app table from the attached PostgreSQL database."""
    casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns.items())
    return f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {name} AS SELECT {casts} FROM app.public.{table}"


_IBIS_TYPE = {"BIGINT": "int64", "DOUBLE": "float64", "DATE": "date", "BOOLEAN": "boolean", "VARCHAR": "string"}


@dataclass
class Prepared:
    """Tables being filled (`Engine.prepare`): their Ibis tables, usable at once to build and compile expressions, and
    `wait()`, which returns when the data is in."""

    tables: dict[str, Any]
    wait: Callable[[], None]


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
        cond = f" WHERE {where}" if where else ""
        if self.vendor == "postgresql":
            self.con.execute(_copy(name, table, columns, temp=True) + cond)
        else:
            self._from_django(name, f"SELECT {', '.join(columns)} FROM {table}{cond}", columns)
        return self.backend.table(name)

    def load_many(self, specs: dict[str, tuple[str, dict[str, str]]]) -> dict[str, Any]:
        """Several `load`s (name → (table, columns)) at once: on PostgreSQL each copy runs on its own connection, at
        the same time, into a table of this engine's private in-memory database; elsewhere one after the other."""
        if self.vendor != "postgresql":
            return {name: self.load(name, table, columns) for name, (table, columns) in specs.items()}
        from concurrent.futures import ThreadPoolExecutor

        statements = [_copy(name, table, columns) for name, (table, columns) in specs.items()]
        with ThreadPoolExecutor(min(4, len(statements))) as pool:
            for done in [pool.submit(self._run, sql) for sql in statements]:
                done.result()
        return {name: self.backend.table(name) for name in specs}

    def aggregate(self, name: str, table: str, columns: dict[str, str], build: Callable[[Any], Any]) -> Any:
        """Run an aggregation of an app table in the app database; load its (small) result into a DuckDB table.

        `columns` (name → Ibis type, e.g. "int64", "date", "string", "decimal(18, 4)") describe the app table;
        `build` turns it, as an Ibis table, into the filtered, grouped expression. The expression is compiled to the
        app database's SQL and runs there, so the database's indexes serve the filter and only one row per group
        travels, instead of every monthly row being copied into DuckDB first (docs/decisions/0009).
        """
        return self.aggregate_many([(name, table, columns, build)])[0]

    def aggregate_many(self, specs: list[tuple[str, str, dict[str, str], Callable[[Any], Any]]]) -> list[Any]:
        """Several `aggregate`s (name, table, columns, build); on PostgreSQL they run at the same time, each on its
        own connection, so the database works on them in parallel."""
        import ibis

        jobs = []
        for name, table, columns, build in specs:
            expr = build(ibis.table(columns, name=table))
            jobs.append((name, expr, {c: _duckdb_type(t) for c, t in expr.schema().items()}))
        if self.vendor != "postgresql":
            for name, expr, types in jobs:
                self._from_django(name, str(ibis.to_sql(expr, dialect="sqlite")), types)
            return [self.backend.table(name) for name, _, _ in jobs]

        statements = [self._pg_statement(*job) for job in jobs]
        if len(jobs) == 1:
            self._run(statements[0])
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(jobs)) as pool:
                for done in [pool.submit(self._run, sql) for sql in statements]:
                    done.result()
        return [self.backend.table(name) for name, _, _ in jobs]

    def aggregate_later(
        self, name: str, table: str, columns: dict[str, str], build: Callable[[Any], Any]
    ) -> Callable[[], Any]:
        """`aggregate`, started now and waited for when its result is asked for: on PostgreSQL the database works on
        it (on its own connection) while this engine copies other tables; elsewhere it runs at once. The expression
        is built and compiled here; only the database's work runs in the background."""
        if self.vendor != "postgresql":
            done = self.aggregate(name, table, columns, build)
            return lambda: done
        from concurrent.futures import ThreadPoolExecutor

        import ibis

        expr = build(ibis.table(columns, name=table))
        sql = self._pg_statement(name, expr, {c: _duckdb_type(t) for c, t in expr.schema().items()})
        pool = ThreadPoolExecutor(1)
        future = pool.submit(self._run, sql)
        pool.shutdown(wait=False)

        def result() -> Any:
            future.result()
            return self.backend.table(name)

        return result

    def prepare(
        self,
        loads: dict[str, tuple[str, dict[str, str]]],
        aggregates: list[tuple[str, str, dict[str, str], Callable[[Any], Any]]] | None = None,
    ) -> Prepared:
        """Start the `loads` (name → (table, columns), as `load_many`) and `aggregates` (as `aggregate_many`) and
        return at once: on PostgreSQL they run in the background, each on its own connection, while the caller
        builds and compiles its expressions against the tables' known schemas (Ibis and SQL compilation is Python
        work; the copies are the database's and DuckDB's); elsewhere they run before this returns. Run what was
        compiled after `wait()`."""
        import ibis

        tables: dict[str, Any] = {
            name: ibis.table({c: _IBIS_TYPE[t] for c, t in cols.items()}, name=name)
            for name, (_, cols) in loads.items()
        }
        futures: list[Any] = []
        pool: Any = None
        if self.vendor == "postgresql":  # the copies need no compiling: start them before the aggregates are compiled
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(min(6, len(loads) + len(aggregates or [])))
            futures = [pool.submit(self._run, _copy(name, table, cols)) for name, (table, cols) in loads.items()]
        jobs = []
        for name, table, columns, build in aggregates or []:
            expr = build(ibis.table(columns, name=table))
            types = {c: _duckdb_type(t) for c, t in expr.schema().items()}
            tables[name] = ibis.table({c: _IBIS_TYPE[t] for c, t in types.items()}, name=name)
            jobs.append((name, expr, types))
        if self.vendor != "postgresql":
            for name, expr, types in jobs:
                self._from_django(name, str(ibis.to_sql(expr, dialect="sqlite")), types)
            for name, (table, columns) in loads.items():
                self.load(name, table, columns)
            return Prepared(tables, lambda: None)
        futures += [pool.submit(self._run, self._pg_statement(*job)) for job in jobs]
        pool.shutdown(wait=False)

        def wait() -> None:
            for done in futures:
                done.result()

        return Prepared(tables, wait)

    def compile(self, expr: Any) -> str:
        """DuckDB SQL of an Ibis expression (bound or built on `prepare`'s tables)."""
        return str(self.backend.compile(expr))

    @staticmethod
    def _pg_statement(name: str, expr: Any, types: dict[str, str]) -> str:
        import ibis

        casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in types.items())
        sql = ibis.to_sql(expr, dialect="postgres").replace("'", "''")
        # A table of this engine's private in-memory database, not a TEMP one: visible to every connection.
        return f"CREATE OR REPLACE TABLE {name} AS SELECT {casts} FROM postgres_query('app', '{sql}')"

    def _run(self, sql: str) -> None:
        with self.con.cursor() as cur:
            cur.execute(sql)

    def _from_django(self, name: str, sql: str, columns: dict[str, str]) -> None:
        """Rows of `sql` read through Django's connection (SQLite, docs/decisions/0004) into a DuckDB temp table."""
        import pyarrow as pa

        cols = list(columns)
        data: list[list[Any]] = [[] for _ in cols]
        with connection.cursor() as cur:
            cur.execute(sql)
            while chunk := cur.fetchmany(50_000):
                for i, col in enumerate(zip(*chunk, strict=True)):
                    data[i].extend(col)
        arrays = []
        for c, values in zip(cols, data, strict=True):
            kind = columns[c].upper()
            if kind in ("DOUBLE", "BIGINT", "INTEGER", "BOOLEAN"):
                values = [None if v is None else float(v) for v in values]
                arrays.append(pa.array(values, type=pa.float64()))
            else:
                arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string()))
        raw = pa.table(arrays, names=cols)
        casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns.items())
        self.con.register(f"{name}__raw", raw)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {casts} FROM {name}__raw")
        self.con.unregister(f"{name}__raw")

    def table(self, name: str) -> Any:
        return self.backend.table(name)

    def materialise(self, name: str, expr: Any) -> Any:
        """Compute an Ibis expression (or its compiled SQL) once into a DuckDB temp table; return that table (for
        several queries)."""
        sql = expr if isinstance(expr, str) else self.backend.compile(expr)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        return self.backend.table(name)

    def records(self, expr: Any) -> list[dict[str, Any]]:
        """The rows of an Ibis expression (or its compiled SQL) as dicts (NULL is None), fetched by DuckDB itself
        (no pandas)."""
        cur = self.con.execute(expr if isinstance(expr, str) else self.backend.compile(expr))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def records_with(self, shared: dict[str, str], queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
        """The rows of several compiled queries (name → SQL) that read the same tables `shared` (name → SQL), in one
        statement: each shared table is computed once in memory (a materialised CTE) and never written as a table —
        writing a 100,000-row, 40-column temp table costs three times the join itself. Each query's rows come back as
        dicts (NULL is None), an empty list for none."""
        ctes = ", ".join(f'"{name}" AS MATERIALIZED ({sql})' for name, sql in shared.items())
        parts = ", ".join(f'(SELECT list(q) FROM ({sql}) AS q) AS "{key}"' for key, sql in queries.items())
        row = self.con.execute(f"WITH {ctes} SELECT {parts}").fetchone()
        assert row is not None
        return {key: list(rows or []) for key, rows in zip(queries, row, strict=True)}

    def close(self) -> None:
        self.con.close()


def connect(*, database: dict[str, Any] | None = None) -> Engine:
    """A DuckDB connection with the app database attached read-only as `app`."""
    import duckdb
    import ibis

    # connection.settings_dict is the live database (the test database while tests run).
    cfg = database or connection.settings_dict
    engine = cfg["ENGINE"]
    con = duckdb.connect(
        config={
            "extension_directory": str(extension_directory()),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            # The extension is the file pip installed next to duckdb itself (duckdb-ext-postgres), loaded by name
            # from that folder only; checking its signature hashed 50 MB on every connection (0.2 s per analysis)
            # and guards nothing the installed duckdb binary is not already trusted with (docs/decisions/0009).
            "allow_unsigned_extensions": True,
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


# FigureYear (enterprises_figureyear): one row per enterprise, source and year, a column per month in whole 元 and a
# bitmask of the months with a figure, kept by the database's triggers on the monthly figures (docs/decisions/0012).
# Sums over a window of months read two rows per enterprise and source instead of up to 24 monthly rows, and add
# integers instead of decimals.
FIGURE_YEAR = "enterprises_figureyear"
YUAN_PER_WAN = 10000


def figure_year_columns() -> dict[str, str]:
    """FigureYear's columns as Ibis types (for `Engine.aggregate`)."""
    from chanye.enterprises.models import FIGURE_YEAR_MEASURES

    cols = {"enterprise_id": "int64", "source": "string", "year": "int64"}
    for p, _, _ in FIGURE_YEAR_MEASURES:
        cols.update({f"{p}_{m:02d}": "int64" for m in range(1, 13)})
        cols[f"{p}_months"] = "int64"
    return cols


def _months(first: dt.date, last: dt.date) -> dict[int, list[int]]:
    """The months from `first` to `last` (both included) as year → month numbers."""
    out: dict[int, list[int]] = {}
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.setdefault(y, []).append(m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class Measure:
    """A FigureYear measure: its value in month m of a row (元) and the row's bitmask of months that have one."""

    value: Callable[[Any, int], Any]
    months: Callable[[Any], Any]

    def otherwise(self, other: Measure) -> Measure:
        """This measure, else `other`, month by month (营业收入, else 开票销售额)."""
        return Measure(
            lambda t, m: self.value(t, m).fill_null(other.value(t, m)), lambda t: self.months(t) | other.months(t)
        )


def measure(prefix: str) -> Measure:
    """A FigureYear measure by its prefix (output, revenue, invoice, rd)."""
    return Measure(lambda t, m: t[f"{prefix}_{m:02d}"], lambda t: t[f"{prefix}_months"])


def _bits(months: list[int]) -> int:
    return sum(1 << (m - 1) for m in months)


def sum_over(t: Any, what: Measure, first: dt.date, last: dt.date) -> Any:
    """Aggregate: the sum of the months from `first` to `last` over an enterprise's rows, in 万元; NULL when none of
    those months has a figure (as a sum of its monthly rows would be)."""
    import functools

    import ibis

    branches = []
    for year, months in _months(first, last).items():
        total = functools.reduce(lambda a, b: a + b, [what.value(t, m).fill_null(0) for m in months])
        present = (what.months(t) & _bits(months)) != 0
        branches.append((t.year == year, ibis.ifelse(present, total, ibis.null())))
    if not branches:
        return ibis.null().cast("float64")
    return ibis.cases(*branches).sum().cast("float64") / YUAN_PER_WAN


def any_in(t: Any, what: Measure, first: dt.date, last: dt.date) -> Any:
    """Aggregate: whether any month from `first` to `last` has a figure in an enterprise's rows."""
    import ibis

    branches = [
        (t.year == year, (what.months(t) & _bits(months)) != 0) for year, months in _months(first, last).items()
    ]
    return ibis.cases(*branches, else_=False).any() if branches else ibis.literal(False)


def value_in(t: Any, what: Measure, month: dt.date) -> Any:
    """Aggregate: the month's figure of an enterprise (in the row of its year), in 万元; NULL without one."""
    import ibis

    return (
        ibis.ifelse(t.year == month.year, what.value(t, month.month), ibis.null()).max().cast("float64") / YUAN_PER_WAN
    )

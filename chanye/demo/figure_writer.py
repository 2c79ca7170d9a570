"""Bulk insertion of the demo's monthly figures: COPY on PostgreSQL, executemany elsewhere (used by `generator`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from chanye.enterprises.models import MonthlyFigure

_FIELDS = [
    "output",
    "revenue",
    "main_revenue",
    "profit",
    "tax",
    "employees",
    "rd_expense",
    "electricity",
    "invoice_sales",
]
_Q = Decimal("0.0001")


class FigureWriter:
    """Buffers rows and writes them with COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.total = 0
        self.table = MonthlyFigure._meta.db_table
        self.now = dt.datetime.now(dt.UTC)

    def add(self, enterprise_id: int, month: dt.date, source: str, values: dict) -> None:
        row = [enterprise_id, month, source]
        for f in _FIELDS:
            v = values.get(f)
            row.append(None if v is None else (Decimal(int(v)) if f == "employees" else Decimal(v).quantize(_Q)))
        row.append(self.now)
        self.rows.append(tuple(row))
        if len(self.rows) >= 50000:
            self._write()

    def _write(self) -> None:
        if not self.rows:
            return
        cols = ["enterprise_id", "month", "source", *_FIELDS, "updated_at"]
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with (
                connection.connection.cursor() as raw,
                raw.copy(f"COPY {self.table} ({', '.join(cols)}) FROM STDIN") as copy,
            ):
                for r in self.rows:
                    copy.write_row(r)
        else:
            sql = f"INSERT INTO {self.table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            with connection.cursor() as cur:
                ops = connection.ops
                now = ops.adapt_datetimefield_value(self.now)
                cur.executemany(
                    sql,
                    [
                        (
                            r[0],
                            ops.adapt_datefield_value(r[1]),
                            r[2],
                            *(None if v is None else str(v) for v in r[3:-1]),
                            now,
                        )
                        for r in self.rows
                    ],
                )
        self.total += len(self.rows)
        self.rows = []

    def flush(self) -> int:
        self._write()
        return self.total

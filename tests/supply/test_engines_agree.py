"""Every invoice expression gives the same result on DuckDB and on PySpark in local mode over the same generated
month (DESIGN.md: the same Ibis expressions run on PySpark when a province outgrows one machine)."""

from __future__ import annotations

import shutil

import pytest

from chanye.core.access import SYSTEM
from chanye.supply.analytics import local_share
from chanye.supply.invoice_import import import_invoices
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="PySpark needs Java (installed on CI machines)"),
]


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))
    return tmp_path / "invoices"


def test_local_share_is_the_same_on_duckdb_and_pyspark(regions, store_dir, tmp_path):
    pytest.importorskip("pyspark")
    c = world(regions)
    assert import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM).ok
    duck = local_share("2026-03", engine="duckdb")
    spark = local_share("2026-03", engine="spark")
    assert duck == spark
    assert {r["uscc"]: r["local_share"] for r in spark} == {c["A"]: 31.58, c["B"]: 50.0}

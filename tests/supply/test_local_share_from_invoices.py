"""XN-LZ-2 本地配套率 from invoice lines: hand-worked figures (tests/supply/invoice_world.py), through the import
and `chanye supply local-share`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from chanye.core.access import SYSTEM
from chanye.supply.analytics import local_share
from chanye.supply.invoice_import import import_invoices
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))
    return tmp_path / "invoices"


def test_local_and_same_county_shares_match_the_hand_worked_month(regions, store_dir, tmp_path):
    c = world(regions)
    out = import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM)
    assert out.ok, out.errors
    assert out.stored == 10 and out.months == ["2026-03", "2026-04"]
    got = {r["uscc"]: r for r in local_share("2026-03")}
    assert set(got) == {c["A"], c["B"]}  # X3 buys too, but is not a registry firm
    a, b = got[c["A"]], got[c["B"]]
    assert (a["total_amount"], a["local_amount"], a["local_share"]) == (19.0, 6.0, 31.58)
    assert (a["same_county_amount"], a["same_county_share"]) == (4.0, 21.05)
    assert (b["total_amount"], b["local_amount"], b["local_share"]) == (10.0, 5.0, 50.0)
    assert (b["same_county_amount"], b["same_county_share"]) == (0.0, 0.0)


def test_the_command_prints_one_json_line_per_buying_firm(regions, store_dir, tmp_path):
    c = world(regions)
    import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM)
    buf = StringIO()
    call_command("supply", "local-share", "--month", "2026-04", stdout=buf)
    rows = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert rows == [
        {
            "uscc": c["A"],
            "month": "2026-04",
            "local_amount": 0.5,
            "total_amount": 0.5,
            "local_share": 100.0,
            "same_county_amount": 0.5,
            "same_county_share": 100.0,
        }
    ]


def test_a_month_without_invoices_is_refused_in_words(regions, store_dir):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-05 没有发票明细"):
        call_command("supply", "local-share", "--month", "2026-05")


def test_reimporting_a_month_replaces_it(regions, store_dir, tmp_path):
    c = world(regions)
    import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM)
    # March again, now A only bought 8,000 元 from S1: March is replaced whole, April is kept.
    again = [[c["S1"], c["A"], "", "", "2026-03-31", "零件", "8000", ""]]
    out = import_invoices(write_csv(tmp_path / "m2.csv", again), user=SYSTEM)
    assert out.ok and out.months == ["2026-03"]
    assert local_share("2026-03") == [
        {
            "uscc": c["A"],
            "month": "2026-03",
            "local_amount": 0.8,
            "total_amount": 0.8,
            "local_share": 100.0,
            "same_county_amount": 0.8,
            "same_county_share": 100.0,
        }
    ]
    assert [r["total_amount"] for r in local_share("2026-04")] == [0.5]


def test_purchases_cancelled_by_red_letter_lines_have_no_share(regions, store_dir, tmp_path):
    c = world(regions)
    rows = [
        [c["X2"], c["A"], "420100", "", "2026-03-02", "零件", "1000", ""],
        [c["X2"], c["A"], "420100", "", "2026-03-03", "零件", "-1000", ""],
    ]
    import_invoices(write_csv(tmp_path / "r.csv", rows), user=SYSTEM)
    [a] = local_share("2026-03")
    assert a["total_amount"] == 0.0 and a["local_share"] is None


def test_the_nowcast_sums_the_invoiced_sales_of_firms_not_yet_above_scale(regions, store_dir, tmp_path):
    """XN-GS-6 where statistics are late: S1 (not 规上) sold A 1 万 and B 5 万 in March, A 0.5 万 in April; its
    monthly 开票销售额 go in under 发票明细 as soon as the lines are imported; a 规上 seller's do not; running it again
    changes nothing."""
    import datetime as dt
    from decimal import Decimal

    from chanye.enterprises.models import Enterprise, MonthlyFigure
    from chanye.supply.services import do_nowcast

    c = world(regions)
    Enterprise.objects.filter(uscc=c["S2"]).update(is_above_scale=True)
    outcome = import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM)
    assert any("1 家未规上企业的开票销售额已写入" in m["text"] for m in outcome.summary)
    got = {
        (uscc, m): v
        for uscc, m, v in MonthlyFigure.objects.filter(source="invoices").values_list(
            "enterprise__uscc", "month", "invoice_sales"
        )
    }
    assert got == {
        (c["S1"], dt.date(2026, 3, 1)): Decimal("6.0000"),
        (c["S1"], dt.date(2026, 4, 1)): Decimal("0.5000"),
    }
    again = do_nowcast(actor=SYSTEM, months=["2026-03", "2026-04"])
    assert (again.firms, again.created, again.updated, again.unchanged) == (1, 0, 0, 2)


@pytest.mark.django_db(transaction=True)
def test_the_threshold_reminder_reads_the_invoice_nowcast_where_no_sheet_has_the_months(mini_pack, regions, tmp_path):
    """A firm with no 税务/统计/自报 figures whose own invoices reach 2000 万元 over 12 months is reminded (XN-GS-6)."""
    import datetime as dt

    from chanye.cultivation.analysis import analyze
    from chanye.cultivation.models import Alert
    from chanye.enterprises.models import Enterprise
    from chanye.supply.services import do_nowcast

    c = world(regions)
    rows = [[c["S1"], c["A"], "", "", f"2026-{m:02d}-10", "零件", "2500000", ""] for m in range(1, 9)]  # 8 × 250 万
    assert import_invoices(write_csv(tmp_path / "n.csv", rows), user=SYSTEM).ok
    do_nowcast(actor=SYSTEM, months=[f"2026-{m:02d}" for m in range(1, 9)])
    analyze(dt.date(2026, 8, 1))
    s1 = Enterprise.objects.get(uscc=c["S1"])
    assert set(Alert.objects.filter(enterprise=s1).values_list("kind", flat=True)) == {"reached"}

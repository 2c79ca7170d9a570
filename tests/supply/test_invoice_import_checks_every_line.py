"""The invoice import: a small file with a bad line writes nothing and says row, column, value and reason; a large
one stores its good lines and lists the bad ones in a rejected-lines file; CSV (UTF-8 or GBK), .xlsx and Parquet read
alike; what the file lacks is said."""

from __future__ import annotations

import csv

import pytest

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog, ImportBatch
from chanye.supply import invoice_import, store
from chanye.supply.analytics import local_share
from chanye.supply.invoice_import import import_invoices
from tests.supply.invoice_world import HEADER, lines, world, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANYE_INVOICE_DIR", str(tmp_path / "invoices"))
    return tmp_path / "invoices"


def _bad_lines(c):
    good = lines(c)
    bad_check = c["S1"][:17] + ("0" if c["S1"][17] != "0" else "1")
    return [
        *good[:3],
        [bad_check, c["A"], "", "", "2026-03-02", "零件", "100", ""],  # row 5: check character
        [c["S1"], c["A"], "", "", "2026-13-02", "零件", "100", ""],  # row 6: no such month
        [c["S1"], c["A"], "", "", "2026-03-02", "零件", "一百", ""],  # row 7: amount in words
        [c["S1"], c["A"], "4212", "", "2026-03-02", "零件", "100", ""],  # row 8: region code of 4 digits
        [c["S1"], c["S1"], "", "", "2026-03-02", "零件", "100", ""],  # row 9: buys from itself
        [c["S1"], "91421202MA4F0000OO", "", "", "2026-03-02", "零件", "100", ""],  # row 10: letters O
    ]


def test_a_small_file_with_bad_lines_writes_nothing_and_names_each(regions, store_dir, tmp_path):
    c = world(regions)
    out = import_invoices(write_csv(tmp_path / "bad.csv", _bad_lines(c)), user=SYSTEM)
    assert not out.ok and out.stored == 0
    assert store.months() == []
    got = {(e["row"], e["column"]): e for e in out.errors}
    assert set(got) == {
        (5, "销方统一社会信用代码"),
        (6, "开票日期"),
        (7, "金额"),
        (8, "销方地区代码"),
        (9, "销方统一社会信用代码"),
        (10, "购方统一社会信用代码"),
    }
    assert got[(5, "销方统一社会信用代码")]["message"].startswith("校验位错误：按前17位计算应为")
    assert got[(6, "开票日期")]["value"] == "2026-13-02" and "无法识别" in got[(6, "开票日期")]["message"]
    assert got[(7, "金额")]["message"] == "金额不是数字"
    assert "6位数字" in got[(8, "销方地区代码")]["message"]
    assert got[(9, "销方统一社会信用代码")]["message"] == "销方与购方是同一家企业"
    assert "不用 I、O、Z、S、V" in got[(10, "购方统一社会信用代码")]["message"]
    batch = ImportBatch.objects.get(pk=out.batch.pk)
    assert batch.status == ImportBatch.Status.INVALID and batch.created == 0 and len(batch.errors) == 6
    assert AuditLog.objects.filter(object_id=str(batch.pk), action="import").exists()


def test_a_large_file_keeps_its_good_lines_and_lists_the_bad_ones(regions, store_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(invoice_import, "SMALL_FILE_LINES", 5)
    c = world(regions)
    out = import_invoices(write_csv(tmp_path / "big.csv", _bad_lines(c)), user=SYSTEM)
    assert out.ok and out.stored == 3 and out.rejected == 6
    assert out.batch.status == ImportBatch.Status.DONE and out.batch.created == 3
    with out.rejected_file.open(encoding="utf-8-sig") as f:
        rejected = list(csv.DictReader(f))
    assert [r["行号"] for r in rejected] == ["5", "6", "7", "8", "9", "10"]
    assert rejected[2]["列"] == "金额" and rejected[2]["值"] == "一百" and rejected[2]["原因"] == "金额不是数字"
    assert any(str(out.rejected_file) in n["text"] and "6 行有错误" in n["text"] for n in out.summary)
    [a] = local_share("2026-03")
    assert a["total_amount"] == 6.0  # S1 1万, S2 2万, X1 3万


def test_gbk_csv_xlsx_and_parquet_give_the_same_figures(regions, store_dir, tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    c = world(regions)
    rows = lines(c)
    expected = None
    gbk = write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append([*r[:6], float(r[6].replace(",", "")), None])
    wb.save(tmp_path / "x.xlsx")
    keys = ["seller_uscc", "buyer_uscc", "seller_region", "buyer_region", "date", "product", "amount", "tax"]
    table = pa.table({k: [r[i] or None for r in rows] for i, k in enumerate(keys)})
    pq.write_table(
        table.set_column(6, "amount", pa.array([float(r[6].replace(",", "")) for r in rows])), tmp_path / "x.parquet"
    )
    for path in (gbk, tmp_path / "x.xlsx", tmp_path / "x.parquet"):
        out = import_invoices(path, user=SYSTEM)
        assert out.ok and out.stored == 10, (path.name, out.errors)
        figures = local_share("2026-03")
        expected = expected or figures
        assert figures == expected, path.name
    assert {r["uscc"]: r["local_share"] for r in expected} == {c["A"]: 31.58, c["B"]: 50.0}


def test_amounts_in_wan_yuan_are_converted_and_unknown_columns_named(regions, store_dir, tmp_path):
    c = world(regions)
    header = ["购方税号", "销方税号", "开票日期", "金额（万元）", "发票号码"]
    rows = [[c["A"], c["S1"], "2026-03-02", "1.5", "0001"]]
    out = import_invoices(write_csv(tmp_path / "w.csv", rows, header=header), user=SYSTEM)
    assert out.ok
    [a] = local_share("2026-03")
    assert a["total_amount"] == 1.5
    texts = " ".join(n["text"] for n in out.summary)
    assert "未使用的列：发票号码" in texts
    assert "没有“销方地区代码”列" in texts
    assert "外购产品无法对应到产业链环节" in texts


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["购方税号", "开票日期", "金额"], "缺少必需的列：销方统一社会信用代码"),
        (["购方税号", "销方税号", "开票日期", "金额（美元）"], "单位“美元”无法识别"),
    ],
)
def test_a_file_missing_a_required_column_is_refused_in_words(regions, store_dir, tmp_path, header, message):
    out = import_invoices(write_csv(tmp_path / "h.csv", [["x"] * len(header)], header=header), user=SYSTEM)
    assert not out.ok and message in out.errors[0]["message"] and out.errors[0]["row"] == 0


def test_an_unsupported_file_type_is_refused_in_words(regions, store_dir, tmp_path):
    p = tmp_path / "x.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0")
    out = import_invoices(p, user=SYSTEM)
    assert not out.ok and "另存为” .xlsx" in out.errors[0]["message"]


def test_the_import_command_runs_the_invoice_import(regions, store_dir, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    c = world(regions)
    buf = StringIO()
    call_command("import", "invoices", str(write_csv(tmp_path / "m.csv", lines(c))), stdout=buf)
    assert "导入完成：10 行，保存 10 行。" in buf.getvalue()
    assert store.months() == ["2026-03", "2026-04"]


def test_an_invoice_batch_is_listed_on_the_import_page(regions, users, client, tmp_path):
    c = world(regions)
    out = import_invoices(write_csv(tmp_path / "发票.csv", lines(c)), user=users["admin"])
    client.force_login(users["admin"])
    page = client.get("/imports/").content.decode()
    assert "发票.csv" in page and "增值税发票明细" in page
    assert f"/imports/{out.batch.pk}/" in page

"""XN-GS-7 退规风险企业库: every 规上 firm whose previous-year output is 3000万元 or less (“3000万元以下” includes 3000)
is listed, warned or not; the list is scoped to the user's county and exports to .xlsx with an audit row.

Hand-built firms (统计 output of 2024, 万元):
  edge     咸安  规上  12 × 250            = 3000       listed (the bound itself)
  over     咸安  规上  11 × 250 + 250.0001 = 3000.0001  not listed
  partial  咸安  规上   4 × 300            = 1200       listed (4 months reported)
  small    嘉鱼  规上  12 × 40             =  480       listed
  below    咸安  not 规上, 12 × 10         =  120       not listed
  unknown  咸安  规上, 2025 figures only                 not listed (no 2024 output to place it)
  taxonly  咸安  规上, 2024 tax output 100, 统计 5000   not listed (统计 output only)
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from chanye.cultivation.exit_risk import exit_risk_library, exit_risk_line
from chanye.cultivation.models import Alert
from chanye.enterprises.models import MonthlyFigure
from chanye.industry.models import Threshold
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
YEAR = 2024


def firm(name, county, monthly, *, above=True, source="stats", year=YEAR):
    e = EnterpriseFactory(name=name, county=county, is_above_scale=above)
    for i, v in enumerate(monthly, start=1):
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(year, i, 1), source=source, output=Decimal(v))
    return e


@pytest.fixture
def library(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    f = {
        "edge": firm("边界机电", xa, ["250"] * 12),
        "over": firm("超线机电", xa, ["250"] * 11 + ["250.0001"]),
        "partial": firm("半年机电", xa, ["300"] * 4),
        "small": firm("嘉鱼小厂", jy, ["40"] * 12),
        "below": firm("规下小厂", xa, ["10"] * 12, above=False),
        "unknown": firm("新数机电", xa, ["100"] * 3, year=2025),
        "taxonly": firm("税务机电", xa, ["100"], source="tax"),
    }
    for i in range(1, 13):
        MonthlyFigure.objects.create(enterprise=f["taxonly"], month=dt.date(YEAR, i, 1), output=Decimal("5000") / 12)
    Alert.objects.create(kind="exit_risk", enterprise=f["edge"], month=dt.date(2025, 3, 1), rule="XN-GS-7")
    Alert.objects.create(
        kind="exit_risk", enterprise=f["partial"], month=dt.date(2025, 2, 1), rule="XN-GS-7", status="closed"
    )
    return f


def names(qs):
    return [e.name for e in qs]


def test_xn_gs_7_lists_every_firm_at_or_below_3000_lowest_first(library, users):
    assert exit_risk_line() == 3000  # the pack's exit_risk_output (the same default without a pack)
    qs = exit_risk_library(user=users["admin"], year=YEAR)
    assert names(qs) == ["嘉鱼小厂", "半年机电", "边界机电"]
    by = {e.name: e for e in qs}
    assert by["边界机电"].prev_output == Decimal("3000") and by["边界机电"].prev_months == 12
    assert by["半年机电"].prev_output == Decimal("1200") and by["半年机电"].prev_months == 4
    assert by["边界机电"].has_open_alert and not by["半年机电"].has_open_alert  # its warning is closed


def test_xn_gs_7_line_comes_from_the_pack(library, users):
    Threshold.objects.update_or_create(
        key="exit_risk_output", defaults={"label": "退规风险企业库", "value": Decimal("1200"), "rule": "XN-GS-7"}
    )
    assert names(exit_risk_library(user=users["admin"], year=YEAR)) == ["嘉鱼小厂", "半年机电"]  # 1200 included


def test_xn_gs_7_other_years_read_their_own_output(library, users):
    assert names(exit_risk_library(user=users["admin"], year=2025)) == ["新数机电"]  # 300 in 2025


def test_xn_gs_7_a_county_officer_sees_only_the_county(library, users):
    assert names(exit_risk_library(user=users["jiayu"], year=YEAR)) == ["嘉鱼小厂"]
    assert names(exit_risk_library(user=users["xianan"], year=YEAR)) == ["半年机电", "边界机电"]


def test_xn_gs_7_page_shows_the_library(library, users, login):
    resp = login(users["admin"]).get(f"/cultivation/exit-risk/?year={YEAR}")
    text = resp.content.decode()
    assert resp.status_code == 200 and "退规风险企业库" in text
    assert "在库 3 家，其中有未办结退规风险预警 1 家" in text
    assert "边界机电" in text and "超线机电" not in text and "规下小厂" not in text
    xa_code = library["edge"].county.code
    resp = login(users["admin"]).get(f"/cultivation/exit-risk/?year={YEAR}&county={xa_code}")
    assert "嘉鱼小厂" not in resp.content.decode() and "边界机电" in resp.content.decode()
    resp = login(users["jiayu"]).get(f"/cultivation/exit-risk/?year={YEAR}&county={xa_code}")
    assert "嘉鱼小厂" in resp.content.decode() and "边界机电" not in resp.content.decode()  # county ignored


def test_xn_gs_7_export_rows_and_audit(library, users, login):
    resp = login(users["xianan"]).get(f"/cultivation/exit-risk.xlsx?year={YEAR}")
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][3] == "2024年产值(万元)"
    assert [(r[1], r[3], r[4], r[5]) for r in rows[1:]] == [("半年机电", 1200, 4, None), ("边界机电", 3000, 12, "有")]
    assert AuditLog.objects.filter(action="export", message__startswith="导出退规风险企业库2024").exists()

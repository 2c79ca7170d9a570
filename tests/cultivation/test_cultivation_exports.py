"""The 小升规 progress and the tier ladder export to .xlsx, scoped like their pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chanye.enterprises.models import Honour, ScalePeriod
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _rows(client, what):
    resp = client.get(f"/cultivation/{what}.xlsx")
    assert resp.status_code == 200
    return list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))


def test_quota_export_has_each_county_against_its_quota(users, regions, login):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(timezone.localdate().year, 2, 1))
    rows = _rows(login(users["admin"]), "quota")
    by = {r[0]: r for r in rows[1:]}
    assert rows[0][2].endswith("年新增规上") and by["咸安区"][2] == 1 and by["咸安区"][3] == 45  # XN-GS-3 quota
    assert [r[0] for r in _rows(login(users["jiayu"]), "quota")[1:]] == ["嘉鱼县"]


def test_tier_export_counts_each_tier_per_county(users, regions, login):
    for _ in range(2):
        Honour.objects.create(
            enterprise=EnterpriseFactory(county=regions["嘉鱼县"]), kind="specialized", level="province"
        )
    rows = _rows(login(users["admin"]), "tiers")
    col = rows[0].index("专精特新中小企业")
    assert {r[0]: r[col] for r in rows[1:]}["嘉鱼县"] == 2
    assert _rows(login(users["admin"]), "tier-candidates")[0][0] == "拟申报梯度"

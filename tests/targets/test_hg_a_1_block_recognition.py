"""HG-A-1 “制定市级块状经济认定办法,每年认定一次制造基地”: every 块状经济 base is listed each year with the year's
output against the pack's tier (黄冈: 产值过10亿元 — 过 excludes the number), the city records 认定 / 不予认定 with
its document number, a decision against the tier needs a reason, only the city decides, the bases the city registers
survive a pack reload, and page and export show the same rows. Figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.enterprises.models import MonthlyFigure
from chanye.industry.models import Cluster, Target
from chanye.regions.models import Region
from chanye.targets import block_economy, indicators
from chanye.targets.models import BlockRecognition, IndicatorValue
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import load_pack

YEAR = 2025
YI = 10000  # 万元 per 亿元


def base_with_output(name: str, county: str, output_yi: list[int]) -> Cluster:
    """A base registered by the city whose member firms produce `output_yi` 亿元 each in June of YEAR."""
    region = Region.objects.get(name=county)
    base = block_economy.do_register_base(actor=SYSTEM, name=name, county=region)
    for out in output_yi:
        e = EnterpriseFactory(county=region)
        e.clusters.add(base)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(YEAR, 6, 1), output=Decimal(out * YI))
    return base


@pytest.mark.django_db(transaction=True)
def test_hg_a_1_each_base_is_tested_against_the_tier_with_the_years_cluster_output():
    load_pack("huanggang")
    a = base_with_output("黄州测试基地甲", "黄州区", [7, 5])  # 12亿: passes
    b = base_with_output("麻城测试基地乙", "麻城市", [10])  # exactly 10亿: 过 excludes it
    c = base_with_output("浠水测试基地丙", "浠水县", [9])
    d = base_with_output("英山测试基地丁", "英山县", [])  # no firms yet
    indicators.refresh(dt.date(YEAR, 12, 1))
    rows = block_economy.rows(YEAR)
    assert [(r.cluster.name, r.output, r.meets) for r in rows] == [
        (a.name, Decimal("12"), True),
        (b.name, Decimal("10"), False),
        (c.name, Decimal("9"), False),
        (d.name, None, False),
    ]
    assert not any(r.partial_year for r in rows if r.output is not None)
    # the pack's own 30-base target counts the same family and tier
    target = Target.objects.get(code="hg-t-1-block-economy-over-10yi")
    counted = IndicatorValue.objects.get(
        indicator=target.indicator, params_key=target.series_key, period=dt.date(YEAR, 12, 1)
    )
    assert counted.value == 1

    rec = block_economy.do_decide(
        actor=SYSTEM, cluster=a, year=YEAR, decision="recognised", document_no="黄政发〔2025〕1号"
    )
    assert (rec.output, rec.meets, rec.document_no) == (Decimal("12"), True, "黄政发〔2025〕1号")
    with pytest.raises(ValidationError, match="未达到认定门槛"):
        block_economy.do_decide(actor=SYSTEM, cluster=b, year=YEAR, decision="recognised")
    block_economy.do_decide(
        actor=SYSTEM, cluster=b, year=YEAR, decision="recognised", note="认定办法另有规定：亩均产出达标"
    )
    with pytest.raises(ValidationError, match="已达到认定门槛"):
        block_economy.do_decide(actor=SYSTEM, cluster=a, year=YEAR, decision="refused")
    block_economy.do_decide(actor=SYSTEM, cluster=c, year=YEAR, decision="refused")
    assert block_economy.recognised_count(YEAR) == 2
    assert AuditLog.objects.filter(object_type__icontains="blockrecognition").count() >= 3

    # a pack reload keeps the bases the city registered (the pack names none of them)
    load_pack("huanggang")
    assert Cluster.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk], is_active=True).count() == 4


@pytest.mark.django_db
def test_hg_a_1_only_the_city_decides_and_a_year_not_closed_says_through_which_month(users, regions):
    base = block_economy.do_register_base(actor=SYSTEM, name="咸安测试块状经济", county=regions["咸安区"])
    IndicatorValue.objects.create(indicator="cluster_output", cluster=base, period=dt.date(YEAR, 6, 1), value=11)
    row = block_economy.rows(YEAR)[0]
    assert (row.output, row.meets, row.partial_year, row.through) == (Decimal(11), True, True, dt.date(YEAR, 6, 1))
    for role in ("xianan", "viewer"):
        with pytest.raises(PermissionDenied):
            block_economy.do_decide(actor=users[role], cluster=base, year=YEAR, decision="recognised")
        with pytest.raises(PermissionDenied):
            block_economy.do_register_base(actor=users[role], name="越权基地", county=regions["咸安区"])
    assert not BlockRecognition.objects.exists()
    with pytest.raises(ValidationError, match="不是块状经济基地"):
        block_economy.do_decide(
            actor=users["admin"], cluster=Cluster.objects.exclude(family="other").first(), year=YEAR, decision="refused"
        )


@pytest.mark.django_db
def test_hg_a_1_page_and_export_show_the_same_rows_and_packs_without_it_have_no_page(users, regions, client):
    from openpyxl import load_workbook

    base = block_economy.do_register_base(actor=SYSTEM, name="咸安测试块状经济", county=regions["咸安区"])
    IndicatorValue.objects.create(indicator="cluster_output", cluster=base, period=dt.date(YEAR, 12, 1), value=15)
    client.force_login(users["admin"])
    r = client.post(
        "/assessment/blocks/",
        {"year": YEAR, "cluster": base.pk, "decision": "recognised", "document_no": "咸政〔2025〕9号"},
    )
    assert r.status_code == 302
    page = client.get(f"/assessment/blocks/?year={YEAR}").content.decode()
    assert "咸安测试块状经济" in page and "咸政〔2025〕9号" in page and "已认定 1 个" in page
    ws = load_workbook(io.BytesIO(client.get(f"/assessment/blocks/export.xlsx?year={YEAR}").content)).active
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows == [("咸安测试块状经济", "咸安区", 15, "2025年12月", "是", "认定", "咸政〔2025〕9号", None, None)]
    # a county officer reads the list but cannot decide
    client.force_login(users["xianan"])
    assert "咸安测试块状经济" in client.get(f"/assessment/blocks/?year={YEAR}").content.decode()
    assert (
        client.post("/assessment/blocks/", {"year": YEAR, "cluster": base.pk, "decision": "refused"}).status_code == 404
    )
    assert BlockRecognition.objects.get().decision == "recognised"

    from chanye.industry.services import do_load_pack
    from tests.conftest import ROOT

    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml")  # 鄂州's text has no 块状经济 recognition
    assert client.get("/assessment/blocks/").status_code == 404

"""The 梯队名单 page and its export (EZ-T-1, HG-T-1, YY-T-1, YY-P-1), on the test pack's tiers: a county officer sees
only their county's firms and projects while the cluster aggregates stay city-wide; the .xlsx rows are the page's
rows; the 目标 page links the lists when the pack has tiers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from chanye.industry.models import Pack
from tests.factories import ProjectFactory
from tests.targets.echelon_world import firm, lists, names, region

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_sides(mini_pack):
    # mini-enterprise-2000wan: revenue ≥ 2000万元 = 0.2亿; mini-project-1yi: investment ≥ 1亿;
    # mini-block-10yi: cluster output > 10亿 (9亿 = 90 %: 后备)
    firm("咸安一号机电", "咸安区", revenue="1")
    firm("嘉鱼二号化工", "嘉鱼县", revenue="0.19", output="9", clusters=("food",))  # 0.19 ≥ 0.16: 后备
    ProjectFactory(name="咸安智能装备项目", county=region("咸安区"), investment=Decimal("3"))
    ProjectFactory(name="嘉鱼化工新材料项目", county=region("嘉鱼县"), investment=Decimal("0.8"))  # 80 %: 后备


def test_a_county_officer_sees_only_own_firms_and_projects(two_sides, users):
    own = lists(users["xianan"])
    assert names(own["mini-enterprise-2000wan"]) == (["咸安一号机电"], [])
    assert names(own["mini-project-1yi"]) == (["咸安智能装备项目"], [])
    assert own["mini-enterprise-2000wan"].scoped and own["mini-project-1yi"].scoped
    city = lists(users["admin"])
    assert names(city["mini-enterprise-2000wan"]) == (["咸安一号机电"], ["嘉鱼二号化工"])
    assert names(city["mini-project-1yi"]) == (["咸安智能装备项目"], ["嘉鱼化工新材料项目"])


def test_cluster_aggregates_are_city_wide_for_a_county_officer(two_sides, users):
    # 嘉鱼's firm makes the 食品饮料 cluster's 9亿: the 咸安 officer sees the aggregate, not the firm
    own, city = lists(users["xianan"]), lists(users["admin"])
    assert names(own["mini-block-10yi"]) == names(city["mini-block-10yi"]) == ([], ["食品饮料产业集群"])
    assert not own["mini-block-10yi"].scoped


def _sheet_rows(resp) -> list[tuple]:
    ws = load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
    return list(ws.iter_rows(min_row=3, values_only=True))  # after the title and the header


def test_the_export_rows_are_the_page_rows(two_sides, users, client):
    client.force_login(users["xianan"])
    page = client.get(reverse("targets:echelons"))
    assert page.status_code == 200
    shown = [(e.tier.name, status, x.name, x.figure) for e in page.context["data"].echelons for status, x in e.rows]
    assert ("营业收入2000万元级企业", "达到", "咸安一号机电", Decimal("1")) in shown
    assert "嘉鱼二号化工" not in page.content.decode()
    resp = client.get(reverse("targets:echelons_export"))
    rows = [(r[0], r[4], r[5], Decimal(str(r[8]))) for r in _sheet_rows(resp) if r[4] in ("达到", "后备")]
    assert rows == shown
    assert AuditLog.objects.filter(action="export", message="导出梯队名单").count() == 1


def test_the_targets_page_links_the_lists_only_when_the_pack_has_tiers(mini_pack, users, client):
    client.force_login(users["admin"])
    assert reverse("targets:echelons") in client.get(reverse("targets:tree")).content.decode()
    pack = Pack.objects.get(is_active=True)
    pack.content = {**pack.content, "tiers": []}
    pack.save(update_fields=["content"])
    assert reverse("targets:echelons") not in client.get(reverse("targets:tree")).content.decode()
    page = client.get(reverse("targets:echelons"))  # the page says why there is no list; the export has nothing
    assert page.status_code == 200 and "本市政策包没有写明规模梯队" in page.content.decode()
    assert client.get(reverse("targets:echelons_export")).status_code == 404

"""XN-LZ-11 on the chain: the city names the chain's one lead bank (audited), the city and county officers mark the
enterprises of their unit as served, viewers change nothing; the forms of the chain's finance page work and the chain
page and /api/v1/chains/ show the bank with its coverage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chanye.chains import finance
from chanye.chains.models import ChainCredit
from chanye.core.models import AuditLog
from tests.factories import ChainFactory, ChainLinkFactory, EnterpriseFactory, LinkEnterpriseFactory

pytestmark = pytest.mark.django_db
SINCE = dt.date(2025, 4, 1)


@pytest.fixture
def chain():
    return ChainFactory(name="医药卫材产业链")


@pytest.fixture
def firms(chain, regions):
    """Two enterprises of 咸安 and one of 嘉鱼 on the chain."""
    link = ChainLinkFactory(chain=chain)
    out = {
        "xa1": EnterpriseFactory(county=regions["咸安区"], name="咸安卫材一厂"),
        "xa2": EnterpriseFactory(county=regions["咸安区"], name="咸安卫材二厂"),
        "jy": EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼卫材厂"),
    }
    for e in out.values():
        LinkEnterpriseFactory(link=link, enterprise=e)
    return out


def _msgs(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_xn_lz_11_only_the_city_names_the_bank_and_it_is_audited_once(users, chain):
    for who in ("xianan", "viewer"):
        with pytest.raises(PermissionDenied):
            finance.do_set_lead_bank(actor=users[who], chain=chain, bank="甲银行", since=SINCE)
    with pytest.raises(ValidationError, match="主办银行名称"):
        finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="  ", since=SINCE)
    finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="甲银行", since=SINCE)
    finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="甲银行", since=SINCE)  # unchanged: no row
    rows = AuditLog.objects.filter(object_type="chains.chain", object_id=str(chain.pk), action="update")
    assert [(r.after, "XN-LZ-11" in r.message) for r in rows] == [
        ({"lead_bank": "甲银行", "lead_bank_since": "2025-04-01"}, True)
    ]
    chain.refresh_from_db()
    assert chain.lead_bank == "甲银行"


def test_xn_lz_11_viewers_and_officers_cannot_set_the_bank_through_the_page(client, users, chain):
    url = reverse("chains:lead_bank", args=[chain.pk])
    for who in ("viewer", "xianan"):
        client.force_login(users[who])
        denied = AuditLog.objects.filter(action="denied").count()
        assert client.post(url, {"bank": "乙银行", "since": "2025-04-01"}).status_code == 404
        assert AuditLog.objects.filter(action="denied").count() == denied + 1
    chain.refresh_from_db()
    assert chain.lead_bank == ""


def test_xn_lz_11_the_bank_form_and_the_member_forms_of_the_chain_page_work(client, users, chain, firms):
    client.force_login(users["admin"])
    page = client.get(reverse("chains:finance", args=[chain.pk])).content.decode()
    assert 'id="bank-form"' in page and "未确定" in page
    r = client.post(
        reverse("chains:lead_bank", args=[chain.pk]), {"bank": "湖北银行咸宁分行", "since": "2025-04-01"}, follow=True
    )
    assert "湖北银行咸宁分行" in _msgs(r)[0]
    chain.refresh_from_db()
    assert (chain.lead_bank, chain.lead_bank_since) == ("湖北银行咸宁分行", SINCE)

    client.force_login(users["xianan"])
    page = client.get(reverse("chains:finance", args=[chain.pk])).content.decode()
    assert 'id="bank-form"' not in page  # the city names the bank
    url = reverse("chains:financed", args=[chain.pk])
    r = client.post(url, {"enterprise": firms["xa1"].pk, "covered": "1", "credit": "1,200"}, follow=True)
    assert "已标记" in _msgs(r)[0]
    assert list(ChainCredit.objects.values_list("enterprise__name", "bank", "credit")) == [
        ("咸安卫材一厂", "湖北银行咸宁分行", 1200)
    ]
    r = client.post(url, {"enterprise": firms["xa2"].pk, "covered": "1", "credit": "很多"}, follow=True)
    assert "不是数字" in _msgs(r)[0]
    # another unit's enterprise: not found, audited, nothing written
    assert client.post(url, {"enterprise": firms["jy"].pk, "covered": "1"}).status_code == 404
    assert ChainCredit.objects.count() == 1
    page = client.get(reverse("chains:map", args=[chain.pk])).content.decode()
    assert "湖北银行咸宁分行" in page and "链上企业 2 家，已覆盖 1 家，授信合计 1200 万元" in page


def test_xn_lz_11_viewers_mark_nothing_and_no_bank_means_nothing_is_covered(client, users, chain, firms):
    with pytest.raises(PermissionDenied):
        finance.do_mark_financed(actor=users["viewer"], chain=chain, enterprise=firms["xa1"], covered=True)
    with pytest.raises(PermissionDenied):  # a county officer: their own unit's enterprises only
        finance.do_mark_financed(actor=users["xianan"], chain=chain, enterprise=firms["jy"], covered=True)
    with pytest.raises(ValidationError, match="先确定"):
        finance.do_mark_financed(actor=users["xianan"], chain=chain, enterprise=firms["xa1"], covered=True)
    with pytest.raises(ValidationError, match="不在"):
        finance.do_mark_financed(
            actor=users["admin"], chain=chain, enterprise=EnterpriseFactory(county=firms["xa1"].county), covered=True
        )
    client.force_login(users["viewer"])
    r = client.post(reverse("chains:financed", args=[chain.pk]), {"enterprise": firms["xa1"].pk, "covered": "1"})
    assert r.status_code == 404 and not ChainCredit.objects.exists()


def test_xn_lz_11_naming_another_bank_drops_the_former_banks_coverage(client, users, chain, firms):
    finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="甲银行", since=SINCE)
    for e in (firms["xa1"], firms["jy"]):
        finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=e, covered=True, credit="100")
    assert finance.chain_finance(chain, user=users["admin"]).covered == 2
    finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="乙银行", since=dt.date(2025, 9, 1))
    f = finance.chain_finance(chain, user=users["admin"])
    assert (f.bank, f.members, f.covered, f.credit) == ("乙银行", 3, 0, 0)
    client.force_login(users["admin"])
    assert "曾由甲银行服务" in client.get(reverse("chains:finance", args=[chain.pk])).content.decode()
    finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=firms["xa1"], covered=False)
    assert not ChainCredit.objects.filter(enterprise=firms["xa1"]).exists()
    assert AuditLog.objects.filter(object_type="chains.chaincredit", action="delete").count() == 1


def test_xn_lz_11_the_chains_api_gives_the_bank_and_the_coverage_in_scope(client, users, chain, firms):
    finance.do_set_lead_bank(actor=users["admin"], chain=chain, bank="甲银行", since=SINCE)
    for e in (firms["xa1"], firms["jy"]):
        finance.do_mark_financed(actor=users["admin"], chain=chain, enterprise=e, covered=True, credit="100")
    client.force_login(users["viewer"])
    [row] = [c for c in client.get("/api/v1/chains/").json() if c["id"] == chain.pk]
    assert (row["lead_bank"], row["lead_bank_since"]) == ("甲银行", "2025-04-01")
    assert (row["finance"]["members"], row["finance"]["covered"], float(row["finance"]["credit"])) == (3, 2, 200)
    client.force_login(users["xianan"])
    one = client.get(f"/api/v1/chains/{chain.pk}").json()
    assert (one["finance"]["members"], one["finance"]["covered"], one["finance"]["complete"]) == (2, 1, False)

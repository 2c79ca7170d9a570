"""Chain finance (XN-LZ-11): one lead bank per chain, serving every local chain member (链属企业)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chanye.cultivation import finance, supply
from tests.factories import ListedLeaderFactory

pytestmark = pytest.mark.django_db
D = dt.date(2025, 5, 1)


@pytest.fixture
def leader(regions):
    return ListedLeaderFactory(enterprise__county=regions["咸安区"])


def _member(users, leader, name, local=True):
    return supply.do_declare_relation(
        actor=users["xianan"],
        leader=leader,
        year=2025,
        direction="upstream",
        partner_name=name,
        amount=100,
        is_local=local,
    )


def test_xn_lz_11_coverage_is_complete_only_when_every_local_member_is_served(users, leader):
    a, b = _member(users, leader, "本地甲"), _member(users, leader, "本地乙")
    _member(users, leader, "外地丙", local=False)  # not a local chain member
    with pytest.raises(ValidationError, match="先确定主办银行"):
        finance.do_mark_financed(actor=users["xianan"], relation=a, covered=True)
    finance.do_set_lead_bank(actor=users["xianan"], leader=leader, bank="湖北银行咸宁分行", since=D)
    finance.do_mark_financed(actor=users["xianan"], relation=a, covered=True, credit="500")
    f = finance.finance_coverage(leader, 2025)
    assert (f.members, f.covered, f.credit, f.complete) == (2, 1, 500, False)
    finance.do_mark_financed(actor=users["xianan"], relation=b, covered=True)
    assert finance.finance_coverage(leader, 2025).complete


def test_xn_lz_11_one_lead_bank_per_chain_replaced_not_added(users, leader):
    finance.do_set_lead_bank(actor=users["admin"], leader=leader, bank="甲银行", since=D)
    finance.do_set_lead_bank(actor=users["admin"], leader=leader, bank="乙银行", since=dt.date(2025, 9, 1))
    leader.refresh_from_db()
    assert leader.lead_bank == "乙银行"
    with pytest.raises(ValidationError, match="主办银行名称"):
        finance.do_set_lead_bank(actor=users["admin"], leader=leader, bank=" ", since=D)
    with pytest.raises(PermissionDenied):
        finance.do_set_lead_bank(actor=users["jiayu"], leader=leader, bank="丙银行", since=D)


def test_no_members_means_not_complete(leader):
    leader.lead_bank = "甲银行"
    assert not finance.finance_coverage(leader, 2025).complete

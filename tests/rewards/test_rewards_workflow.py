"""测算 → 公示 → 审核 → 拨付 / 撤销 (issue 14): objections only during the publication period, approval only after it
and with every objection answered, payment with a voucher and within the fund's budget, revocation with a reason;
only the city's administrators decide; each step audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.rewards import services
from chanye.rewards.models import Entitlement
from tests.factories import UserFactory
from tests.rewards.world import compute, counties, firm, honour, load_pack, people

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def world():
    load_pack("ezhou")
    a = firm(counties()[0])
    honour(a, "wk_trademark", "", 2025)
    compute(2025)
    return {
        "e": Entitlement.objects.get(enterprise=a),
        "other": UserFactory(username="other", role="county_officer", region=counties()[1]),
        **people(counties()[0], firm_of=a),
    }


def test_the_whole_way_from_computed_to_paid(world):
    e, admin = world["e"], world["admin"]
    services.do_publish(actor=admin, entitlements=[e], today=DAY, days=7)
    e.refresh_from_db()
    assert (e.status, e.objection_until) == ("published", dt.date(2026, 3, 9))
    o = services.do_raise_objection(
        actor=world["firm"], entitlement=e, text="认定年份应为2025年", today=dt.date(2026, 3, 9)
    )
    with pytest.raises(ValidationError, match="公示期内"):
        services.do_approve(actor=admin, entitlements=[e], today=dt.date(2026, 3, 9))
    with pytest.raises(ValidationError, match="未答复的异议"):
        services.do_approve(actor=admin, entitlements=[e], today=dt.date(2026, 3, 10))
    services.do_answer_objection(actor=admin, objection=o, reply="经核实，认定年份为2025年，维持。", upheld=False)
    services.do_approve(actor=admin, entitlements=[e], today=dt.date(2026, 3, 10))
    fund = services.do_save_fund(actor=admin, name="市级制造业高质量发展专项资金", year=2025, budget=Decimal("50"))
    with pytest.raises(ValidationError, match="剩余50万元，不足以拨付60万元"):
        services.do_pay(actor=admin, entitlement=e, paid_on=dt.date(2026, 3, 20), voucher_no="CZ-001", fund=fund)
    services.do_save_fund(actor=admin, name="市级制造业高质量发展专项资金", year=2025, budget=Decimal("100"))
    services.do_pay(actor=admin, entitlement=e, paid_on=dt.date(2026, 3, 20), voucher_no="CZ-001", fund=fund)
    e.refresh_from_db()
    fund.refresh_from_db()
    assert (e.status, e.voucher_no, services.fund_remaining(fund)) == ("paid", "CZ-001", Decimal("40"))
    steps = AuditLog.objects.filter(object_type="rewards.entitlement", object_id=str(e.pk), action="update")
    assert steps.count() == 3  # 公示, 审核, 拨付


def test_an_objection_after_the_period_is_refused_and_an_upheld_one_sends_the_row_back(world):
    e, admin = world["e"], world["admin"]
    services.do_publish(actor=admin, entitlements=[e], today=DAY, days=5)
    with pytest.raises(ValidationError, match="公示期已于2026年03月07日结束"):
        services.do_raise_objection(actor=world["firm"], entitlement=e, text="有异议", today=dt.date(2026, 3, 8))
    o = services.do_raise_objection(actor=world["officer"], entitlement=e, text="该企业已注销", today=DAY)
    services.do_answer_objection(actor=admin, objection=o, reply="属实，退回核实。", upheld=True)
    e.refresh_from_db()
    assert (e.status, e.published_on) == ("computed", None)


def test_only_the_city_decides_and_others_find_nothing(world):
    e = world["e"]
    for who in ("officer", "viewer", "firm"):
        with pytest.raises(Http404):
            services.do_publish(actor=world[who], entitlements=[e], today=DAY)
    services.do_publish(actor=world["admin"], entitlements=[e], today=DAY)
    with pytest.raises(Http404):  # another county's officer cannot object to what it cannot see
        services.do_raise_objection(actor=world["other"], entitlement=e, text="异议", today=DAY)
    with pytest.raises(Http404):  # nor can a viewer
        services.do_raise_objection(actor=world["viewer"], entitlement=e, text="异议", today=DAY)


def test_revocation_needs_a_reason_and_an_account_is_confirmed_by_the_firm_itself(world):
    e, admin = world["e"], world["admin"]
    with pytest.raises(ValidationError, match="撤销原因"):
        services.do_revoke(actor=admin, entitlement=e, reason=" ")
    with pytest.raises(Http404):
        services.do_confirm_account(
            actor=world["officer"], entitlement=e, account_name="x", account_bank="y", account_no="6222000011112222"
        )
    with pytest.raises(ValidationError, match="8—30位数字"):
        services.do_confirm_account(
            actor=world["firm"], entitlement=e, account_name="某公司", account_bank="工行", account_no="12ab"
        )
    services.do_confirm_account(
        actor=world["firm"],
        entitlement=e,
        account_name="某公司",
        account_bank="工行鄂州支行",
        account_no="6222 0000 1111 2222",
    )
    e.refresh_from_db()
    assert e.account_no == "6222000011112222" and e.account_masked == "6222****2222"
    log = AuditLog.objects.filter(object_id=str(e.pk), message="确认收款账户").get()
    assert "6222000011112222" not in str(log.after)  # the audit keeps the masked number only
    services.do_revoke(actor=admin, entitlement=e, reason="企业已注销")
    e.refresh_from_db()
    assert (e.status, e.status_note) == ("revoked", "企业已注销")
    assert compute(2025).kept == []  # a revoked row the data still supports is left alone, not reported
    assert Entitlement.objects.get(pk=e.pk).status == "revoked"
    _ = SYSTEM

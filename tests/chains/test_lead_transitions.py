"""The rules of the attraction pipeline (chanye.chains.leads, XN-CL-5): 线索 → 接洽 → 考察 → 签约 → 落地 forward only,
dates in order and never in the future, 签约 needs its date and the investment, no jump from 线索 to 落地 without a
signing date, 终止 needs a reason and a landed lead stays landed, officers move only their own county's leads, and
every move leaves a LeadEvent and an audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chanye.chains.leads import do_move_lead
from chanye.chains.models import ChainLink, Lead, LeadEvent
from chanye.core.models import AuditLog
from chanye.projects.models import Project
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FOUND = TODAY - dt.timedelta(days=90)


def day(n: int) -> dt.date:
    """n days after the lead was found."""
    return FOUND + dt.timedelta(days=n)


@pytest.fixture
def lead(regions):
    link = ChainLink.objects.get(chain__code="food-meat", name="屠宰加工")
    return LeadFactory(county=regions["咸安区"], link=link, cluster=link.chain.cluster, found_on=FOUND)


def messages(exc: pytest.ExceptionInfo) -> str:
    return "；".join(exc.value.messages)


def audit_rows(lead: Lead) -> int:
    return AuditLog.objects.filter(object_type="chains.lead", object_id=str(lead.pk)).count()


def test_lead_moves_forward_stage_by_stage(users, lead):
    officer = users["xianan"]
    lead = do_move_lead(actor=officer, lead=lead, to="contact", on=day(5))
    lead = do_move_lead(actor=officer, lead=lead, to="visit", on=day(20))
    assert (lead.stage, lead.contacted_on, lead.visited_on) == ("visit", day(5), day(20))


def test_a_stage_may_be_passed_over_going_forward(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="visit", on=day(3))
    assert lead.stage == "visit" and lead.contacted_on is None and lead.visited_on == day(3)


@pytest.mark.parametrize("back", ["clue", "contact"])
def test_lead_cannot_move_back_or_stay(users, lead, back):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(5))
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to=back, on=day(6))
    assert "线索只能向前推进：当前为“接洽”" in messages(e)
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_unknown_stage_is_refused_in_chinese(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="won", on=day(1))
    assert "阶段“won”不存在" in messages(e)


def test_stage_date_before_the_previous_stage_is_refused(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(10))
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="visit", on=day(9))
    assert f"考察日期（{day(9)}）早于接洽日期（{day(10)}）" in messages(e)


def test_stage_date_before_the_lead_was_found_is_refused(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(-1))
    assert f"接洽日期（{day(-1)}）早于线索日期（{FOUND}）" in messages(e)


def test_stage_date_in_the_future_is_refused(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=TODAY + dt.timedelta(days=1))
    assert "日期不能晚于今天" in messages(e)
    assert Lead.objects.get(pk=lead.pk).contacted_on is None


def test_moving_without_a_date_means_today(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="contact")
    assert lead.contacted_on == TODAY


def test_signing_needs_the_investment(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="signed", on=day(30))
    assert "签约须填写拟投资额（亿元）" in messages(e)
    assert not Project.objects.exists()


def test_signing_with_a_zero_investment_is_refused(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="signed", on=day(30), investment=Decimal(0))
    assert "拟投资额应大于0（单位：亿元）" in messages(e)


def test_signing_takes_the_move_date_as_signing_date(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="signed", on=day(30), investment=Decimal("3.5"))
    assert (lead.stage, lead.signed_on, lead.investment) == ("signed", day(30), Decimal("3.5"))
    assert lead.project is not None


def test_clue_to_landed_without_a_signed_date_is_refused(users, lead):
    """The issue's rule: no skipping from 线索 to 落地 without a signed date — and nothing is written."""
    events, audits = LeadEvent.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="landed", on=day(40), investment=Decimal(2))
    assert "不能从“线索”直接跳到“落地”而没有签约日期" in messages(e)
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.stage, fresh.signed_on, fresh.landed_on, fresh.project_id) == ("clue", None, None, None)
    assert (LeadEvent.objects.count(), AuditLog.objects.count()) == (events, audits)
    assert not Project.objects.exists()


def test_clue_to_landed_with_a_signed_date_lands_and_registers_the_project(users, lead):
    lead = do_move_lead(
        actor=users["xianan"], lead=lead, to="landed", on=day(40), signed_on=day(25), investment=Decimal(2)
    )
    assert (lead.stage, lead.signed_on, lead.landed_on) == ("landed", day(25), day(40))
    project = Project.objects.get(pk=lead.project_id)
    assert (project.signed_on, project.investment, project.county_id) == (day(25), Decimal(2), lead.county_id)


def test_clue_to_landed_needs_the_investment_too(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="landed", on=day(40), signed_on=day(25))
    assert "签约须填写拟投资额（亿元）" in messages(e)


def test_landing_before_the_signing_date_is_refused(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(
            actor=users["xianan"], lead=lead, to="landed", on=day(20), signed_on=day(25), investment=Decimal(2)
        )
    assert f"落地日期（{day(20)}）早于签约日期（{day(25)}）" in messages(e)


def test_a_signed_lead_lands_without_a_second_project(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="signed", on=day(30), investment=Decimal(4))
    project_id = lead.project_id
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="landed", on=day(50))
    assert (lead.stage, lead.landed_on, lead.project_id) == ("landed", day(50), project_id)
    assert Project.objects.count() == 1


def test_dropping_needs_a_reason(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=day(5), note="  ")
    assert "终止线索须写明原因" in messages(e)
    assert Lead.objects.get(pk=lead.pk).stage == "clue"


def test_dropping_keeps_the_reason_and_date(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(5))
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=day(9), note="企业投资计划取消")
    assert (lead.stage, lead.dropped_on, lead.drop_reason) == ("dropped", day(9), "企业投资计划取消")
    assert lead.contacted_on == day(5)  # the stages it reached are kept for the conversion figures


def test_dropping_before_the_last_stage_date_is_refused(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(10))
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=day(8), note="放弃")
    assert f"终止日期（{day(8)}）早于线索最近一次推进的日期（{day(10)}）" in messages(e)


def test_a_landed_lead_cannot_be_dropped(users, lead):
    lead = do_move_lead(
        actor=users["xianan"], lead=lead, to="landed", on=day(40), signed_on=day(25), investment=Decimal(2)
    )
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=day(41), note="企业撤资")
    assert "线索已落地，不能再变更阶段" in messages(e)
    assert Lead.objects.get(pk=lead.pk).stage == "landed"


def test_a_dropped_lead_cannot_be_revived(users, lead):
    lead = do_move_lead(actor=users["xianan"], lead=lead, to="dropped", on=day(5), note="无意向")
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=day(6))
    assert "线索已终止，不能再变更阶段" in messages(e)


def test_county_officer_cannot_move_another_countys_lead(users, lead):
    with pytest.raises(PermissionDenied):
        do_move_lead(actor=users["jiayu"], lead=lead, to="contact", on=day(5))
    assert Lead.objects.get(pk=lead.pk).stage == "clue"
    assert not LeadEvent.objects.filter(lead=lead).exists()


@pytest.mark.parametrize("who", ["viewer", "auditor", "sysadmin"])
def test_read_only_roles_cannot_move_a_lead(users, lead, who):
    with pytest.raises(PermissionDenied):
        do_move_lead(actor=users[who], lead=lead, to="contact", on=day(5))


def test_city_admin_moves_any_countys_lead(users, lead):
    assert do_move_lead(actor=users["admin"], lead=lead, to="contact", on=day(5)).stage == "contact"


def test_every_move_writes_one_lead_event_and_one_audit_row(users, lead):
    officer = users["xianan"]
    moves = [
        dict(to="contact", on=day(5), note="电话联系"),
        dict(to="visit", on=day(12), note="来咸考察"),
        dict(to="signed", on=day(30), investment=Decimal(3)),
        dict(to="landed", on=day(60)),
    ]
    for n, move in enumerate(moves, start=1):
        before = audit_rows(lead)
        lead = do_move_lead(actor=officer, lead=lead, **move)
        assert LeadEvent.objects.filter(lead=lead).count() == n
        assert audit_rows(lead) == before + 1
    events = list(LeadEvent.objects.filter(lead=lead).order_by("pk").values_list("from_stage", "to_stage", "on"))
    assert events == [
        ("clue", "contact", day(5)),
        ("contact", "visit", day(12)),
        ("visit", "signed", day(30)),
        ("signed", "landed", day(60)),
    ]
    row = AuditLog.objects.filter(object_type="chains.lead", object_id=str(lead.pk)).order_by("-pk").first()
    assert row.user == officer and row.message == "签约 → 落地"
    assert row.before["stage"] == "signed" and row.after["stage"] == "landed"
    first = AuditLog.objects.filter(object_type="chains.lead", object_id=str(lead.pk)).order_by("pk").first()
    assert first.message == "线索 → 接洽：电话联系"


def test_a_refused_move_writes_no_event_and_no_audit_row(users, lead):
    with pytest.raises(ValidationError):
        do_move_lead(actor=users["xianan"], lead=lead, to="contact", on=TODAY + dt.timedelta(days=3))
    assert not LeadEvent.objects.filter(lead=lead).exists() and audit_rows(lead) == 0


def test_all_errors_of_a_move_are_given_at_once(users, lead):
    with pytest.raises(ValidationError) as e:
        do_move_lead(actor=users["xianan"], lead=lead, to="landed", on=TODAY + dt.timedelta(days=1))
    text = messages(e)
    assert "日期不能晚于今天" in text and "没有签约日期" in text and "签约须填写拟投资额" in text

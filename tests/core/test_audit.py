"""Every write service audits once (who, when, before, after); only the auditor reads the log."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chanye.accounts import services as account_services
from chanye.core.models import AuditLog
from chanye.enterprises import services
from chanye.enterprises.models import FigureRevision

pytestmark = pytest.mark.django_db


def test_enterprise_create_and_update_audit_once_each_with_before_and_after(users, regions):
    import random

    from chanye.core.uscc_gen import make_uscc

    code = make_uscc(random.Random(3))
    n = AuditLog.objects.count()
    _, status = services.do_save_enterprise(
        actor=users["admin"], data={"uscc": code, "name": "甲有限公司", "county": regions["咸安区"]}
    )
    assert status == "created" and AuditLog.objects.count() == n + 1
    log = AuditLog.objects.latest("id")
    assert (log.action, log.username, log.after["name"], log.request_id[:4]) == (
        "create",
        "admin",
        "甲有限公司",
        "cli-",
    )
    services.do_save_enterprise(
        actor=users["admin"], data={"uscc": code, "name": "甲科技有限公司", "county": regions["咸安区"]}
    )
    log = AuditLog.objects.latest("id")
    assert log.action == "update" and log.before["name"] == "甲有限公司" and "county_id" not in log.before
    assert log.after["name"] == "甲科技有限公司"
    _, status = services.do_save_enterprise(
        actor=users["admin"], data={"uscc": code, "name": "甲科技有限公司", "county": regions["咸安区"]}
    )
    assert status == "unchanged" and AuditLog.objects.count() == n + 2


def test_monthly_submission_audits_and_keeps_revisions(users, two_counties):
    ent = two_counties["xianan"]
    services.do_submit_monthly(
        actor=users["admin"], enterprise=ent, month=dt.date(2025, 1, 1), values={"output": Decimal(10)}
    )
    services.do_submit_monthly(
        actor=users["admin"], enterprise=ent, month=dt.date(2025, 1, 1), values={"output": Decimal(12)}
    )
    logs = AuditLog.objects.filter(object_type="enterprises.monthlyfigure").order_by("id")
    assert [entry.action for entry in logs] == ["create", "update"]
    assert logs[1].before == {"output": "10"} and logs[1].after == {"output": "12"}
    assert FigureRevision.objects.get().old_value == 10


def test_early_code_with_bad_check_needs_a_city_admin_and_a_reason(users, regions):
    import random

    from django.core.exceptions import PermissionDenied, ValidationError

    from chanye.core.uscc_gen import make_uscc, with_bad_check

    code = with_bad_check(make_uscc(random.Random(9)))
    data = {"uscc": code, "name": "早期企业有限公司", "county": regions["咸安区"]}
    with pytest.raises(ValidationError, match="校验位"):
        services.do_save_enterprise(actor=users["admin"], data=data)
    with pytest.raises(PermissionDenied):
        services.do_save_enterprise(actor=users["xianan"], data={**data, "uscc_override_reason": "工商档案核实"})
    ent, _ = services.do_save_enterprise(actor=users["admin"], data={**data, "uscc_override_reason": "工商档案核实"})
    assert ent.uscc_override
    log = AuditLog.objects.latest("id")
    assert "校验豁免" in log.message and "工商档案核实" in log.message and log.username == "admin"


def test_token_issue_and_user_creation_are_audited(users):
    account_services.do_issue_token(actor=users["admin"], user=users["viewer"])
    assert AuditLog.objects.filter(action="token", object_id=str(users["viewer"].pk)).exists()


def test_only_the_auditor_reads_the_audit_log(client, users, login):
    assert login(users["auditor"]).get("/audit/").status_code == 200
    for who in ("sysadmin", "admin", "secadmin", "xianan"):
        client.logout()
        assert login(users[who]).get("/audit/").status_code == 404
    assert AuditLog.objects.filter(action="denied", username="sysadmin").exists()


def test_audit_purge_keeps_at_least_184_days(users):
    old = AuditLog.objects.create(action="login", username="x")
    AuditLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=200))
    recent = AuditLog.objects.create(action="login", username="y")
    AuditLog.objects.filter(pk=recent.pk).update(at=timezone.now() - dt.timedelta(days=100))
    with pytest.raises(CommandError, match="184"):
        call_command("audit", "purge", "--days", "30")
    call_command("audit", "purge", stdout=StringIO())
    assert not AuditLog.objects.filter(pk=old.pk).exists() and AuditLog.objects.filter(pk=recent.pk).exists()

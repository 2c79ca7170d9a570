"""`do_compute_rewards` is idempotent (a second run writes nothing but its own audit row), audits every created,
changed and removed entitlement, follows the data while a row is still at 测算, and leaves a row someone has acted on
(公示 …) as it is, saying that the data no longer supports it."""

from __future__ import annotations

import pytest

from chanye.core.models import AuditLog
from chanye.enterprises.models import Honour
from chanye.rewards.models import Entitlement
from tests.rewards.world import compute, firm, granted, honour, load_pack

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ezhou():
    load_pack("ezhou")


def test_a_second_run_changes_nothing_and_writes_one_audit_row():
    a, b = firm(), firm()
    honour(a, "wk_trademark", "", 2025)
    honour(b, "quality_brand", "", 2025)
    first = compute(2025)
    assert (first.created, first.entitled) == (2, 2)
    assert AuditLog.objects.filter(object_type="rewards.entitlement", action="create").count() == 2
    n = AuditLog.objects.count()
    second = compute(2025)
    assert (second.created, second.updated, second.removed, second.unchanged) == (0, 0, 0, 2)
    assert AuditLog.objects.count() == n + 1  # the run itself


def test_a_computed_row_follows_the_data_and_an_acted_on_row_stays():
    a, b = firm(), firm()
    honour(a, "wk_trademark", "", 2025)
    honour(b, "wk_trademark", "", 2025)
    compute(2025)
    Entitlement.objects.filter(enterprise=b).update(status="published")
    Honour.objects.all().delete()  # the recognitions were entered by mistake
    result = compute(2025)
    assert result.removed == 1 and granted(2025, "ez-r-2-well-known-trademark") == {}
    assert Entitlement.objects.get(enterprise=b).status == "published"
    assert len(result.kept) == 1 and "请复核" in result.kept[0]
    assert AuditLog.objects.filter(object_type="rewards.entitlement", action="delete").count() == 1


def test_a_corrected_fact_updates_the_amount_and_audits_before_and_after():
    import datetime as dt
    from decimal import Decimal

    from tests.rewards.world import entered, fact

    e = firm()
    entered(e, dt.date(2020, 1, 1))
    fact(e, 2025, "livestream_sales", 600)
    fact(e, 2025, "livestream_commission", 40)
    compute(2025)
    fact(e, 2025, "livestream_commission", 60)  # corrected
    result = compute(2025)
    assert result.updated == 1 and granted(2025, "ez-r-1-livestream") == {(e.pk, ""): Decimal("9")}
    log = AuditLog.objects.filter(object_type="rewards.entitlement", action="update").exclude(object_id="").get()
    assert Decimal(log.before["amount"]) == 6 and Decimal(log.after["amount"]) == 9

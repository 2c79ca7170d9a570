"""XN-LZ-11: migration cultivation 0007 carries each chain leader's lead bank to its chain — the earliest-dated when
two leaders of one chain named different banks, the others recorded (audit rows and the chain's note) — and the
served partners that are on that chain to the chain's coverage; then 0008 drops the per-leader fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chanye.chains.models import Chain, ChainCredit
from chanye.core.models import AuditLog
from chanye.industry.models import Industry
from tests.factories import ChainFactory, ChainLinkFactory, EnterpriseFactory, LinkEnterpriseFactory

BEFORE = [("cultivation", "0006_analysis_run_status"), ("chains", "0003_lead_bank_per_chain")]
AFTER = [("cultivation", "0008_drop_leader_lead_bank")]


def _old_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE[:1])  # back before 0007: the leaders have their own bank columns again
    executor.loader.build_graph()
    return executor.loader.project_state(BEFORE).apps


def _forward():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_xn_lz_11_the_migration_carries_the_earliest_dated_bank_to_the_chain(regions, capsys):
    xa = regions["咸安区"]
    chain = ChainFactory(name="铝全产业链")
    link = ChainLinkFactory(chain=chain)
    early, late, unplaced, served, not_on_chain, served_by_late = (
        EnterpriseFactory(county=xa, name=n) for n in ("早链主", "晚链主", "图外链主", "甲配套", "乙配套", "丙配套")
    )
    for e in (early, late, served, served_by_late):
        LinkEnterpriseFactory(link=link, enterprise=e, role="leader" if e in (early, late) else "ordinary")
    try:
        apps = _old_apps()
        Leader = apps.get_model("cultivation", "ChainLeader")
        Relation = apps.get_model("cultivation", "SupplierRelation")
        industry_id = Industry.objects.order_by("pk").values_list("pk", flat=True).first()

        def leader(e, bank, since):
            return Leader.objects.create(
                enterprise_id=e.pk,
                industry_id=industry_id,
                status="listed",
                applied_on=dt.date(2024, 10, 1),
                approved_on=dt.date(2025, 1, 10),
                lead_bank=bank,
                lead_bank_since=since,
            )

        def partner(x, e, year, credit):
            Relation.objects.create(
                leader=x,
                year=year,
                direction="upstream",
                partner_name=e.name,
                partner_id=e.pk,
                is_local=True,
                amount=100,
                bank_covered=True,
                credit=credit,
            )

        # the later-named bank is created first: the date, not the order of entry, decides
        b = leader(late, "乙银行", dt.date(2025, 6, 1))
        a = leader(early, "甲银行", dt.date(2025, 3, 1))
        leader(unplaced, "丙银行", dt.date(2025, 2, 1))
        partner(a, served, 2024, 300)
        partner(a, served, 2025, 500)  # the latest year's line is carried
        partner(a, not_on_chain, 2025, 800)  # not on the chain: not carried
        partner(b, served_by_late, 2025, 200)  # served by the bank the chain did not keep: not carried
    finally:
        _forward()

    chain = Chain.objects.get(pk=chain.pk)
    assert (chain.lead_bank, chain.lead_bank_since) == ("甲银行", dt.date(2025, 3, 1))
    assert "晚链主" in chain.lead_bank_note and "乙银行" in chain.lead_bank_note
    assert list(ChainCredit.objects.values_list("chain_id", "enterprise__name", "bank", "credit")) == [
        (chain.pk, "甲配套", "甲银行", 500)
    ]
    rows = AuditLog.objects.filter(username="system", message__contains="XN-LZ-11")
    notes = list(rows.values_list("message", flat=True))
    assert any("图外链主" in m and "丙银行" in m and "未迁移" in m for m in notes)
    assert any("晚链主" in m and "乙银行" in m and "未采用" in m for m in notes)
    assert any("早链主" in m and "乙配套" in m for m in notes)  # its coverage that could not be carried
    assert any("晚链主" in m and "丙配套" in m for m in notes)
    assert "图外链主" in capsys.readouterr().out

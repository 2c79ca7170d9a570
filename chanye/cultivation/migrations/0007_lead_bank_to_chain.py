"""XN-LZ-11: the lead bank (主办银行) moves from each chain leader to its chain ("引导一家主办银行服务一条产业链，
业务覆盖产业链上的每家企业"), and the coverage of the leader's declared local partners to the enterprises on the chain.

A leader's chains are the active chains its enterprise is placed on. Leaders are taken earliest-dated first (bank
date, then approval date, then id): a chain gets the bank of its earliest-dated leader. Every bank that is not carried
— another leader of the chain named a different bank earlier, or the leader is on no chain map — is recorded as an
audit row (user "system", message "XN-LZ-11 …未迁移…") and printed; a conflicting bank is also written to the
chain's `lead_bank_note`, which the chain's finance page shows to the city until it names the chain's bank again.

A partner marked as served (`bank_covered`) carries to the chain as a `ChainCredit` (latest year's credit line) when
the partner is in the enterprise registry, is on that chain, and the leader's bank is the one the chain kept; the
others are counted in the leader's audit row. Reversing copies each chain's bank back to the listed leaders on it.
"""

from django.db import migrations
from django.db.models import F

SYSTEM = "system"
TAG = "XN-LZ-11 主办银行改为按产业链确定"


def _audit(AuditLog, *, object_type, object_id, object_repr, before, after, message):
    return AuditLog(
        username=SYSTEM,
        action="update",
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        before=before,
        after=after,
        message=message,
    )


def _iso(d):
    return d.isoformat() if d else None


def carry_banks_to_chains(apps, schema_editor):
    ChainLeader = apps.get_model("cultivation", "ChainLeader")
    SupplierRelation = apps.get_model("cultivation", "SupplierRelation")
    Chain = apps.get_model("chains", "Chain")
    LinkEnterprise = apps.get_model("chains", "LinkEnterprise")
    ChainCredit = apps.get_model("chains", "ChainCredit")
    AuditLog = apps.get_model("core", "AuditLog")
    db = schema_editor.connection.alias  # `migrate --database` (restoring an older backup) works on another alias

    leaders = (
        ChainLeader.objects.using(db)
        .exclude(lead_bank="")
        .select_related("enterprise")
        .order_by(F("lead_bank_since").asc(nulls_last=True), F("approved_on").asc(nulls_last=True), "pk")
    )
    rows, notes, printed = [], {}, []
    chains = {}  # pk → Chain, as changed here
    kept_by = {}  # leader pk → the chain pks whose bank is the leader's
    for leader in leaders:
        name, bank, since = leader.enterprise.name, leader.lead_bank, leader.lead_bank_since
        chain_ids = sorted(
            set(
                LinkEnterprise.objects.using(db)
                .filter(enterprise_id=leader.enterprise_id, link__chain__is_active=True)
                .values_list("link__chain_id", flat=True)
            )
        )
        if not chain_ids:
            text = f"{TAG}：{name}（链主企业）登记的主办银行“{bank}”未迁移——该企业不在任何产业链图谱的环节上。"
            rows.append(
                _audit(
                    AuditLog,
                    object_type="cultivation.chainleader",
                    object_id=leader.pk,
                    object_repr=name,
                    before={"lead_bank": bank, "lead_bank_since": _iso(since)},
                    after=None,
                    message=text,
                )
            )
            printed.append(text)
            continue
        for cid in chain_ids:
            chain = chains.get(cid) or Chain.objects.using(db).get(pk=cid)
            chains[cid] = chain
            if not chain.lead_bank:
                chain.lead_bank, chain.lead_bank_since = bank, since
                chain.save(update_fields=["lead_bank", "lead_bank_since"], using=db)
                kept_by.setdefault(leader.pk, []).append(cid)
                rows.append(
                    _audit(
                        AuditLog,
                        object_type="chains.chain",
                        object_id=cid,
                        object_repr=chain.name,
                        before={"lead_bank": "", "lead_bank_since": None},
                        after={"lead_bank": bank, "lead_bank_since": _iso(since)},
                        message=f"{TAG}：沿用链主企业{name}登记的主办银行。",
                    )
                )
            elif chain.lead_bank == bank:
                kept_by.setdefault(leader.pk, []).append(cid)
            else:
                text = (
                    f"{name}（链主企业）登记的主办银行“{bank}”（{_iso(since) or '日期未填'}起）未采用："
                    f"本链沿用对接较早的“{chain.lead_bank}”。"
                )
                notes.setdefault(cid, []).append(text)
                rows.append(
                    _audit(
                        AuditLog,
                        object_type="cultivation.chainleader",
                        object_id=leader.pk,
                        object_repr=name,
                        before={"lead_bank": bank, "lead_bank_since": _iso(since), "chain": chain.name},
                        after=None,
                        message=f"{TAG}（{chain.name}）：{text}",
                    )
                )
                printed.append(f"{chain.name}：{text}")
    for cid, lines in notes.items():
        chain = chains[cid]
        chain.lead_bank_note = "\n".join(lines)
        chain.save(update_fields=["lead_bank_note"], using=db)

    # coverage: the leader's served local partners → the enterprises on the chains that kept the leader's bank
    lost = {}
    for rel in (
        SupplierRelation.objects.using(db)
        .filter(bank_covered=True)
        .select_related("leader__enterprise")
        .order_by("-year", "pk")  # the latest year's credit line wins
    ):
        carried = False
        for cid in kept_by.get(rel.leader_id, []):
            on_chain = LinkEnterprise.objects.using(db).filter(link__chain_id=cid, enterprise_id=rel.partner_id)
            if rel.partner_id and on_chain.exists():
                ChainCredit.objects.using(db).get_or_create(
                    chain_id=cid,
                    enterprise_id=rel.partner_id,
                    defaults={"bank": chains[cid].lead_bank, "credit": rel.credit},
                )
                carried = True
        if not carried:
            lost.setdefault(rel.leader_id, (rel.leader.enterprise.name, set()))[1].add(rel.partner_name)
    for leader_id, (name, partners) in lost.items():
        text = (
            f"{TAG}：{name}（链主企业）的{len(partners)}家配套企业的主办银行覆盖记录未迁移"
            f"（不在该链主所在产业链的环节上、不在企业库中，或该链未沿用其主办银行）：{'、'.join(sorted(partners))}。"
        )
        rows.append(
            _audit(
                AuditLog,
                object_type="cultivation.chainleader",
                object_id=leader_id,
                object_repr=name,
                before={"bank_covered": sorted(partners)},
                after=None,
                message=text,
            )
        )
        printed.append(text)
    AuditLog.objects.using(db).bulk_create(rows)
    for line in printed:
        print(f"\n  {line}", end="")


def carry_banks_back(apps, schema_editor):
    """Reverse: each listed leader on a chain with a bank gets that bank again (the first such chain's)."""
    ChainLeader = apps.get_model("cultivation", "ChainLeader")
    LinkEnterprise = apps.get_model("chains", "LinkEnterprise")
    db = schema_editor.connection.alias
    for leader in ChainLeader.objects.using(db).filter(lead_bank=""):
        m = (
            LinkEnterprise.objects.using(db)
            .filter(enterprise_id=leader.enterprise_id, link__chain__is_active=True)
            .exclude(link__chain__lead_bank="")
            .select_related("link__chain")
            .order_by("link__chain__sort_order", "link__chain__code")
            .first()
        )
        if m is not None:
            leader.lead_bank, leader.lead_bank_since = m.link.chain.lead_bank, m.link.chain.lead_bank_since
            leader.save(update_fields=["lead_bank", "lead_bank_since"], using=db)


class Migration(migrations.Migration):
    dependencies = [
        ("cultivation", "0006_analysis_run_status"),
        ("chains", "0003_lead_bank_per_chain"),
        ("core", "0003_importbatch_heartbeat"),
    ]

    operations = [migrations.RunPython(carry_banks_to_chains, carry_banks_back)]

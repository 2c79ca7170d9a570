"""Spreadsheet formula injection (issue 11, hole 3): a firm, project, chain, lead or county name such as
``=HYPERLINK("http://x","点我")`` or ``=cmd|' /C calc'!A0`` comes back from every .xlsx the platform writes — every
export route, the import templates and the import error file — as the text it is: no cell of type formula anywhere,
the text intact. The list of routes is read from the URLconf, so a new .xlsx route without a case here fails."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.imports import registry
from chanye.core.imports.runner import run_import
from chanye.core.models import ImportBatch
from chanye.industry.models import Cluster
from tests.factories import (
    AttractionTargetFactory,
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LeadFactory,
    LinkEnterpriseFactory,
    ListedLeaderFactory,
    ProjectFactory,
)
from tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
]


def _xlsx_routes() -> set[str]:
    """The names of every URL that answers with a spreadsheet (a path ending in .xlsx or in .<fmt>)."""
    out: set[str] = set()

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern):
                route = str(p.pattern)
                if route.endswith((".xlsx", ".<str:fmt>")):
                    out.add(f"{ns}:{p.name}" if ns else p.name)

    walk(get_resolver().url_patterns, None)
    return out


@pytest.fixture
def hostile(regions, users, tmp_path):
    """Hostile names everywhere a person can type one: enterprises, a project, a chain and its link, an attraction
    target, a lead, a chain leader's demand, an alert, a candidate, a county; and a failed import of them."""
    from chanye.cultivation.models import Alert, Candidate, LeaderDemand
    from chanye.targets.assessment import do_compute_assessment

    xa = regions["咸安区"]
    today = timezone.localdate()
    month = today.replace(day=1)
    firms = [EnterpriseFactory(name=h, county=xa, is_above_scale=True) for h in HOSTILE]
    food = Cluster.objects.get(code="food")  # the mini pack's industry with a monitoring catalogue (YY-M-1)
    for e in firms:
        e.clusters.add(food)
        e.monthly.create(month=month, source="stats", output=Decimal("-12.5"))
        e.monthly.create(  # 退规风险库; 研发强度引导名单 (R&D half of revenue)
            month=month.replace(year=month.year - 1),
            source="stats",
            output=Decimal("100"),
            revenue=Decimal("100"),
            rd_expense=Decimal("50"),
        )
    ProjectFactory(name=HOSTILE[0], investor=HOSTILE[1], county=xa, signed_on=month, leader=HOSTILE[4])
    chain = ChainFactory(name=HOSTILE[0])
    link = ChainLinkFactory(chain=chain, name=HOSTILE[2])
    ChainLinkFactory(chain=chain, name="下游环节")
    LinkEnterpriseFactory(link=link, enterprise=firms[0])
    AttractionTargetFactory(link=link, name=HOSTILE[1], products=HOSTILE[3])
    LeadFactory(company=HOSTILE[0], county=xa, owner_name=HOSTILE[2])
    leader = ListedLeaderFactory(enterprise=firms[1])
    LeaderDemand.objects.create(leader=leader, raised_on=month, content=HOSTILE[0], department=HOSTILE[5])
    Alert.objects.create(kind="threshold", enterprise=firms[2], month=month, detail=HOSTILE[1], rule="XN-GS-6")
    Candidate.objects.create(enterprise=firms[3], source="revenue", added_month=month)
    do_compute_assessment(actor=SYSTEM, year=today.year - 1)
    from chanye.supervision.models import Department, Task, TaskReport, TaskUnit

    task = Task.objects.create(code="hostile", label=HOSTILE[0])
    dept = TaskUnit.objects.create(task=task, department=Department.objects.create(name=HOSTILE[4]), is_lead=True)
    TaskReport.objects.create(task=task, unit=dept, on=month, text=HOSTILE[1])
    bad = csv_bytes([["统一社会信用代码", "企业名称", "所属区县"], *[["", h, h] for h in HOSTILE]])
    failed = run_import("enterprises", data=bad, filename="名录.csv", user=users["admin"])
    assert failed.batch.status == ImportBatch.Status.INVALID
    from chanye.targets.block_economy import do_register_base
    from chanye.targets.models import IndicatorValue

    base = do_register_base(actor=SYSTEM, name=HOSTILE[2], county=xa)  # 块状经济年度认定 (HG-A-1)
    IndicatorValue.objects.create(
        indicator="cluster_output", cluster=base, period=dt.date(today.year - 1, 12, 1), value=12
    )
    from chanye.rewards.models import Entitlement

    Entitlement.objects.create(  # a reward's label comes from a pack someone typed
        key="hostile", year=today.year - 1, reward_code="hostile", rule="HG-R-2", label=HOSTILE[1],
        enterprise=firms[0], county=xa, amount=1, explanation=HOSTILE[2],
    )  # fmt: skip
    import random

    from chanye.core.uscc_gen import make_uscc
    from chanye.supply.invoice_import import import_invoices
    from tests.supply.invoice_world import HEADER, write_csv

    # an invoice file names its outside sellers and products: typed by whoever issued the invoices
    outside = make_uscc(random.Random(3), "320500")
    line = [outside, firms[0].uscc, "320500", "", month.isoformat(), HOSTILE[1], "1000", ""]
    path = write_csv(
        tmp_path / "发票.csv", [[*line[:2], HOSTILE[0], *line[2:]]], header=[*HEADER[:2], "销方名称", *HEADER[2:]]
    )
    assert import_invoices(path, user=SYSTEM).ok
    xa.name = HOSTILE[3]  # a county's name is typed by someone too (the pack)
    xa.save(update_fields=["name"])
    return {"firms": firms, "chain": chain, "batch": failed.batch, "year": today.year - 1, "this_year": today.year}


def _cases(h) -> dict[str, list[str]]:
    """Each spreadsheet route's URLs and, per URL, what hostile texts it must show intact."""
    return {
        "enterprises:export": ["/enterprises/export.xlsx"],
        "projects:export": ["/projects/export.xlsx"],
        "projects:issues_export": ["/projects/issues/export.xlsx"],
        "projects:bulletin_export": ["/projects/bulletin.xlsx"],
        "projects:growth_points_export": ["/projects/growth-points.xlsx"],
        "projects:tech_upgrade_export": ["/projects/tech-upgrade.xlsx"],
        "projects:concentrated_starts_export": ["/projects/concentrated-starts.xlsx"],
        "projects:dispatch_export": ["/projects/dispatch.xlsx"],
        "chains:gaps_export": ["/chains/gaps.xlsx"],
        "chains:export_all": ["/chains/export.xlsx"],
        "chains:export": [f"/chains/{h['chain'].pk}/export.xlsx"],
        "chains:members_template": ["/chains/members/template.xlsx"],
        "chains:targets_export": ["/attraction/targets/export.xlsx"],
        "chains:targets_template": ["/attraction/targets/template.xlsx"],
        "chains:leads_export": ["/attraction/leads/export.xlsx"],
        "chains:conversion_export": ["/attraction/leads/conversion.xlsx"],
        "cultivation:leader_export": ["/chain-leaders/leaders.xlsx", "/chain-leaders/demands.xlsx"],
        "cultivation:export": [f"/cultivation/{w}.xlsx" for w in ("alerts", "candidates", "quota", "tiers")],
        "cultivation:exit_risk_export": ["/cultivation/exit-risk.xlsx"],
        "targets:assessment_export": [f"/assessment/{h['year']}/export.xlsx"],
        "core:import_template": [f"/imports/template/{k}.xlsx" for k in registry.names()],
        "core:import_errors": [f"/imports/{h['batch'].pk}/errors.xlsx"],
        "supervision:export": ["/supervision/export.xlsx"],
        "supervision:catalogue_export": ["/supervision/liaison/food/catalogue.xlsx"],
        "targets:mu_tax_export": [f"/assessment/mu-tax/export.xlsx?year={h['year']}"],
        "targets:block_recognition_export": [f"/assessment/blocks/export.xlsx?year={h['year']}"],
        "cultivation:rd_guidance_export": [f"/cultivation/rd-guidance.xlsx?year={h['year']}"],
        "targets:echelons_export": ["/targets/echelons/export.xlsx"],
        "rewards:export": [f"/rewards/export.xlsx?year={h['year']}"],
        "supply:export": [f"/supply/export.xlsx?year={h.get('this_year', 2026)}"],
        "specialisation_export": ["/specialisation/export.xlsx"],  # county names are the pack's (editable) text
    }


# What each export must show intact (the rest must simply hold no formula).
SHOWN = {
    "/enterprises/export.xlsx": HOSTILE,
    "/projects/export.xlsx": HOSTILE[:2],
    "/projects/concentrated-starts.xlsx": HOSTILE[:2],  # the hostile project is signed, not started: a candidate
    "/projects/dispatch.xlsx": [HOSTILE[3]],  # the county's name
    "/chains/export.xlsx": [HOSTILE[0], HOSTILE[2]],
    "/attraction/targets/export.xlsx": HOSTILE[1:4],
    "/attraction/leads/export.xlsx": [HOSTILE[0]],
    "/chain-leaders/leaders.xlsx": [HOSTILE[1]],
    "/chain-leaders/demands.xlsx": [HOSTILE[0], HOSTILE[5]],
    "/cultivation/alerts.xlsx": [HOSTILE[2], HOSTILE[1]],
    "/cultivation/candidates.xlsx": [HOSTILE[3]],
    "/cultivation/quota.xlsx": [HOSTILE[3]],
    "/cultivation/exit-risk.xlsx": HOSTILE,
    "/supervision/export.xlsx": [HOSTILE[0], HOSTILE[4], HOSTILE[1]],
    "/supervision/liaison/food/catalogue.xlsx": HOSTILE,  # the 企业库's firm names
}
SHOWN_PREFIX = {  # exports whose URL carries a query (the year)
    "/supply/export.xlsx": [HOSTILE[0], HOSTILE[1], HOSTILE[3]],  # the seller's name, its product, the county
    "/rewards/export.xlsx": [HOSTILE[0], HOSTILE[1]],  # the firm's name, the reward's label
    "/assessment/blocks/export.xlsx": [HOSTILE[2]],  # the base's name
    "/cultivation/rd-guidance.xlsx": HOSTILE,
}


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_every_spreadsheet_route_has_a_case():
    assert _xlsx_routes() == set(
        _cases({"chain": type("C", (), {"pk": 1}), "batch": type("B", (), {"pk": 1}), "year": 2025})
    )


def test_no_spreadsheet_the_platform_writes_holds_a_formula_and_hostile_names_read_intact(hostile, login, users):
    client = login(users["admin"])
    checked = 0
    for name, urls in _cases(hostile).items():
        for url in urls:
            resp = client.get(url)
            assert resp.status_code == 200, (name, url, resp.status_code)
            cells = list(_cells(resp.content))
            formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
            assert formulas == [], (url, formulas)
            texts = {c.value for c in cells if isinstance(c.value, str)}
            shown = SHOWN.get(url, []) + next((v for k, v in SHOWN_PREFIX.items() if url.startswith(k)), [])
            for h in shown:
                assert h in texts, (url, h)
            for c in cells:
                if isinstance(c.value, str) and c.value in HOSTILE:
                    assert c.data_type == "s" and c.quotePrefix, (url, c.coordinate)
            checked += 1
    assert checked == sum(len(u) for u in _cases(hostile).values())


def test_the_error_file_shows_each_hostile_value_intact_as_text(hostile, login, users):
    resp = login(users["admin"]).get(f"/imports/{hostile['batch'].pk}/errors.xlsx")
    values = [c for c in _cells(resp.content) if c.column == 3 and isinstance(c.value, str)]
    assert {h.strip() for h in HOSTILE} <= {c.value for c in values}  # cells are read with blanks trimmed
    assert all(c.data_type == "s" for c in values)


def test_the_bulletin_docx_has_no_field_codes_and_shows_the_names_as_text(hostile, login, users):
    """A .docx is not executable, but a field code (HYPERLINK, DDE) could be: python-docx writes text runs only."""
    resp = login(users["admin"]).get("/projects/bulletin.docx")
    assert resp.status_code == 200
    xml = resp.content
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(xml)).read("word/document.xml").decode()
    assert "instrText" not in body and "fldSimple" not in body and "fldChar" not in body
    Document(io.BytesIO(xml))  # opens


def test_numbers_stay_numbers_and_text_that_merely_looks_negative_stays_text():
    from chanye.core import xlsx

    data = xlsx.table(["值", "说明"], [[Decimal("-12.5"), "-12.5"], [-3, "- 按期推进"], [dt.date(2025, 1, 1), "正常"]])
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in rows[0]] == [(-12.5, "n"), ("-12.5", "s")]
    assert rows[0][1].quotePrefix and rows[1][1].quotePrefix and not rows[2][1].quotePrefix
    assert (rows[1][0].value, rows[1][0].data_type, rows[2][0].is_date) == (-3, "n", True)

"""Project-library import (项目库): the whole file is checked first and written all or nothing; a new project gets
the status, colour and 12 planned milestones `do_save_project` gives it (XN-XM-1/2/3/4); re-importing changes
nothing; 万元 headers are converted; 1–3 secretaries (XN-XM-6); county officers import only their county."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.core.imports.reader import read_sheet
from chanye.core.imports.runner import run_import
from chanye.core.models import AuditLog, ImportBatch
from chanye.projects.models import Project
from chanye.projects.services import do_record_milestone, do_save_project
from tests.factories import EnterpriseFactory, ProjectFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADER = [
    "项目编号",
    "项目名称",
    "投资企业统一社会信用代码",
    "投资主体",
    "区县",
    "园区",
    "重点产业",
    "产业集群",
    "产业链环节",
    "项目性质",
    "项目清单",
    "项目类型",
    "总投资(亿元)",
    "签约日期",
    "开工日期",
    "投产日期",
    "预计新增产值(万元)",
    "包保领导",
    "项目秘书",
    "项目管家",
    "责任单位",
    "备注",
]


def row(**kw):
    base = {
        "项目编号": "XA-2025-001",
        "项目名称": "甲新材料生产线项目",
        "投资主体": "湖北甲新材料有限公司",
        "区县": "咸安区",
        "重点产业": "食品饮料",
        "产业集群": "冷链食品制造集群",
        "产业链环节": "肉制品",
        "项目性质": "新招引（增量）",
        "项目清单": "新建类",
        "项目类型": "产业发展",
        "总投资(亿元)": 6,
        "签约日期": "2025-01-10",
        "开工日期": "2025-03-01",
        "预计新增产值(万元)": 25000,
        "包保领导": "王建国",
        "项目秘书": "张明、李华",
        "项目管家": "刘洋",
        "责任单位": "咸安区经信局",
    }
    base.update(kw)
    return [base.get(h) for h in HEADER]


def run(rows, user=SYSTEM, dry_run=False, header=HEADER):
    return run_import("projects", data=xlsx([header, *rows]), filename="项目库.xlsx", user=user, dry_run=dry_run)


def milestones(p):
    return list(p.milestones.order_by("seq").values_list("seq", "code", "name", "planned_on", "actual_on"))


def comparable(p):
    skip = {"id", "code", "created_at", "updated_at"}
    return {f.attname: getattr(p, f.attname) for f in Project._meta.concrete_fields if f.attname not in skip}


def test_a_new_project_is_exactly_what_do_save_project_makes(regions, users):
    out = run([row(), row(**{"项目编号": "XA-2025-002", "签约日期": None, "开工日期": None, "项目清单": "谋划类"})])
    assert out.ok, out.errors
    assert (out.batch.created, out.batch.updated, out.batch.unchanged) == (2, 0, 0)
    imported = Project.objects.get(code="XA-2025-001")
    by_service = do_save_project(
        actor=users["admin"],
        project=Project(),
        data={
            "code": "S-1",
            "name": "甲新材料生产线项目",
            "investor": "湖北甲新材料有限公司",
            "county_id": regions["咸安区"].pk,
            "industry_id": imported.industry_id,
            "cluster_id": imported.cluster_id,
            "chain_node": "肉制品",
            "kind": "new",
            "list_kind": "new_build",
            "project_type": "industry",
            "investment": Decimal("6"),
            "signed_on": dt.date(2025, 1, 10),
            "started_on": dt.date(2025, 3, 1),
            "expected_output": Decimal("25000"),
            "leader": "王建国",
            "secretaries": ["张明", "李华"],
            "steward": "刘洋",
            "responsible_unit": "咸安区经信局",
        },
    )
    by_service.refresh_from_db()
    imported.refresh_from_db()
    assert comparable(imported) == comparable(by_service)
    assert milestones(imported) == milestones(by_service) and len(milestones(imported)) == 12
    assert (imported.status, imported.colour, imported.grade) == ("building", "blue", 3)  # XN-XM-4
    assert imported.industry.name == "食品饮料" and imported.cluster.name == "冷链食品制造集群"
    # 5–10亿: production planned 12 months after the actual start (XN-XM-2)
    assert dict(imported.milestones.values_list("code", "planned_on"))["acceptance"] == dt.date(2026, 3, 1)
    planned = Project.objects.get(code="XA-2025-002")
    assert (planned.status, planned.colour, planned.list_kind) == ("planned", "yellow", "planning")
    assert not planned.milestones.exclude(planned_on=None).exists()  # nothing to plan before signing
    log = AuditLog.objects.get(object_type="projects.project", object_id=str(imported.pk))
    assert log.action == "create" and log.after["code"] == "XA-2025-001"


def test_choices_regions_and_links_are_matched_by_name_short_name_or_code(regions):
    ent = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼示例食品有限公司")
    out = run(
        [
            row(
                **{
                    "投资企业统一社会信用代码": ent.uscc,
                    "投资主体": None,
                    "区县": "嘉鱼",
                    "园区": "潘湾化工园区",
                    "重点产业": "electronics",
                    "产业集群": "电子信息",
                    "项目性质": "技改",
                    "项目清单": "续建",
                    "项目类型": "基础设施",
                }
            ),
            row(**{"项目编号": "GX-1", "区县": "421200-GXQ", "项目性质": "存量", "项目类型": "民生环保"}),
        ]
    )
    assert out.ok, out.errors
    p = Project.objects.get(code="XA-2025-001")
    assert (p.county.name, p.park.name, p.enterprise_id, p.investor_name) == (
        "嘉鱼县",
        "潘湾化工园区",
        ent.pk,
        "嘉鱼示例食品有限公司",
    )
    assert (p.industry.code, p.cluster.code, p.kind, p.list_kind, p.project_type) == (
        "electronics",
        "electronics",
        "upgrade",
        "continuing",
        "infrastructure",
    )
    gx = Project.objects.get(code="GX-1")
    assert (gx.county.name, gx.kind, gx.project_type) == ("咸宁高新区", "upgrade", "livelihood")


def test_wan_yuan_headers_are_converted_to_yi_yuan(regions):
    header = [
        h.replace("总投资(亿元)", "总投资(万元)").replace("预计新增产值(万元)", "预计新增产值(亿元)") for h in HEADER
    ]
    cells = row()
    cells[HEADER.index("总投资(亿元)")] = "35,000"  # 万元, with a thousands separator
    cells[HEADER.index("预计新增产值(万元)")] = 2.5  # 亿元
    out = run([cells], header=header)
    assert out.ok, out.errors
    p = Project.objects.get()
    assert p.investment == Decimal("3.5") and p.expected_output == Decimal("25000")
    # 3.5亿 is in the 1–5亿 band: 9 months from the start (XN-XM-2)
    assert dict(p.milestones.values_list("code", "planned_on"))["acceptance"] == dt.date(2025, 12, 1)


def test_investment_header_without_a_unit_is_refused(regions):
    header = [h.replace("总投资(亿元)", "总投资") for h in HEADER]
    out = run([row()], header=header)
    assert [(e.row, e.column) for e in out.errors] == [(0, "总投资")]
    assert "单位" in out.errors[0].message and not Project.objects.exists()


def test_reimporting_changes_nothing_and_a_changed_cell_updates_and_replans(regions, users):
    data = [row(), row(**{"项目编号": "XA-2025-002", "项目名称": "乙项目"})]
    assert run(data, user=users["admin"]).batch.created == 2
    audits = AuditLog.objects.count()
    again = run(data, user=users["admin"])
    assert again.ok and (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 2)
    assert AuditLog.objects.count() == audits
    # the investment moves into the 10亿+ band: production re-planned to 18 months after the start
    out = run([row(**{"总投资(亿元)": 12})], user=users["admin"])
    assert (out.batch.created, out.batch.updated, out.batch.unchanged) == (0, 1, 0)
    p = Project.objects.get(code="XA-2025-001")
    assert dict(p.milestones.values_list("code", "planned_on"))["acceptance"] == dt.date(2026, 9, 1)
    log = AuditLog.objects.filter(action="update", object_type="projects.project").get()
    assert log.before["investment"] == "6" and log.after["investment"] == "12" and log.username == "admin"


def test_blank_cells_keep_what_is_stored(regions):
    assert run([row()]).ok
    out = run([row(**{"开工日期": None, "项目秘书": None, "包保领导": None})])
    assert out.ok and out.batch.unchanged == 1
    p = Project.objects.get()
    assert (p.started_on, p.status, p.secretaries, p.leader) == (
        dt.date(2025, 3, 1),
        "building",
        ["张明", "李华"],
        "王建国",
    )


def test_hand_edited_milestones_survive_a_reimport_that_replans(regions, users):
    assert run([row()]).ok
    p = Project.objects.get()
    eq = p.milestones.get(code="equipment")
    do_record_milestone(actor=users["admin"], milestone=eq, planned_on=dt.date(2025, 10, 1))
    assert run([row(**{"总投资(亿元)": 12})]).batch.updated == 1
    assert p.milestones.get(code="equipment").planned_on == dt.date(2025, 10, 1)


def test_every_error_has_row_column_value_and_reason_and_nothing_is_written(regions):
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    rows = [
        row(),
        row(**{"区县": "火星区"}),  # 3: also a duplicate code
        row(**{"项目编号": "E-4", "区县": "咸安区", "园区": "潘湾化工园区"}),
        row(**{"项目编号": "E-5", "重点产业": "不存在产业", "产业集群": "不存在集群"}),
        row(**{"项目编号": "E-6", "项目性质": "外资", "项目清单": "储备类", "项目类型": "商业"}),
        row(**{"项目编号": "E-7", "总投资(亿元)": 0}),
        row(**{"项目编号": "E-8", "签约日期": "2025-13-45", "总投资(亿元)": "三亿"}),
        row(**{"项目编号": "E-9", "签约日期": future}),
        row(**{"项目编号": "E-10", "开工日期": "2024-12-01"}),
        row(**{"项目编号": "E-11", "投产日期": "2025-02-01"}),
        row(**{"项目编号": "E-12", "签约日期": None}),
        row(**{"项目编号": "E-13", "投资主体": None}),
        row(**{"项目编号": "E-14", "投资企业统一社会信用代码": "91421200MA4F00000X"}),
        row(**{"项目编号": "E-15", "项目秘书": "甲、乙、丙、丁"}),
        row(**{"项目编号": None, "项目名称": None}),
        row(**{"项目编号": "E-17", "总投资(亿元)": 50000}),
    ]
    out = run(rows)
    assert not out.ok and out.batch.status == ImportBatch.Status.INVALID
    assert not Project.objects.exists()
    found = {(e.row, e.column): e for e in out.errors}

    def check(r, col, value, words):
        e = found[(r, col)]
        assert e.value == value and words in e.message, e

    check(3, "项目编号", "XA-2025-001", "与第2行重复")
    check(3, "区县", "火星区", "找不到该区县")
    check(4, "园区", "潘湾化工园区", "不属于“咸安区”")
    check(5, "重点产业", "不存在产业", "找不到重点产业")
    check(5, "产业集群", "不存在集群", "找不到产业集群")
    check(6, "项目性质", "外资", "新招引（增量）或 技改（存量）")
    check(6, "项目清单", "储备类", "谋划类、前期类、新建类或续建类")
    check(6, "项目类型", "商业", "产业发展、基础设施或民生环保")
    check(7, "总投资(亿元)", "0", "应大于0")
    check(8, "签约日期", "2025-13-45", "不是有效日期")
    check(8, "总投资(亿元)", "三亿", "不是数字")
    check(9, "签约日期", future, "日期在未来")
    check(10, "开工日期", "2024-12-01", "不能早于签约日期2025-01-10")
    check(11, "投产日期", "2025-02-01", "不能早于开工日期2025-03-01")
    check(12, "开工日期", "2025-03-01", "应有签约日期")
    check(13, "投资主体", "", "投资企业统一社会信用代码或投资主体")
    check(14, "投资企业统一社会信用代码", "91421200MA4F00000X", "统一社会信用代码")
    check(15, "项目秘书", "甲、乙、丙、丁", "XN-XM-6")
    check(16, "项目编号", "", "不能为空")
    check(16, "项目名称", "", "不能为空")
    check(17, "总投资(亿元)", "50000", "请检查表头单位")
    assert len(out.batch.errors) == len(out.errors)


def test_xn_xm_6_more_than_three_secretaries_are_refused(regions):
    out = run([row(**{"项目秘书": "张明,李华,王芳,赵强"})])
    (err,) = out.errors
    assert (err.row, err.column) == (2, "项目秘书")
    assert "1—3名（XN-XM-6）" in err.message and "4名" in err.message
    assert not Project.objects.exists()
    assert run([row(**{"项目秘书": "张明，李华；王芳"})]).ok
    assert Project.objects.get().secretaries == ["张明", "李华", "王芳"]


def test_an_unregistered_enterprise_is_refused_with_the_way_out(regions):
    import random

    from chanye.core.uscc_gen import make_uscc

    code = make_uscc(random.Random(3))
    (err,) = run([row(**{"投资企业统一社会信用代码": code})]).errors
    assert err.column == "投资企业统一社会信用代码" and "请先导入企业名录" in err.message


def test_county_officers_import_only_their_countys_projects(regions, users):
    other = ProjectFactory(code="JY-1", county=regions["嘉鱼县"])
    jiayu_firm = EnterpriseFactory(county=regions["嘉鱼县"])
    out = run(
        [
            row(**{"区县": "嘉鱼县"}),
            row(**{"项目编号": "JY-1"}),
            row(**{"项目编号": "XA-3", "投资企业统一社会信用代码": jiayu_firm.uscc}),
        ],
        user=users["xianan"],
    )
    found = {(e.row, e.column): e.message for e in out.errors}
    assert "您只能导入咸安区的项目" in found[(2, "区县")]
    assert "不在您的管辖范围内" in found[(3, "项目编号")]
    assert "不在您的管辖范围内" in found[(4, "投资企业统一社会信用代码")]
    assert Project.objects.count() == 1
    other.refresh_from_db()
    assert other.county == regions["嘉鱼县"]
    assert run([row()], user=users["xianan"]).ok
    assert Project.objects.for_user(users["xianan"]).get().code == "XA-2025-001"


def test_viewers_cannot_import_projects(regions, users):
    out = run([row()], user=users["viewer"])
    assert not out.ok and "角色" in out.errors[0].message and not Project.objects.exists()


def test_dry_run_checks_only(regions):
    out = run([row()], dry_run=True)
    assert out.ok and out.batch.status == "valid" and not Project.objects.exists()


def test_cli_prints_every_error_and_exits_non_zero(tmp_path, regions, monkeypatch):
    from django.db import connections

    from chanye.cli import main

    bad = tmp_path / "项目库.xlsx"
    bad.write_bytes(xlsx([HEADER, row(**{"区县": "火星区"}), row(**{"项目编号": "B", "项目秘书": "甲、乙、丙、丁"})]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import", "projects", str(bad), stderr=err, stdout=io.StringIO())
    assert "第2行［区县］值“火星区”" in err.getvalue() and "第3行［项目秘书］" in err.getvalue()
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test database open
    with pytest.raises(SystemExit) as exit_:
        main(["import", "projects", str(bad)])
    assert exit_.value.code != 0
    assert not Project.objects.exists()
    good = tmp_path / "好.xlsx"
    good.write_bytes(xlsx([HEADER, row()]))
    out = io.StringIO()
    call_command("import", "projects", str(good), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue() and not Project.objects.exists()
    call_command("import", "projects", str(good), stdout=out)
    assert "新增 1" in out.getvalue() and Project.objects.count() == 1


def test_the_downloaded_template_has_the_chinese_headers_and_its_example_is_valid(regions, users, login):
    client = login(users["admin"])
    page = client.get("/imports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/imports/template/projects.xlsx" in html and "/imports/template/milestones.xlsx" in html
    assert 'value="projects"' in html and 'value="milestones"' in html
    resp = client.get("/imports/template/projects.xlsx")
    assert resp.status_code == 200
    sheet = read_sheet(resp.content, "t.xlsx")
    assert sheet.rows[0][:5] == ["项目编号", "项目名称", "投资企业统一社会信用代码", "投资主体", "区县"]
    assert "总投资(亿元)" in sheet.rows[0] and "预计新增产值(万元)" in sheet.rows[0] and "项目秘书" in sheet.rows[0]
    # left as downloaded, the example is skipped, never imported (tests/core/test_import_template_example_row.py);
    # filled in as an officer would (their own project code), the example's values are all valid
    out = run_import("projects", data=resp.content, filename="项目库导入模板.xlsx", user=users["admin"])
    assert not out.ok and not Project.objects.exists()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(resp.content))
    wb["数据"]["A2"] = "XA-2025-099"  # the officer's own code, not the example's
    buf = io.BytesIO()
    wb.save(buf)
    out = run_import("projects", data=buf.getvalue(), filename="项目库导入模板.xlsx", user=users["admin"])
    assert out.ok, out.errors
    assert Project.objects.get().secretaries == ["张明", "李华"]
    ms = client.get("/imports/template/milestones.xlsx")
    assert read_sheet(ms.content, "m.xlsx").rows[0] == ["项目编号", "节点", "计划完成", "实际完成", "说明"]


def test_web_upload_imports_projects(regions, users, login):
    client = login(users["xianan"])
    f = io.BytesIO(xlsx([HEADER, row()]))
    f.name = "项目库.xlsx"
    resp = client.post("/imports/", {"kind": "projects", "file": f})
    assert resp.status_code == 302
    batch = ImportBatch.objects.get(kind="projects")
    assert batch.status == "done" and batch.created == 1
    assert "项目库" in client.get("/imports/").content.decode()
    assert Project.objects.get().county == regions["咸安区"]

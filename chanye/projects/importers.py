"""The project-library importer (template in docs/import-templates.md), on the all-or-nothing import framework of
`chanye.core.imports`: every row is checked and every error reported (row, column, value, reason) before anything is
written, and one error anywhere means nothing is written. The milestone importer (项目节点) is
`chanye.projects.milestone_import`.

* 项目库 (`projects`): one row per project, upserted by 项目编号. A new project gets its status, colour (XN-XM-4),
  initial grade and its 12 milestones planned from the pack (XN-XM-1/2/3) exactly as `services.do_save_project`
  gives them; 项目清单 (HG-P-1), 项目类型 (YY-P-1), 1–3 项目秘书 with a 包保领导 and a 项目管家 (XN-XM-6).

Blank cells leave what is stored unchanged, so a partial sheet (or re-importing an older one) never erases dates.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from chanye.core import access, audit, uscc
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import CellError, parse_date, parse_decimal, parse_identifier, split_list
from chanye.core.models import ImportBatch
from chanye.core.text import squash, to_halfwidth
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Cluster, Industry
from chanye.projects import bulk, plausibility, services
from chanye.projects import rules as project_rules
from chanye.projects.models import Project, ProjectKind, ProjectList, ProjectType
from chanye.regions.models import RegionLevel
from chanye.regions.selectors import region_lookup

MAX_INVESTMENT = Decimal(10000)  # 亿元: a larger figure is almost surely a unit slip (万元 typed under 亿元)

_BRACKETS = re.compile(r"[()（）\[\]【】]")
_KINDS = {
    "新招引": ProjectKind.NEW,
    "增量": ProjectKind.NEW,
    "新招引增量": ProjectKind.NEW,
    "招引": ProjectKind.NEW,
    "新引进": ProjectKind.NEW,
    "招商引资": ProjectKind.NEW,
    "技改": ProjectKind.UPGRADE,
    "存量": ProjectKind.UPGRADE,
    "技改存量": ProjectKind.UPGRADE,
    "技术改造": ProjectKind.UPGRADE,
    "技改升级": ProjectKind.UPGRADE,
}
_LISTS = {label: value for value, label in ProjectList.choices} | {
    label[:-1]: value for value, label in ProjectList.choices
}
_TYPES = {label: value for value, label in ProjectType.choices} | {"产业": ProjectType.INDUSTRY}


def _choice(value: Any, table: dict[str, str], codes: list[str]) -> str | None:
    s = squash(str(value))
    for key in (s, _BRACKETS.sub("", s), re.sub(r"[(（].*?[)）]", "", s)):
        if key in table:
            return table[key]
    return s.lower() if s.lower() in codes else None


def project_code(value: Any) -> str:
    """A project number: text, or a whole number Excel stored as a number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        raise CellError("项目编号应为文本")
    s = "".join(to_halfwidth(str(value)).split())
    if len(s) > 40:
        raise CellError("项目编号不能超过40个字符")
    return s


class ProjectImporter(Importer):
    """项目库: upsert by 项目编号 (HG-P-1 lists, YY-P-1 types, XN-XM-6 staff; milestones planned per XN-XM-1/2/3)."""

    kind = "projects"
    title = "项目库"
    columns = [
        Column(
            "code",
            "项目编号",
            ("项目代码", "项目编码", "编号"),
            required=True,
            help="全市唯一；重复导入时按编号更新",
            example="XA-2025-001",
        ),
        Column("name", "项目名称", ("名称",), required=True, example="湖北示例新材料年产5万吨生产线项目"),
        Column(
            "uscc",
            "投资企业统一社会信用代码",
            ("统一社会信用代码", "信用代码", "投资企业信用代码", "企业信用代码"),
            help="选填；须是企业库中（您管辖范围内）的企业，文本格式",
            example="91421200MA4F000000",
        ),
        Column(
            "investor",
            "投资主体",
            ("投资企业", "投资方", "项目单位", "建设单位", "投资主体名称"),
            help="企业尚未入库时填写名称（与信用代码至少填一项）",
            example="湖北示例新材料有限公司",
        ),
        Column(
            "county",
            "区县",
            ("所属区县", "县市区", "所在区县", "项目所在地", "区县代码"),
            required=True,
            help="名称、简称或区划代码，如 咸安区 / 咸安 / 421202 / 咸宁高新区",
            example="咸安区",
        ),
        Column("park", "园区", ("所属园区", "所在园区"), help="园区名称或代码，须在所填区县内"),
        Column("industry", "重点产业", ("所属产业", "产业"), help="政策包中的名称或编号", example="电子信息"),
        Column("cluster", "产业集群", ("所属集群", "集群"), help="政策包中的名称或编号"),
        Column("chain_node", "产业链环节", ("产业链", "链条环节", "环节")),
        Column(
            "kind",
            "项目性质",
            ("增量/存量", "项目类别"),
            help="新招引（增量）或 技改（存量）；不填为新招引",
            example="新招引",
        ),
        Column(
            "list_kind",
            "项目清单",
            ("清单类别", "清单"),
            help="谋划类/前期类/新建类/续建类（HG-P-1）",
            example="新建类",
        ),
        Column("project_type", "项目类型", (), help="产业发展/基础设施/民生环保（YY-P-1）", example="产业发展"),
        Column(
            "investment",
            "总投资",
            ("计划总投资", "项目总投资", "总投资额"),
            required=True,
            units={"亿元": Decimal(1), "万元": Decimal("0.0001"), "元": Decimal("0.00000001")},
            help="表头须带单位：亿元或万元（万元自动换算为亿元）",
            example="3.5",
        ),
        Column("signed_on", "签约日期", ("签约时间",), help="如 2025-03-18；不能是未来日期", example="2025-03-18"),
        Column("started_on", "开工日期", ("开工时间", "实际开工日期"), help="不早于签约日期"),
        Column("producing_on", "投产日期", ("投产时间", "实际投产日期", "建成投产日期"), help="不早于开工日期"),
        Column(
            "expected_output",
            "预计新增产值",
            ("达产后新增产值", "预计年新增产值", "新增产值"),
            units={"万元": Decimal(1), "亿元": Decimal(10000), "千元": Decimal("0.1"), "元": Decimal("0.0001")},
            help="达产后年新增产值；2000万元以上计入工业增长点（XN-GS-9）",
            example="25000",
        ),
        Column("leader", "包保领导", ("包保县级领导", "包保责任领导"), example="王建国"),
        Column(
            "secretaries",
            "项目秘书",
            ("现场秘书", "项目现场秘书"),
            help="1—3名，用顿号或逗号分隔（XN-XM-6）",
            example="张明、李华",
        ),
        Column("steward", "项目管家", (), example="刘洋"),
        Column("responsible_unit", "责任单位", ("牵头单位", "责任部门"), example="咸安区经信局"),
        Column("note", "备注", ("说明",)),
    ]
    TEXT_LIMITS = {
        "investor": 200,
        "chain_node": 60,
        "leader": 60,
        "steward": 60,
        "responsible_unit": 80,
    }

    def identity_keys(self) -> tuple[str, ...]:
        return ("code", "name")

    def prepare(self) -> None:
        self.regions = region_lookup()
        self.county_outputs = plausibility.county_outputs(self.today.year - 1)
        self.industries: dict[str, Industry] = {}
        for i in Industry.objects.filter(is_active=True):
            for key in (squash(i.name), i.code, squash(i.name).removesuffix("产业"), squash(i.name) + "产业"):
                self.industries.setdefault(key, i)
        self.clusters: dict[str, Cluster] = {}
        for c in Cluster.objects.filter(is_active=True):
            name = squash(c.name)
            for key in (name, c.code, name.removesuffix("产业集群"), name.removesuffix("集群")):
                if key:
                    self.clusters.setdefault(key, c)
        self.all_uscc = set(Enterprise.objects.values_list("uscc", flat=True))
        ents = access.scoped(Enterprise, self.user)
        self.ent_by_uscc = dict(ents.values_list("uscc", "pk"))
        fields = ("pk", "code", "enterprise_id", "investor", "signed_on", "started_on", "producing_on")
        self.existing = {r["code"]: r for r in Project.objects.values(*fields)}
        visible = access.scoped(Project, self.user)
        self.visible = set(visible.values_list("pk", flat=True))
        self.seen: dict[str, int] = {}
        self.officer_region = access.unit_id(self.user)

    # -- cells ---------------------------------------------------------------------------------
    def _region(self, ctx: RowContext, key: str, *, county: bool) -> Any:
        raw = ctx.raw(key)
        if raw is None:
            return None
        r = self.regions.get(squash(str(raw)))
        if r is None:
            units = "、".join(
                sorted({x.name for x in self.regions.values() if (x.is_county_level if county else x.level == "park")})
            )
            ctx.error(key, f"找不到该{'区县' if county else '园区'}；可用：{units}")
            return None
        if county and not r.is_county_level:
            ctx.error(key, "不是区县级单位（请填写项目所在区县；园区请填在“园区”列）")
            return None
        if not county and r.level != RegionLevel.PARK:
            ctx.error(key, "不是园区（区县请填在“区县”列）")
            return None
        return r

    def _date(self, ctx: RowContext, key: str) -> dt.date | None:
        d = ctx.cell(key, parse_date)
        if d is None:
            return None
        if d > self.today:
            ctx.error(key, f"日期在未来（今天是{self.today:%Y-%m-%d}）")
            return None
        if d.year < 2000:
            ctx.error(key, "年份早于2000年，请检查")
            return None
        return d

    def _lookup(self, ctx: RowContext, key: str, table: dict[str, Any], what: str) -> Any:
        raw = ctx.raw(key)
        if raw is None:
            return None
        obj = table.get(squash(str(raw)))
        if obj is None:
            names = "、".join(sorted({o.name for o in table.values()})[:30])
            ctx.error(key, f"找不到{what}“{raw}”（请使用政策包中的名称：{names}）")
        return obj

    # -- rows ----------------------------------------------------------------------------------
    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ex = self._validate_code(ctx, out)
        self._validate_name(ctx, out)
        self._validate_place(ctx, out)
        self._validate_enterprise(ctx, out)
        self._validate_texts(ctx, out)
        if (
            ctx.raw("uscc") is None
            and ctx.raw("investor") is None
            and not (ex and (ex["enterprise_id"] or ex["investor"]))
        ):
            ctx.error("investor", "请填写投资企业统一社会信用代码或投资主体", "")
        self._validate_classification(ctx, out)
        self._validate_investment(ctx, out)
        self._validate_expected_output(ctx, out)
        self._validate_secretaries(ctx, out)
        self._validate_dates(ctx, out, ex)
        self._doubt_expected_output(ctx, out)
        return out

    def _doubt_expected_output(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """A 预计新增产值 out of proportion to the investment or the county's output is imported with a warning
        (`plausibility`), not refused."""
        expected = out.get("expected_output")
        if expected is None:
            return
        county = out.get("county")
        found = plausibility.doubts(
            investment=out.get("investment"),  # required: the row has it
            expected_output=expected,
            county_output=self.county_outputs.get(county.pk) if county is not None else None,
            year=self.today.year,
        )
        header = ctx.headers.get("expected_output", "预计新增产值")
        self.warnings += [RowError(ctx.row, header, f"{expected}", doubt) for doubt in found]

    def _validate_code(self, ctx: RowContext, out: dict[str, Any]) -> dict[str, Any] | None:
        """项目编号: required, unique in the sheet, within the user's scope; returns the stored project, if any."""
        code = ctx.cell("code", project_code)
        ex = None
        if code:
            out["code"] = code
            if code in self.seen:
                ctx.error("code", f"与第{self.seen[code]}行重复（同一项目编号）", code)
            else:
                self.seen[code] = ctx.row
            ex = self.existing.get(code)
            if ex is not None and ex["pk"] not in self.visible:
                ctx.error("code", "该项目不在您的管辖范围内，不能修改", code)
                ex = None
        elif ctx.raw("code") is None:
            ctx.error("code", "项目编号不能为空", "")
        return ex

    def _validate_name(self, ctx: RowContext, out: dict[str, Any]) -> None:
        name = ctx.raw("name")
        if name is None:
            ctx.error("name", "项目名称不能为空", "")
        elif len(" ".join(str(name).split())) > 200:
            ctx.error("name", "项目名称不能超过200个字")
        else:
            out["name"] = " ".join(str(name).split())

    def _validate_place(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """区县 and 园区: the park must lie in the county, the county in an officer's region."""
        county = self._region(ctx, "county", county=True)
        park = self._region(ctx, "park", county=False)
        if county is None and ctx.raw("county") is None:
            if park is not None and park.parent_id and park.parent.is_county_level:
                county = park.parent  # a park names its county
            else:
                ctx.error("county", "区县不能为空", "")
        if county is not None:
            out["county"] = county
            if park is not None and park.pk != county.pk and park.parent_id != county.pk:
                ctx.error("park", f"园区“{park.name}”不属于“{county.name}”")
            if self.officer_region is not None and self.officer_region not in (county.pk, getattr(park, "pk", None)):
                ctx.error("county", f"您只能导入{self.user.region.name}的项目")
        if park is not None:
            out["park"] = park

    def _validate_enterprise(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """The investing enterprise's 统一社会信用代码 must be in the (visible) registry."""
        code_ent = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if not code_ent:
            return
        pk = self.ent_by_uscc.get(code_ent)
        if pk is not None:
            out["enterprise_id"] = pk
        elif code_ent in self.all_uscc:
            ctx.error("uscc", "该企业不在您的管辖范围内", code_ent)
        elif found := uscc.problems(code_ent):
            ctx.error("uscc", "统一社会信用代码无效：" + "；".join(p.message for p in found), code_ent)
        else:
            ctx.error("uscc", "企业库中没有该统一社会信用代码：请先导入企业名录，或只填写“投资主体”", code_ent)

    def _validate_texts(self, ctx: RowContext, out: dict[str, Any]) -> None:
        for key, limit in self.TEXT_LIMITS.items():
            if ctx.raw(key) is None:
                continue
            text = " ".join(str(ctx.raw(key)).split())
            if len(text) > limit:
                ctx.error(key, f"不能超过{limit}个字")
            else:
                out[key] = text
        if ctx.raw("note") is not None:
            out["note"] = str(ctx.raw("note")).strip()

    def _validate_classification(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """重点产业, 产业集群 and the choice columns 类别 (kind), 项目清单 (HG-P-1), 项目类型 (YY-P-1)."""
        industry = self._lookup(ctx, "industry", self.industries, "重点产业")
        if industry is not None:
            out["industry"] = industry
        cluster = self._lookup(ctx, "cluster", self.clusters, "产业集群")
        if cluster is not None:
            out["cluster"] = cluster
        for key, table, codes, hint in (
            ("kind", _KINDS, ProjectKind.values, "新招引（增量）或 技改（存量）"),
            ("list_kind", _LISTS, ProjectList.values, "谋划类、前期类、新建类或续建类（HG-P-1）"),
            ("project_type", _TYPES, ProjectType.values, "产业发展、基础设施或民生环保（YY-P-1）"),
        ):
            if ctx.raw(key) is None:
                continue
            v = _choice(ctx.raw(key), table, codes)
            if v is None:
                ctx.error(key, f"应为{hint}")
            else:
                out[key] = v

    def _validate_investment(self, ctx: RowContext, out: dict[str, Any]) -> None:
        if ctx.raw("investment") is None:
            ctx.error("investment", "总投资不能为空", "")
            return
        mc = self.mapped["investment"]
        d = ctx.cell("investment", parse_decimal)
        if d is None:
            return
        d = (d * mc.factor).quantize(Decimal("0.0001"))
        if d <= 0:
            ctx.error("investment", "总投资应大于0")
        elif d >= MAX_INVESTMENT:
            ctx.error("investment", f"总投资{d:,.0f}亿元过大，请检查表头单位（亿元/万元）")
        else:
            out["investment"] = d

    def _validate_expected_output(self, ctx: RowContext, out: dict[str, Any]) -> None:
        if "expected_output" not in self.mapped:
            return
        d = ctx.cell("expected_output", parse_decimal)
        if d is None:
            return
        d = (d * self.mapped["expected_output"].factor).quantize(Decimal("0.01"))
        if d >= Decimal("1e11"):
            ctx.error("expected_output", "预计新增产值过大，请检查表头单位（万元/亿元）")
        else:
            out["expected_output"] = d

    def _validate_secretaries(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """At most the pack's number of 项目秘书 (XN-XM-6, 咸宁: 1–3), only for a pack that states it; too few is
        flagged on the project page (`services.staffing_gaps`), not refused: the library is imported as it is."""
        if ctx.raw("secretaries") is None:
            return
        names = split_list(ctx.raw("secretaries"))
        staffing = project_rules.current().staffing
        if staffing is not None and len(names) > staffing.secretaries_max:
            ctx.error(
                "secretaries",
                f"项目秘书为{staffing.secretaries_min}—{staffing.secretaries_max}名（XN-XM-6），"
                f"这里填了{len(names)}名：{'、'.join(names)}",
            )
        elif any(len(n) > 30 for n in names):
            ctx.error("secretaries", "每位项目秘书的姓名不能超过30个字；多名秘书请用顿号分隔")
        else:
            out["secretaries"] = names

    def _validate_dates(self, ctx: RowContext, out: dict[str, Any], ex: dict[str, Any] | None) -> None:
        dates = {k: self._date(ctx, k) for k in ("signed_on", "started_on", "producing_on")}
        for k, v in dates.items():
            if v is not None:
                out[k] = v
        if all(ctx.raw(k) is None or dates[k] is not None for k in dates):  # unparsable dates were reported
            _check_date_order(ctx, dates, ex)

    # -- write ---------------------------------------------------------------------------------
    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        rules = project_rules.current()
        current = {
            p.code: p
            for p in Project.objects.filter(code__in=[d["code"] for _, d in rows]).select_related("county", "park")
        }
        message = f"导入{self.title}：{batch.filename}"
        new: list[tuple[int, Project]] = []
        changes: list[tuple[Project, dict[str, Any]]] = []
        unchanged = 0
        for row_no, data in rows:
            p = current.get(data["code"])
            if p is None:
                p = Project(code=data["code"])
                _assign(p, data)
                new.append((row_no, p))
                continue
            before = audit.snapshot(p)
            if not _assign(p, data):
                unchanged += 1
                continue
            try:
                services.validate(p)
            except ValidationError as e:
                raise ImportAbort(RowError(row_no, "", data["code"], "；".join(e.messages))) from e
            changes.append((p, before))
        for row_no, p in new:
            try:
                bulk.prepare_new(p, rules)
            except ValidationError as e:
                raise ImportAbort(RowError(row_no, "", p.code, "；".join(e.messages))) from e
        self._progress(batch, 70)
        updated = bulk.do_update_projects(actor=self.user, changes=changes, rules=rules, message=message)
        self._progress(batch, 80)
        created = bulk.do_create_projects(actor=self.user, projects=[p for _, p in new], rules=rules, message=message)
        return len(created), updated, unchanged


def _check_date_order(ctx: RowContext, dates: dict[str, dt.date | None], ex: dict[str, Any] | None) -> None:
    """签约 ≤ 开工 ≤ 投产, on the values after this row (the cell, else what is stored)."""

    def eff(k: str) -> dt.date | None:  # the value after this row: the cell, else what is stored
        return dates[k] if ctx.raw(k) is not None else (ex[k] if ex else None)

    signed, started, producing = eff("signed_on"), eff("started_on"), eff("producing_on")
    value = {"signed_on": signed, "started_on": started, "producing_on": producing}
    if started and not signed:
        ctx.error("started_on", "已开工的项目应有签约日期（请填写签约日期）", started)
    elif started and signed and started < signed:
        key = "started_on" if ctx.raw("started_on") is not None else "signed_on"
        ctx.error(key, f"开工日期{started:%Y-%m-%d}不能早于签约日期{signed:%Y-%m-%d}", value[key])
    if producing and not started:
        ctx.error("producing_on", "投产前应先开工（请填写开工日期）", producing)
    elif producing and started and producing < started:
        key = "producing_on" if ctx.raw("producing_on") is not None else "started_on"
        ctx.error(key, f"投产日期{producing:%Y-%m-%d}不能早于开工日期{started:%Y-%m-%d}", value[key])


_FK = {"county", "park", "industry", "cluster"}


def _assign(p: Project, data: dict[str, Any]) -> bool:
    """Set the row's values on the project; True if anything changed."""
    changed = False
    for key, value in data.items():
        if key == "code":
            continue
        if key in _FK:
            if getattr(p, f"{key}_id") != value.pk:
                setattr(p, key, value)
                changed = True
        elif getattr(p, key) != value:
            setattr(p, key, value)
            changed = True
    return changed


TEMPLATE_NOTES = [
    "1. 第一行为表头，请勿修改列名；标橙色的列必填。可以删除不需要的选填列。",
    "2. 项目编号全市唯一。重复导入同一文件不会产生变化；按项目编号更新已有项目，空白单元格不会清空已有内容。",
    "3. 区县填写名称（如 咸安区、咸宁高新区）、简称或区划代码；园区须在所填区县内。",
    "4. 总投资的表头须带单位：总投资(亿元) 或 总投资(万元)，万元自动换算为亿元。",
    "5. 项目性质：新招引（增量）/技改（存量）；项目清单：谋划类/前期类/新建类/续建类；",
    "   项目类型：产业发展/基础设施/民生环保。",
    "6. 项目秘书1—3名，用顿号分隔（XN-XM-6）。日期不能是未来日期；开工不早于签约，投产不早于开工。",
    "7. 新项目按政策包自动计划12个节点（签约到开工60天、开工到投产按投资额9/12/18个月），并确定四色状态。",
    "8. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
]
TEMPLATE_EXAMPLES: list[dict[str, Any]] = [
    {
        "code": "XA-2025-001",
        "name": "湖北示例新材料年产5万吨生产线项目",
        "investor": "湖北示例新材料有限公司",
        "county": "咸安区",
        "kind": "新招引",
        "list_kind": "新建类",
        "project_type": "产业发展",
        "investment": 3.5,
        "signed_on": "2025-03-18",
        "expected_output": 25000,
        "leader": "王建国",
        "secretaries": "张明、李华",
        "steward": "刘洋",
        "responsible_unit": "咸安区经信局",
    }
]
TEXT_KEYS = ["code", "uscc"]


def register() -> None:
    """Register the project-library importer (from `ProjectsConfig.ready`); the project editors may run it."""
    from chanye.core.imports import registry

    registry.register(
        "projects",
        ProjectImporter,
        label="项目库",
        roles=services.EDITORS,
        notes=TEMPLATE_NOTES,
        examples=TEMPLATE_EXAMPLES,
        text_keys=TEXT_KEYS,
        order=30,
    )


__all__ = ["ProjectImporter", "project_code", "register"]

"""The enterprise-list and monthly-figure importers (templates in docs/import-templates.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core import access, hooks, uscc
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import (
    CellError,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_identifier,
    parse_month,
    split_list,
)
from chanye.core.models import ImportBatch
from chanye.core.roles import Role
from chanye.core.text import squash
from chanye.enterprises import services
from chanye.enterprises.choices import METRICS, FigureSource, HonourKind, SmartFactoryGrade
from chanye.enterprises.matching import NameMatcher
from chanye.enterprises.models import Enterprise, EnterpriseAlias
from chanye.industry.models import Cluster, Industry, IndustryCode
from chanye.regions.selectors import region_lookup

USCC_COL = Column(
    "uscc",
    "统一社会信用代码",
    ("社会信用代码", "信用代码", "统一代码", "USCC"),
    example="91421200MA4F000000",
    help="18位，文本格式",
)
NAME_COL = Column(
    "name", "企业名称", ("单位名称", "企业(单位)名称", "企业全称", "名称"), example="湖北示例科技有限公司"
)

HONOUR_COLUMNS = [
    (HonourKind.INNOVATIVE_SME, Column("h_innovative_sme", "创新型中小企业", help="是/否或级别")),
    (
        HonourKind.SPECIALIZED,
        Column("h_specialized", "专精特新", ("专精特新中小企业", "专精特新企业"), help="国家级/省级/市级/是/否"),
    ),
    (
        HonourKind.LITTLE_GIANT,
        Column("h_little_giant", "小巨人", ("专精特新小巨人", "专精特新“小巨人”", "国家级小巨人"), help="是/否"),
    ),
    (
        HonourKind.SINGLE_CHAMPION,
        Column("h_single_champion", "单项冠军", ("制造业单项冠军",), help="国家级/省级/是/否"),
    ),
    (HonourKind.HIGH_TECH, Column("h_high_tech", "高新技术企业", ("高企",), help="是/否")),
    (HonourKind.CHAIN_LEADER, Column("h_chain_leader", "链主企业", ("链主",), help="是/否")),
    (HonourKind.GREEN_FACTORY, Column("h_green_factory", "绿色工厂", help="国家级/省级/市级/是/否")),
    (
        HonourKind.RD_INSTITUTION,
        Column("h_rd_institution", "研发机构", ("建有研发机构",), help="国家级/省级/市级/是/否"),
    ),
    (HonourKind.DIGITAL, Column("h_digital", "数字化转型", ("完成数字化转型",), help="是/否")),
]
_LEVELS = {
    "国家级": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "city",
    "市": "city",
}
_GRADES = {label: value for value, label in SmartFactoryGrade.choices}
_GRADES.update({label[:-1]: value for value, label in SmartFactoryGrade.choices})


def parse_honour(value: Any) -> dict[str, Any] | None:
    """是/否, or a level (国家级/省级/市级), optionally with a year: '省级(2023)', '2023年国家级'."""
    import re

    s = squash(str(value))
    year = None
    m = re.search(r"(20\d{2}|19\d{2})年?", s)
    if m:
        year = int(m.group(1))
        s = (s[: m.start()] + s[m.end() :]).strip("()（）")
    if not s:
        return {"level": "", "year": year}
    for word, level in _LEVELS.items():
        if s.startswith(word):
            return {"level": level, "year": year}
    try:
        return {"level": "", "year": year} if parse_bool(s) else None
    except CellError as e:
        raise CellError("应为“是/否”或级别（国家级/省级/市级），可带年份，如“省级(2023)”") from e


class EnterpriseImporter(Importer):
    kind = "enterprises"
    title = "企业名录"
    columns = [
        Column("uscc", USCC_COL.label, USCC_COL.aliases, required=True, help=USCC_COL.help, example=USCC_COL.example),
        Column("name", NAME_COL.label, NAME_COL.aliases, required=True, example=NAME_COL.example),
        Column(
            "county",
            "所属区县",
            ("区县", "县市区", "所在区县", "所属县市区", "属地", "区县代码"),
            required=True,
            help="名称或区划代码，如“咸安区”或 421202",
            example="咸安区",
        ),
        Column("park", "所属园区", ("园区",), help="园区名称或代码"),
        Column(
            "industry_code",
            "行业代码",
            ("国民经济行业代码", "国民经济行业分类代码", "国标行业代码"),
            help="GB/T 4754-2017，如 3311 或 C3311",
            example="3311",
        ),
        Column("industries", "重点产业", ("所属产业", "产业"), help="多个用顿号分隔"),
        Column("clusters", "产业集群", ("所属集群", "集群"), help="多个用顿号分隔"),
        Column("is_above_scale", "是否规上", ("规上企业", "是否规上企业", "规上"), help="是/否", example="是"),
        Column("scale_entered_on", "入规日期", ("入规时间", "纳统时间", "入库时间"), help="如 2023-06"),
        Column("scale_exited_on", "退规日期", ("退规时间", "出库时间")),
        Column("aliases", "曾用名", ("别名", "曾用名称"), help="多个用顿号分隔"),
        *[c for _, c in HONOUR_COLUMNS],
        Column("smart_factory_grade", "智能工厂等级", ("智能工厂",), help="基础级/先进级/卓越级/领航级"),
        Column("address", "地址", ("企业地址", "注册地址")),
        Column("established_on", "成立日期", ("成立时间", "注册日期")),
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("uscc",)

    def prepare(self) -> None:
        self.regions = region_lookup()
        self.codes = set(IndustryCode.objects.values_list("code", flat=True))
        self.industries = {}
        for i in Industry.objects.filter(is_active=True):
            self.industries[squash(i.name)] = self.industries[i.code] = i
        self.clusters = {}
        for c in Cluster.objects.filter(is_active=True):
            self.clusters[squash(c.name)] = self.clusters[c.code] = c
            if c.name.endswith("产业集群"):
                self.clusters.setdefault(squash(c.name[:-4]), c)
        self.existing = {u: e for u, e in Enterprise.objects.values_list("uscc", "pk")}
        visible = access.scoped(Enterprise, self.user)
        self.visible = set(visible.values_list("pk", flat=True))
        self.seen: dict[str, int] = {}

    def _region(self, ctx: RowContext, key: str, county_level: bool) -> Any:
        raw = ctx.raw(key)
        if raw is None:
            return None
        r = self.regions.get(squash(str(raw)))
        if r is None:
            units = "、".join(sorted({x.name for x in self.regions.values() if x.is_county_level == county_level}))
            ctx.error(key, f"找不到该{'区县' if county_level else '园区'}；可用：{units}")
            return None
        if county_level and not r.is_county_level:
            ctx.error(key, "不是区县级单位（请填写所属区县；园区请填在“所属园区”列）")
            return None
        return r

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        code = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if code:
            found = uscc.problems(code)
            if found:
                pk = self.existing.get(code)
                if pk is None or not Enterprise.objects.filter(pk=pk, uscc_override=True).exists():
                    ctx.error(
                        "uscc",
                        "统一社会信用代码无效："
                        + "；".join(p.message for p in found)
                        + ("。早期合法代码请由市级管理员在企业页面登记豁免" if found[0].code == "check" else ""),
                        code,
                    )
            out["uscc"] = code
            if code in self.seen:
                ctx.error("uscc", f"与第{self.seen[code]}行重复（同一统一社会信用代码）", code)
            else:
                self.seen[code] = ctx.row
            pk = self.existing.get(code)
            if pk is not None and pk not in self.visible:
                ctx.error("uscc", "该企业不在您的管辖范围内，不能修改", code)
        name = ctx.raw("name")
        if name is not None:
            out["name"] = " ".join(str(name).split())
        else:
            ctx.error("name", "企业名称不能为空", "")
        if code is None and ctx.raw("uscc") is None:
            ctx.error("uscc", "统一社会信用代码不能为空", "")
        county = self._region(ctx, "county", True)
        if county is None and ctx.raw("county") is None:
            ctx.error("county", "所属区县不能为空", "")
        if county is not None:
            if access.unit_id(self.user) and county.pk != access.unit_id(self.user):
                ctx.error("county", f"您只能导入{self.user.region.name}的企业")
            out["county"] = county
        park = self._region(ctx, "park", False)
        if park is not None:
            out["park"] = park
        elif ctx.raw("park") is None and "park" in self.mapped:
            out["park"] = None
        ic = ctx.raw("industry_code")
        if ic is not None:
            s = squash(str(ic)).upper()
            if isinstance(ic, float) and ic.is_integer():
                s = str(int(ic))
            if s[:1].isalpha() and len(s) > 1:
                s = s[1:]
            if s.isdigit() and len(s) in (3,) and ("0" + s) in self.codes and s not in self.codes:
                s = "0" + s  # a leading zero lost by Excel (e.g. 0111 稻谷种植)
            if s not in self.codes:
                ctx.error("industry_code", "不是有效的国民经济行业分类（GB/T 4754-2017）代码")
            else:
                out["industry_code_id"] = s
        for key, table, what in (("industries", self.industries, "重点产业"), ("clusters", self.clusters, "产业集群")):
            raw = ctx.raw(key)
            if raw is None:
                continue
            objs = []
            for part in split_list(raw):
                obj = table.get(squash(part))
                if obj is None:
                    ctx.error(key, f"找不到{what}“{part}”（请使用政策包中的名称）")
                else:
                    objs.append(obj)
            out[key] = objs
        if "is_above_scale" in self.mapped:
            v = ctx.cell("is_above_scale", parse_bool)
            if v is not None:
                out["is_above_scale"] = v
        for key in ("scale_entered_on", "scale_exited_on", "established_on"):
            v = ctx.cell(key, parse_date)
            if v is not None:
                if v > self.today:
                    ctx.error(key, "日期在未来")
                out[key] = v
        if (
            out.get("scale_entered_on")
            and out.get("scale_exited_on")
            and out["scale_exited_on"] < out["scale_entered_on"]
        ):
            ctx.error("scale_exited_on", "退规日期早于入规日期")
        if ctx.raw("aliases") is not None:
            out["aliases"] = split_list(ctx.raw("aliases"))
        honours, kinds = [], []
        for kind, col in HONOUR_COLUMNS:
            if col.key not in self.mapped:
                continue
            kinds.append(kind)
            if ctx.raw(col.key) is None:
                continue
            try:
                h = parse_honour(ctx.raw(col.key))
            except CellError as e:
                ctx.error(col.key, str(e))
                continue
            if h is not None:
                honours.append({"kind": kind, **h})
        if "smart_factory_grade" in self.mapped:
            kinds.append(HonourKind.SMART_FACTORY)
            raw = ctx.raw("smart_factory_grade")
            if raw is not None:
                grade = _GRADES.get(squash(str(raw)))
                if grade is None:
                    ctx.error("smart_factory_grade", "应为 基础级/先进级/卓越级/领航级")
                else:
                    out["smart_factory_grade"] = grade
                    honours.append({"kind": HonourKind.SMART_FACTORY, "level": "", "grade": grade})
            else:
                out["smart_factory_grade"] = ""
        if kinds:
            out["honours"], out["honour_kinds"] = honours, kinds
        if ctx.raw("address") is not None:
            out["address"] = str(ctx.raw("address"))[:200]
        return out

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for n, (row_no, data) in enumerate(rows, start=1):
            data = dict(data)
            if "industry_code_id" in data:
                data["industry_code"] = IndustryCode(code=data.pop("industry_code_id"))
            try:
                _, status = services.do_save_enterprise(actor=self.user, data=data)
            except (ValidationError, PermissionDenied) as e:
                # Should not happen after validation; abort the whole file with a clear message.
                raise ImportAbort(RowError(row_no, "", "", "；".join(getattr(e, "messages", [str(e)])))) from e
            counts[status] += 1
            if n % 500 == 0:
                self._progress(batch, 60 + int(35 * n / len(rows)))
        return counts["created"], counts["updated"], counts["unchanged"]


SOURCE_COL = Column("source", "数据来源", ("来源",), help="统计/税务/电力/企业自报；空则用导入时选择的来源")
_SOURCES = {label: value for value, label in FigureSource.choices} | {v: v for v in FigureSource.values}
_SOURCES.update(
    {"统计局": "stats", "税务局": "tax", "供电公司": "power", "电力公司": "power", "自报": "self", "企业": "self"}
)


class MonthlyImporter(Importer):
    """Monthly figures: 统一社会信用代码 or 企业名称, 年月, and any of the metrics with their units."""

    kind = "monthly"
    title = "月度数据"
    columns = [
        USCC_COL,
        NAME_COL,
        Column(
            "month",
            "年月",
            ("月份", "统计年月", "时间", "日期", "所属期", "统计期"),
            required=True,
            help="如 2025-03、2025年3月或 202503",
            example="2025-03",
        ),
        SOURCE_COL,
        *[
            Column(m.field, m.label, m.aliases, units=m.units, help=f"单位可用：{'、'.join(m.units)}", example="1234.5")
            for m in METRICS
        ],
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("uscc", "name")

    def map_columns(self, header: list[Any]) -> None:
        super().map_columns(header)
        if "uscc" not in self.mapped and "name" not in self.mapped:
            self.errors.append(
                RowError(0, "统一社会信用代码/企业名称", "", "至少需要“统一社会信用代码”或“企业名称”其中一列")
            )
        if not any(m.field in self.mapped for m in METRICS):
            self.errors.append(
                RowError(0, "", "", "没有任何数据列；可用：" + "、".join(f"{m.label}({m.unit})" for m in METRICS))
            )

    def prepare(self) -> None:
        role = getattr(self.user, "role", None)
        default = self.options.get("source") or FigureSource.STATS
        if role == Role.ENTERPRISE:
            default = FigureSource.SELF
        self.default_source = default
        qs = access.scoped(Enterprise, self.user)
        self.by_uscc = dict(qs.values_list("uscc", "pk"))
        self.all_uscc = self.by_uscc if access.is_city_wide(self.user) else None
        self._matcher: NameMatcher | None = None
        self.qs = qs
        self.seen: dict[tuple[int, Any, str], int] = {}
        self.metric_cols = [self.mapped[m.field] for m in METRICS if m.field in self.mapped]
        self.metrics = {m.field: m for m in METRICS}

    @property
    def matcher(self) -> NameMatcher:
        if self._matcher is None:
            rows = list(self.qs.values_list("pk", "name", "uscc"))
            aliases = list(EnterpriseAlias.objects.filter(enterprise__in=self.qs).values_list("enterprise_id", "name"))
            self._matcher = NameMatcher(rows, aliases)
        return self._matcher

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        eid = None
        code = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if code:
            found = uscc.problems(code)
            eid = self.by_uscc.get(code)
            if eid is None:
                if found:
                    ctx.error("uscc", "统一社会信用代码无效：" + "；".join(p.message for p in found), code)
                else:
                    ctx.error("uscc", "企业库中（您的权限范围内）没有该统一社会信用代码，请先导入企业名录", code)
        name = ctx.raw("name")
        if name is not None and ctx.raw("uscc") is None:
            m = self.matcher.match(str(name))
            if m.enterprise_id is not None:
                eid = m.enterprise_id
                if m.fuzzy:
                    c = m.candidates[0]
                    self.warnings.append(
                        RowError(
                            ctx.row,
                            ctx.headers.get("name", "企业名称"),
                            str(name),
                            f"按近似名称匹配到“{c.name}”（{c.uscc}，相似度{c.score:.0f}）",
                        )
                    )
            elif m.candidates:
                listed = "；".join(f"{c.name}（{c.uscc}）" for c in m.candidates[:5])
                what = "匹配到多家企业" if m.candidates[0].score >= 100 else "没有完全匹配的企业，可能是"
                ctx.error("name", f"{what}：{listed}。请填写统一社会信用代码以区分")
            else:
                ctx.error("name", "企业库中（您的权限范围内）找不到该企业名称")
        if ctx.raw("uscc") is None and name is None:
            ctx.error("uscc", "统一社会信用代码和企业名称不能都为空", "")
        month = ctx.cell("month", lambda v: parse_month(v, today=self.today))
        if month is None and ctx.raw("month") is None:
            ctx.error("month", "年月不能为空", "")
        source = self.default_source
        if ctx.raw("source") is not None:
            s = _SOURCES.get(squash(str(ctx.raw("source"))))
            if s is None:
                ctx.error("source", "数据来源应为 统计/税务/电力/企业自报")
            elif getattr(self.user, "role", None) == Role.ENTERPRISE and s != FigureSource.SELF:
                ctx.error("source", "企业用户只能填报“企业自报”数据")
            else:
                source = s
        values: dict[str, Decimal] = {}
        for mc in self.metric_cols:
            metric = self.metrics[mc.column.key]
            d = ctx.cell(mc.column.key, lambda v, metric=metric: parse_decimal(v, allow_negative=metric.allow_negative))
            if d is not None:
                values[metric.field] = (d * mc.factor).quantize(Decimal("0.0001"))
        if not values and not ctx.errors:
            self.warnings.append(RowError(ctx.row, "", "", "该行没有任何数据，已跳过"))
            return None
        if eid is not None and month is not None:
            key = (eid, month, source)
            if key in self.seen:
                ctx.error(
                    "month", f"与第{self.seen[key]}行重复（同一企业、同一月份、同一来源）", month.strftime("%Y-%m")
                )
            else:
                self.seen[key] = ctx.row
        return {"enterprise_id": eid, "month": month, "source": source, "values": values}

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        def progress(done: int) -> None:
            self._progress(batch, 60 + int(30 * done / max(1, len(rows))))

        return services.do_store_monthly(actor=self.user, items=[r for _, r in rows], batch=batch, progress=progress)

    def after_commit(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """The month summaries the dashboard reads; other apps' work (the indicators) is an `after_import` hook."""
        months = sorted({r["month"] for _, r in rows})
        hooks.monthly_figures_changed(months=months)


TEMPLATE_NOTES = {
    "enterprises": [
        "1. 第一行为表头，请勿修改列名；标橙色的列必填。可以删除不需要的选填列。",
        "2. 统一社会信用代码列已设为“文本”格式。请勿以数字格式输入：Excel 数字只保留15位，18位代码会丢失末尾。",
        "3. 所属区县填写名称（如 咸安区、咸宁高新区）或区划代码（如 421202）。",
        "4. 行业代码按《国民经济行业分类》GB/T 4754-2017 填写小类代码，如 3311。",
        "5. 荣誉列填写 是/否，或级别 国家级/省级/市级，可带认定年份，如“省级(2023)”。",
        "6. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
    ],
    "monthly": [
        "1. 每行是一家企业一个月的数据；用统一社会信用代码（推荐）或企业名称识别企业。",
        "2. 年月可写 2025-03、2025年3月、202503，或 Excel 日期。",
        "3. 每个数据列的表头必须带单位，如 工业总产值(万元) 或 工业总产值(元)，系统会自动换算为万元。",
        "4. 填写当月数（非累计数）。空白、“—”、“/” 视为未报送，不会覆盖已有数据。",
        "5. 重复导入同一文件不会产生变化；修改后的数字会更新，原值保留在修订记录中。",
    ],
}
TEMPLATE_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "enterprises": [
        {
            "uscc": "91421200MA4F000000",
            "name": "湖北示例科技有限公司",
            "county": "咸安区",
            "industry_code": "3311",
            "is_above_scale": "是",
            "h_specialized": "省级(2023)",
        }
    ],
    "monthly": [{"uscc": "91421200MA4F000000", "name": "湖北示例科技有限公司", "month": "2025-03", "output": 1234.5}],
}


def register() -> None:
    """Register the enterprise-list and monthly-figure importers (from `EnterprisesConfig.ready`)."""
    from chanye.core.imports import registry

    registry.register(
        "enterprises",
        EnterpriseImporter,
        label="企业名录",
        roles=[Role.CITY_ADMIN, Role.COUNTY_OFFICER],
        notes=TEMPLATE_NOTES["enterprises"],
        examples=TEMPLATE_EXAMPLES["enterprises"],
        text_keys=["uscc", "industry_code"],
        order=10,
    )
    registry.register(
        "monthly",
        MonthlyImporter,
        label="月度数据",
        roles=[Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.ENTERPRISE],
        notes=TEMPLATE_NOTES["monthly"],
        examples=TEMPLATE_EXAMPLES["monthly"],
        text_keys=["uscc"],
        options=[
            registry.ImportOption(
                "source",
                "月度数据来源（导入月度数据、表中没有“数据来源”列时使用）",
                choices=FigureSource.choices,
                default=FigureSource.STATS,
                help="月度数据来源（表中无“数据来源”列时使用）：stats 统计、tax 税务、power 电力、self 企业自报",
                role_choices={Role.ENTERPRISE: [(FigureSource.SELF, "企业自报")]},
            )
        ],
        role_labels={Role.ENTERPRISE: "月度数据（企业自报）"},
        order=20,
    )


__all__ = ["EnterpriseImporter", "MonthlyImporter", "register"]

"""The enterprise-list importer (企业名录, template in docs/import-templates.md): one enterprise a row, identified by
its 统一社会信用代码, with its region, industry, cluster and honours; also the identity columns the monthly importer
shares."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from chanye.core import access, uscc
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import CellError, parse_bool, parse_date, parse_identifier, split_list
from chanye.core.models import ImportBatch
from chanye.core.text import squash
from chanye.enterprises import services
from chanye.enterprises.choices import HonourKind, SmartFactoryGrade
from chanye.enterprises.models import Enterprise, ScalePeriod
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
    (
        HonourKind.INTEGRATION_DEMO,
        Column(
            "h_integration_demo",
            "两化融合示范企业",
            ("两化融合试点示范企业", "两化融合示范"),
            help="国家级/省级/市级/是/否（HG-T-3）",
        ),
    ),
    (
        HonourKind.INTEGRATION_STANDARD,
        Column(
            "h_integration_std",
            "两化融合贯标企业",
            ("两化融合管理体系贯标", "两化融合贯标"),
            help="国家级/省级/是/否，可带认定年份，如“国家级(2025)”（HG-R-5）",
        ),
    ),
    (
        HonourKind.WELL_KNOWN_TRADEMARK,
        Column("h_wk_trademark", "中国驰名商标", ("驰名商标",), help="是/否，可带认定年份（EZ-R-2）"),
    ),
    (
        HonourKind.QUALITY_BRAND,
        Column("h_quality_brand", "湖北精品", ("精品品牌", "省级精品"), help="是/否，可带认定年份（EZ-R-2）"),
    ),
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
        year = self.options.get("roster_year")
        self.roster_year = int(year) if year else self.today.year
        # the open 规上 period of each firm (a 否 without 退规日期 must not silently contradict it)
        today = self.today
        self.open_since = dict(
            ScalePeriod.objects.filter(entered_on__lte=today)
            .filter(Q(exited_on__isnull=True) | Q(exited_on__gt=today))
            .values_list("enterprise__uscc", "entered_on")
        )
        self.assumed: list[str] = []
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
        code = self._validate_uscc(ctx, out)
        name = ctx.raw("name")
        if name is not None:
            out["name"] = " ".join(str(name).split())
        else:
            ctx.error("name", "企业名称不能为空", "")
        if code is None and ctx.raw("uscc") is None:
            ctx.error("uscc", "统一社会信用代码不能为空", "")
        self._validate_place(ctx, out)
        self._validate_industry_code(ctx, out)
        self._validate_memberships(ctx, out)
        self._validate_scale(ctx, out)
        if ctx.raw("aliases") is not None:
            out["aliases"] = split_list(ctx.raw("aliases"))
        self._validate_honours(ctx, out)
        if ctx.raw("address") is not None:
            out["address"] = str(ctx.raw("address"))[:200]
        return out

    def _validate_uscc(self, ctx: RowContext, out: dict[str, Any]) -> str | None:
        """统一社会信用代码: valid (or exempted), unique in the sheet, within the user's scope."""
        code = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if not code:
            return code
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
        return code

    def _validate_place(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """所属区县 (required, within the user's unit) and 所属园区 (a blank mapped cell clears it)."""
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

    def _validate_industry_code(self, ctx: RowContext, out: dict[str, Any]) -> None:
        ic = ctx.raw("industry_code")
        if ic is None:
            return
        s = self._normalize_industry_code(ic)
        if s not in self.codes:
            ctx.error("industry_code", "不是有效的国民经济行业分类（GB/T 4754-2017）代码")
        else:
            out["industry_code_id"] = s

    def _normalize_industry_code(self, ic: Any) -> str:
        """The cell as a GB/T 4754 code: no section letter, Excel's float and lost leading zero undone."""
        s = squash(str(ic)).upper()
        if isinstance(ic, float) and ic.is_integer():
            s = str(int(ic))
        if s[:1].isalpha() and len(s) > 1:
            s = s[1:]
        if s.isdigit() and len(s) in (3,) and ("0" + s) in self.codes and s not in self.codes:
            s = "0" + s  # a leading zero lost by Excel (e.g. 0111 稻谷种植)
        return s

    def _validate_memberships(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """重点产业 and 产业集群: lists of the pack's names."""
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

    def _validate_scale(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """规上 flag, 入规/退规/成立 dates (not in the future; 退规 not before 入规)."""
        if "is_above_scale" in self.mapped:
            v = ctx.cell("is_above_scale", parse_bool)
            if v is not None:
                out["is_above_scale"] = v
        for key in ("scale_entered_on", "scale_exited_on", "established_on"):
            d = ctx.cell(key, parse_date)
            if d is not None:
                if d > self.today:
                    ctx.error(key, "日期在未来")
                out[key] = d
        if (
            out.get("scale_entered_on")
            and out.get("scale_exited_on")
            and out["scale_exited_on"] < out["scale_entered_on"]
        ):
            ctx.error("scale_exited_on", "退规日期早于入规日期")
        dated = out.get("scale_entered_on") or out.get("scale_exited_on")
        since = self.open_since.get(out.get("uscc", ""))
        if out.get("is_above_scale") is True and not dated and since is None:
            # the stated rule (services.assumed_entry), said once for the file in the summary
            out["scale_assumed_from"] = services.assumed_entry(self.roster_year)
            self.assumed.append(str(out.get("name") or out.get("uscc")))
        elif out.get("is_above_scale") is False and not dated and since is not None:
            ctx.error("is_above_scale", f"标为非规上，但该企业自{since:%Y-%m-%d}起为规上且未退规：请填写退规日期", "否")

    def _validate_honours(self, ctx: RowContext, out: dict[str, Any]) -> None:
        """The honour columns present in the sheet, and 智能工厂 grade; sets the kinds the sheet speaks for."""
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
            self._validate_smart_factory(ctx, out, honours)
        if kinds:
            out["honours"], out["honour_kinds"] = honours, kinds

    def _validate_smart_factory(self, ctx: RowContext, out: dict[str, Any], honours: list[dict]) -> None:
        raw = ctx.raw("smart_factory_grade")
        if raw is None:
            out["smart_factory_grade"] = ""
            return
        grade = _GRADES.get(squash(str(raw)))
        if grade is None:
            ctx.error("smart_factory_grade", "应为 基础级/先进级/卓越级/领航级")
        else:
            out["smart_factory_grade"] = grade
            honours.append({"kind": HonourKind.SMART_FACTORY, "level": "", "grade": grade})

    def describe(self, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, str]]:
        """The 规上 firms of the roster without an entry date, and the rule applied to them."""
        if not self.assumed:
            return []
        names = "、".join(self.assumed[:5]) + (f"等{len(self.assumed)}家" if len(self.assumed) > 5 else "")
        start = services.assumed_entry(self.roster_year)
        return [
            {
                "level": "warning",
                "text": f"{len(self.assumed)}家企业标为规上但没有入规日期（{names}）："
                f"按名录年份，自{start.year}年{start.month}月{start.day}日起计为规上，入规日期标为“推定”，不计入新增规上。如有实际入规日期，请填写“入规日期”列后重新导入。",
            }
        ]

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

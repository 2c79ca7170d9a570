"""The attraction-target importer (招商目标库, XN-CL-5 按图索骥): the bureau's lists of companies outside the city,
each for a link of a chain, on the all-or-nothing import framework of `chanye.core.imports`.

Every row is checked and every error reported (row, column, value, reason) before anything is written; one error
anywhere means nothing is written. A row names its link by 环节名称, with 产业链编号 or 产业链名称 when the link name
alone is ambiguous. A company already registered locally (same 统一社会信用代码) is refused: it belongs on the link as
a local enterprise, not in the target library. A row whose company is already a target of the same link (same name
or same code) updates that target instead of adding a second one; blank cells leave stored values unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core import uscc
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import parse_decimal, parse_identifier
from chanye.core.models import ImportBatch
from chanye.core.text import squash
from chanye.enterprises.models import Enterprise

from . import services
from .models import AttractionTarget, Chain, ChainLink

MAX_REVENUE = Decimal(100000)  # 亿元: a larger figure is almost surely a unit slip (万元 typed under 亿元)
TEXT_LIMITS = {"location": 100, "products": 300, "size": 100, "source": 100, "note": 300}


class TargetImporter(Importer):
    """招商目标库: one row per candidate company and link; upsert by (link, 统一社会信用代码 or 企业名称)."""

    kind = "attraction_targets"
    title = "招商目标库"
    columns = [
        Column(
            "name",
            "企业名称",
            ("公司名称", "企业", "企业全称", "单位名称", "目标企业", "目标企业名称", "名称"),
            required=True,
            help="外地目标企业全称；同一环节下同名企业再次导入时更新",
            example="江苏示例新材料股份有限公司",
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            ("社会信用代码", "信用代码", "统一代码", "USCC"),
            help="选填，18位，文本格式；本地已登记的企业不能列为招商目标",
            example="91320500MA1XXXXXXX",
        ),
        Column(
            "location",
            "所在地",
            ("所在地区", "地区", "所在省市", "总部所在地", "注册地", "所在城市"),
            example="江苏省苏州市",
        ),
        Column("products", "主要产品", ("产品", "主营产品", "主营业务", "主导产品"), example="冷鲜肉、调理肉制品"),
        Column("size", "规模", ("企业规模", "企业类型"), help="按名单原样填写，如 上市公司、营收约30亿元"),
        Column(
            "revenue",
            "营业收入",
            ("营收", "年营业收入", "营业收入额"),
            units={"亿元": Decimal(1), "万元": Decimal("0.0001")},
            help="表头须带单位：营业收入(亿元) 或 营业收入(万元)，万元自动换算为亿元",
            example="35.6",
        ),
        Column(
            "chain_code",
            "产业链编号",
            ("产业链代码", "链条编号"),
            help="与“产业链名称”填一项即可；环节名称只在一条产业链中出现时可都不填",
        ),
        Column("chain_name", "产业链名称", ("产业链", "所属产业链", "链条名称"), example="肉制品产业链"),
        Column(
            "link",
            "环节名称",
            ("环节", "产业链环节", "链条环节", "目标环节", "招商环节"),
            required=True,
            help="产业链图谱中的环节名称（或环节编号）",
            example="屠宰加工",
        ),
        Column("source", "来源", ("来源名单", "名单来源", "信息来源", "数据来源"), example="中国企业500强"),
        Column("note", "备注", ("说明",)),
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("name", "uscc")

    def prepare(self) -> None:
        self.chains: dict[str, Chain] = {}
        for c in Chain.objects.all():
            for key in (c.code, c.code.lower(), squash(c.name), squash(c.name).removesuffix("产业链")):
                if key:
                    self.chains.setdefault(key, c)
        self.links: dict[int, dict[str, ChainLink]] = {}
        self.links_by_name: dict[str, list[ChainLink]] = {}
        for link in ChainLink.objects.filter(chain__is_active=True).select_related("chain"):
            own = self.links.setdefault(link.chain_id, {})
            own.setdefault(squash(link.name), link)
            own.setdefault(link.code, link)
            self.links_by_name.setdefault(squash(link.name), []).append(link)
        self.local = {
            e["uscc"]: e for e in Enterprise.objects.values("uscc", "name", "county__name").filter(uscc__gt="")
        }
        self.by_name: dict[tuple[int, str], AttractionTarget] = {}
        self.by_uscc: dict[tuple[int, str], AttractionTarget] = {}
        for t in AttractionTarget.objects.all():
            self.by_name.setdefault((t.link_id, squash(t.name)), t)
            if t.uscc:
                self.by_uscc.setdefault((t.link_id, t.uscc), t)
        self.seen: dict[tuple[int, str], int] = {}

    # -- cells ---------------------------------------------------------------------------------
    def _chain(self, ctx: RowContext) -> tuple[Chain | None, bool]:
        """The chain the row names (None when it names none); False when what it names is unusable."""
        chain: Chain | None = None
        for key in ("chain_code", "chain_name"):
            raw = ctx.raw(key)
            if raw is None:
                continue
            text = squash(str(raw))
            c = self.chains.get(text) or self.chains.get(text.lower())
            if c is None:
                names = "、".join(sorted({x.name for x in self.chains.values() if x.is_active})[:30])
                ctx.error(key, f"找不到该产业链；可用：{names or '（尚未建立产业链图谱）'}")
                return None, False
            if not c.is_active:
                ctx.error(key, f"产业链“{c.name}”已停用，不能添加招商目标")
                return None, False
            if chain is not None and chain.pk != c.pk:
                ctx.error(key, f"与产业链编号指向的“{chain.name}”不是同一条产业链")
                return None, False
            chain = c
        return chain, True

    def _link(self, ctx: RowContext) -> ChainLink | None:
        chain, ok = self._chain(ctx)
        raw = ctx.raw("link")
        if raw is None:
            ctx.error("link", "环节名称不能为空", "")
            return None
        if not ok:
            return None
        key = squash(str(raw))
        if chain is not None:
            link = self.links.get(chain.pk, {}).get(key)
            if link is None:
                names = "、".join(x.name for x in chain.links.order_by("position"))
                ctx.error("link", f"产业链“{chain.name}”中没有该环节；该链的环节：{names}")
            return link
        found = self.links_by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if not found:
            ctx.error("link", "找不到该环节；请核对产业链图谱中的环节名称，并填写产业链编号或产业链名称")
        else:
            chains = "、".join(f"{x.chain.name}（{x.chain.code}）" for x in found)
            ctx.error("link", f"多条产业链都有该环节：{chains}；请填写产业链编号或产业链名称")
        return None

    # -- rows ----------------------------------------------------------------------------------
    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
        out: dict[str, Any] = {}
        name = ctx.raw("name")
        if name is None:
            ctx.error("name", "企业名称不能为空", "")
        else:
            text = " ".join(str(name).split())
            if len(text) > 200:
                ctx.error("name", "企业名称不能超过200个字")
            else:
                out["name"] = text
        code = ctx.cell("uscc", lambda v: parse_identifier(v, "统一社会信用代码"))
        if code:
            found = uscc.problems(code)
            local = self.local.get(code)
            if found:
                ctx.error("uscc", "统一社会信用代码无效：" + "；".join(p.message for p in found), code)
            elif local is not None:
                where = f"（{local['county__name']}）" if local["county__name"] else ""
                ctx.error(
                    "uscc",
                    f"该代码属于本地已登记企业“{local['name']}”{where}；请在产业链图谱中把它放到环节上，"
                    "而不是列为招商目标",
                    code,
                )
            else:
                out["uscc"] = code
        for key, limit in TEXT_LIMITS.items():
            if ctx.raw(key) is None:
                continue
            text = " ".join(str(ctx.raw(key)).split())
            if len(text) > limit:
                ctx.error(key, f"不能超过{limit}个字")
            else:
                out[key] = text
        if "revenue" in self.mapped and ctx.raw("revenue") is not None:
            d = ctx.cell("revenue", parse_decimal)
            if d is not None:
                d = (d * self.mapped["revenue"].factor).quantize(Decimal("0.01"))
                if d >= MAX_REVENUE:  # negatives are refused by parse_decimal
                    ctx.error("revenue", f"营业收入{d:,.0f}亿元过大，请检查表头单位（亿元/万元）")
                else:
                    out["revenue"] = d
        link = self._link(ctx)
        if link is not None:
            out["link"] = link
        if link is not None and "name" in out:
            keys = [(link.pk, "name:" + squash(out["name"]))]
            if "uscc" in out:
                keys.append((link.pk, "uscc:" + out["uscc"]))
            for k in keys:
                if k in self.seen:
                    what = "同一企业名称" if k[1].startswith("name:") else "同一统一社会信用代码"
                    ctx.error("name", f"与第{self.seen[k]}行重复（{what}、同一环节）")
                    break
            else:
                for k in keys:
                    self.seen[k] = ctx.row
            existing = None
            if "uscc" in out:
                existing = self.by_uscc.get((link.pk, out["uscc"]))
            out["existing"] = existing or self.by_name.get((link.pk, squash(out["name"])))
        return out

    # -- write ---------------------------------------------------------------------------------
    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        for n, (row_no, d) in enumerate(rows, start=1):
            target: AttractionTarget | None = d.get("existing")
            data = {k: v for k, v in d.items() if k in services.TARGET_FIELDS or k == "link"}
            if target is not None:
                same = target.link_id == data["link"].pk and all(
                    getattr(target, k) == v for k, v in data.items() if k != "link"
                )
                if same:
                    unchanged += 1
                    continue
            else:
                target = AttractionTarget(batch=batch)
            is_new = target.pk is None
            try:
                services.do_save_target(actor=self.user, target=target, data=data)
            except (ValidationError, PermissionDenied) as e:
                messages = getattr(e, "messages", None) or [str(e)]
                raise ImportAbort(RowError(row_no, "", d.get("name", ""), "；".join(messages))) from e
            if is_new:
                created += 1
            else:
                updated += 1
            if n % 200 == 0:
                self._progress(batch, 60 + int(30 * n / len(rows)))
        return created, updated, unchanged


TEMPLATE_NOTES = [
    "1. 第一行为表头，请勿修改列名；标橙色的列必填。可以删除不需要的选填列。",
    "2. 环节名称须是产业链图谱中的环节；同名环节出现在多条产业链时，请填写产业链编号或产业链名称。",
    "3. 统一社会信用代码选填，须为有效的18位代码（文本格式）。本地已登记的企业不能列为招商目标，"
    "请在产业链图谱中把它放到环节上。",
    "4. 营业收入的表头须带单位：营业收入(亿元) 或 营业收入(万元)，万元自动换算为亿元。",
    "5. 同一环节下同名（或同一代码）的企业再次导入时更新原记录，不会重复；空白单元格不会清空已有内容。",
    "6. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
]
TEMPLATE_EXAMPLES: list[dict[str, Any]] = [
    {
        "name": "江苏示例肉食品股份有限公司",
        "location": "江苏省南京市",
        "products": "冷鲜肉、调理肉制品",
        "size": "上市公司",
        "revenue": 35.6,
        "chain_name": "肉制品产业链",
        "link": "屠宰加工",
        "source": "中国食品百强名单",
    }
]
TEXT_KEYS = ["uscc", "chain_code"]


def register() -> None:
    """Register the TargetImporter (from `ChainsConfig.ready`); the placers (`services.PLACERS`) may run it."""
    from chanye.core.imports import registry

    registry.register(
        "attraction_targets",
        TargetImporter,
        label="招商目标企业",
        roles=services.PLACERS,
        notes=TEMPLATE_NOTES,
        examples=TEMPLATE_EXAMPLES,
        text_keys=TEXT_KEYS,
        order=60,
    )


__all__ = ["TargetImporter", "register"]

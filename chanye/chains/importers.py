"""The placement importer (链上企业, `chain_members`): which local enterprise sits on which link of a chain, with its
role (链主 / 核心配套 / 一般企业), on the all-or-nothing import framework of `chanye.core.imports` — every row is
checked and every error reported (row, column, value, reason) before anything is written.

An enterprise is found by its 统一社会信用代码 or its exact name among the enterprises the user may see (a county
officer only their own county's or park's: any other row is an error); the chain by its 产业链编号 (or name), the
link by its 环节名称 or 环节编号. Rows are written through `services.do_place_enterprise`, which checks the
placer's scope again inside the import transaction and audits each placement (naming the file); re-importing the
same file changes nothing. Removing enterprises from links is done on the page, not by import.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from chanye.core import access
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import CellError
from chanye.core.models import ImportBatch
from chanye.core.text import squash
from chanye.enterprises.importers.resolve import EnterpriseResolver
from chanye.enterprises.models import Enterprise

from . import services
from .models import Chain, ChainLink, LinkEnterprise, LinkRole

ROLE_WORDS = {
    "链主": LinkRole.LEADER,
    "链主企业": LinkRole.LEADER,
    "核心配套": LinkRole.CORE,
    "核心配套企业": LinkRole.CORE,
    "核心": LinkRole.CORE,
    "配套": LinkRole.CORE,
    "一般企业": LinkRole.ORDINARY,
    "一般": LinkRole.ORDINARY,
    "普通": LinkRole.ORDINARY,
    "链上企业": LinkRole.ORDINARY,
    **{v: v for v in LinkRole.values},
}


def parse_role(value: Any) -> str:
    role = ROLE_WORDS.get(squash(str(value)).lower())
    if role is None:
        raise CellError("角色应为 链主、核心配套 或 一般企业")
    return str(role)


class LinkMemberImporter(Importer):
    """链上企业: one row per enterprise × link, with its role (upsert by the pair)."""

    kind = "chain_members"
    title = "链上企业"
    columns = [
        Column(
            "uscc",
            "统一社会信用代码",
            ("社会信用代码", "信用代码", "统一代码", "USCC"),
            help="18位，文本格式；与企业名称至少填一项",
            example="91421200MA4F000000",
        ),
        Column(
            "name",
            "企业名称",
            ("单位名称", "企业全称", "名称"),
            help="企业库中的完整名称（未填信用代码时按名称查找）",
            example="湖北示例食品有限公司",
        ),
        Column(
            "chain",
            "产业链编号",
            ("产业链", "产业链名称", "产业链代码"),
            required=True,
            help="产业链编号（见产业链导出文件）或产业链名称",
            example="food-meat",
        ),
        Column(
            "link_name", "环节名称", ("环节", "产业链环节", "链条环节"), help="与环节编号至少填一项", example="屠宰加工"
        ),
        Column("link_code", "环节编号", ("环节代码",), help="产业链导出文件中的环节编号"),
        Column(
            "role",
            "角色",
            ("链上角色", "企业角色", "链上地位"),
            help="链主/核心配套/一般企业；不填为一般企业",
            example="核心配套",
        ),
        Column("note", "备注", ("说明",), help="200字以内"),
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("uscc", "name")

    def map_columns(self, header: list[Any]) -> None:
        super().map_columns(header)
        if "uscc" not in self.mapped and "name" not in self.mapped:
            self.errors.append(
                RowError(0, "统一社会信用代码/企业名称", "", "至少需要“统一社会信用代码”或“企业名称”其中一列")
            )
        if "link_name" not in self.mapped and "link_code" not in self.mapped:
            self.errors.append(RowError(0, "环节名称/环节编号", "", "至少需要“环节名称”或“环节编号”其中一列"))

    def prepare(self) -> None:
        if not access.has_role(self.user, services.PLACERS):
            raise ImportAbort(RowError(0, "", "", "只有市级管理员和区县/园区工作人员可以导入链上企业。"))
        self.firms = EnterpriseResolver(
            self.user, out_of_scope="区县/园区工作人员只能放置本辖区的企业；新企业请先导入企业名录"
        )
        self.chains: dict[str, Chain] = {}
        for c in Chain.objects.filter(is_active=True):
            self.chains.setdefault(c.code, c)
            self.chains.setdefault(squash(c.name), c)
        self.links: dict[int, dict[str, ChainLink]] = {}
        links = ChainLink.objects.filter(chain__is_active=True).select_related("chain").order_by("chain_id", "position")
        for x in links:
            by_key = self.links.setdefault(x.chain_id, {})
            by_key.setdefault(x.code, x)
            by_key.setdefault(squash(x.name), x)
        self.link_by_pk = {x.pk: x for d in self.links.values() for x in d.values()}
        self.current = {
            (m["link_id"], m["enterprise_id"]): (m["role"], m["note"])
            for m in LinkEnterprise.objects.filter(link__chain__is_active=True).values(
                "link_id", "enterprise_id", "role", "note"
            )
        }
        self.seen: dict[tuple[int, int], int] = {}

    def _link(self, ctx: RowContext) -> ChainLink | None:
        raw = ctx.raw("chain")
        if raw is None:
            ctx.error("chain", "产业链编号不能为空", "")
            return None
        key = str(raw).strip()
        chain = self.chains.get(key) or self.chains.get(squash(key))
        if chain is None:
            codes = "、".join(sorted({c.code for c in self.chains.values()})[:30])
            ctx.error("chain", f"找不到该产业链（可用的产业链编号：{codes}）")
            return None
        links = self.links.get(chain.pk, {})
        names = "、".join(dict.fromkeys(x.name for x in links.values()))
        by_code = links.get(str(ctx.raw("link_code")).strip()) if ctx.raw("link_code") is not None else None
        by_name = links.get(squash(str(ctx.raw("link_name")))) if ctx.raw("link_name") is not None else None
        if ctx.raw("link_code") is None and ctx.raw("link_name") is None:
            ctx.error("link_name", "环节名称和环节编号不能都为空", "")
            return None
        if ctx.raw("link_code") is not None and by_code is None:
            ctx.error("link_code", f"“{chain.name}”中没有该环节编号（环节：{names}）")
            return None
        if ctx.raw("link_name") is not None and by_name is None:
            ctx.error("link_name", f"“{chain.name}”中没有该环节（环节：{names}）")
            return None
        if by_code is not None and by_name is not None and by_code.pk != by_name.pk:
            ctx.error("link_name", f"与环节编号“{by_code.code}”（{by_code.name}）不是同一个环节")
            return None
        return by_code or by_name

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        eid = self.firms.resolve(ctx)
        link = self._link(ctx)
        role = ctx.cell("role", parse_role) if ctx.raw("role") is not None else str(LinkRole.ORDINARY)
        note = str(ctx.raw("note") or "").strip()
        if len(note) > 200:
            ctx.error("note", "备注不能超过200字")
        if ctx.errors or eid is None or link is None or role is None:
            return None
        first = self.seen.get((link.pk, eid))
        if first is not None:
            ctx.error("name" if "name" in self.mapped else "uscc", f"与第{first}行是同一企业、同一环节，请合并为一行")
            return None
        self.seen[(link.pk, eid)] = ctx.row
        return {"link_id": link.pk, "enterprise_id": eid, "role": role, "note": note}

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        enterprises = Enterprise.objects.in_bulk({d["enterprise_id"] for _, d in rows})
        created = updated = unchanged = 0
        for n, (row_no, d) in enumerate(rows, start=1):
            key = (d["link_id"], d["enterprise_id"])
            before = self.current.get(key)
            if before == (d["role"], d["note"]):
                unchanged += 1
                continue
            link, ent = self.link_by_pk[d["link_id"]], enterprises[d["enterprise_id"]]
            try:
                services.do_place_enterprise(
                    actor=self.user, link=link, enterprise=ent, role=d["role"], note=d["note"], filename=batch.filename
                )
            except (ValidationError, PermissionDenied) as e:
                messages = getattr(e, "messages", None) or [str(e)]
                raise ImportAbort(RowError(row_no, "", ent.name, "；".join(messages))) from e
            if before is None:
                created += 1
            else:
                updated += 1
            if n % 200 == 0:
                self._progress(batch, 60 + int(30 * n / len(rows)))
        return created, updated, unchanged


TEMPLATE_NOTES = [
    "1. 每行是一家企业在一个产业链环节上的位置；同一企业可以在多个环节上（每个环节一行）。",
    "2. 用统一社会信用代码（推荐，文本格式）或企业库中的完整企业名称识别企业；区县/园区工作人员只能放置本辖区的企业。",
    "3. 产业链编号和环节编号见“产业链图谱 → 导出”文件；也可以填写产业链名称和环节名称。",
    "4. 角色填 链主、核心配套 或 一般企业，不填为一般企业；已在该环节上的企业按表中角色更新。",
    "5. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
]
TEMPLATE_EXAMPLES: list[dict[str, Any]] = [
    {
        "uscc": "91421200MA4F000000",
        "name": "湖北示例食品有限公司",
        "chain": "food-meat",
        "link_name": "屠宰加工",
        "role": "核心配套",
    }
]
TEXT_KEYS = ["uscc", "chain", "link_code"]


def register() -> None:
    """Register the LinkMemberImporter (from `ChainsConfig.ready`); the placers (`services.PLACERS`) may run it."""
    from chanye.core.imports import registry

    registry.register(
        "chain_members",
        LinkMemberImporter,
        label="链上企业（产业链环节）",
        roles=services.PLACERS,
        notes=TEMPLATE_NOTES,
        examples=TEMPLATE_EXAMPLES,
        text_keys=TEXT_KEYS,
        order=50,
    )

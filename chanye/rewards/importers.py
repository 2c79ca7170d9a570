"""The reward-fact importer (奖补事实, `reward_facts`): the figures reward rules need that the registry does not hold —
the active pack declares them (`reward_facts`: 直播销售额, 主播带货佣金, 技改项目设备投资额, 新建5G基站 …).

Two shapes of sheet are read, as offices send them: one column per fact (“企业名称 | 年度 | 主播带货佣金 | …”), or one
row per fact (“企业名称 | 年度 | 事实 | 数值”). An enterprise is found by its 统一社会信用代码 or exact name among those
the user may see (a county officer: its own county's). All or nothing: every row is checked and every error reported
(row, column, value, reason) before anything is written; re-importing the same sheet changes nothing; an empty fact
cell is not a zero and is skipped. City administrators and county officers import."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chanye.core import access
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import CellError, parse_decimal, parse_year
from chanye.core.models import ImportBatch
from chanye.core.roles import WRITERS
from chanye.core.text import squash
from chanye.enterprises.importers.resolve import EnterpriseResolver
from chanye.rewards.models import RewardFact
from chanye.rewards.selectors import reward_rules

if TYPE_CHECKING:
    from chanye.industry.schema import RewardFactSpec

FACT_PREFIX = "fact:"
HEADER_UNIT = re.compile(r"^(.*?)[(（\[【]([^()（）\[\]【】]*)[)）\]】]$")
MONEY_IN_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10_000)}


class RewardFactImporter(Importer):
    kind = "reward_facts"
    title = "奖补事实"
    columns = [
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码"), example="91421200MA4XXXXXX1"),
        Column("name", "企业名称", ("企业", "单位名称"), example="湖北示例光电科技有限公司"),
        Column("year", "年度", ("年份",), required=True, example="2025"),
        Column("project", "项目", ("项目名称", "技改项目"), help="按项目计算的事实（如技改设备投资）须填写"),
        Column("fact", "事实", ("事项", "指标", "奖补事实"), help="一行一个事实时填写事实名称；也可每个事实一列"),
        Column("value", "数值", ("金额", "数量"), help="与“事实”列配合使用"),
        Column("note", "备注", ("说明", "数据来源")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _, self.facts = reward_rules()
        self.fact_by_word: dict[str, RewardFactSpec] = {}
        for f in self.facts:
            for word in (f.key, f.label):
                self.fact_by_word.setdefault(squash(word), f)
        self.columns = [
            *type(self).columns,
            *(Column(FACT_PREFIX + f.key, f.label, (f.key,), help=f.unit) for f in self.facts),
        ]

    def map_columns(self, header: list[Any]) -> None:
        super().map_columns(header)
        if "uscc" not in self.mapped and "name" not in self.mapped:
            self.errors.append(
                RowError(0, "统一社会信用代码/企业名称", "", "至少需要“统一社会信用代码”或“企业名称”其中一列")
            )
        wide = [k for k in self.mapped if k.startswith(FACT_PREFIX)]
        long = "fact" in self.mapped and "value" in self.mapped
        if not wide and not long:
            labels = [f"{f.label}（{f.unit}）" if f.unit else f.label for f in self.facts]
            known = "、".join(labels) or "当前政策包没有声明"
            self.errors.append(
                RowError(0, "", "", f"没有事实列：请每个事实一列（可用：{known}），或用“事实”“数值”两列一行一个事实")
            )
        self._fact_units()
        if ("fact" in self.mapped) != ("value" in self.mapped):
            self.errors.append(RowError(0, "事实/数值", "", "“事实”列和“数值”列须同时使用"))

    def _fact_units(self) -> None:
        """A unit in a fact column's header (“主播带货佣金(元)”) is read, not ignored: money is converted to the unit
        the pack declares (元 → 万元); another unit is refused in words."""
        specs = {f.key: f for f in self.facts}
        for key, mc in self.mapped.items():
            if not key.startswith(FACT_PREFIX):
                continue
            spec = specs[key[len(FACT_PREFIX) :]]
            if squash(mc.header) in mc.column.names():
                continue  # the label itself (its own brackets are words, not a unit)
            m = HEADER_UNIT.match(squash(mc.header))
            unit = m.group(2) if m else ""
            if not unit or unit == spec.unit:
                continue
            if unit in MONEY_IN_WAN and spec.unit in MONEY_IN_WAN:
                mc.factor, mc.unit = MONEY_IN_WAN[unit] / MONEY_IN_WAN[spec.unit], unit
            else:
                self.errors.append(
                    RowError(
                        0, mc.header, unit, f"“{spec.label}”的单位应为{spec.unit or '（无单位）'}，表头写的是“{unit}”"
                    )
                )

    def prepare(self) -> None:
        if not access.has_role(self.user, WRITERS):
            raise ImportAbort(RowError(0, "", "", "只有市级管理员和区县/园区工作人员可以导入奖补事实。"))
        self.firms = EnterpriseResolver(self.user, out_of_scope="区县/园区工作人员只能导入本辖区企业的事实")
        self.seen: dict[tuple[int, int, str, str], int] = {}

    def _year(self, v: Any) -> int:
        return parse_year(v, example=2025)

    def _value(self, v: Any) -> Decimal:
        d = parse_decimal(v)
        if d < 0:
            raise CellError("数值不能为负数")
        return d

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        eid = self.firms.resolve(ctx)
        year = ctx.cell("year", self._year)
        if not ctx.has("year"):
            ctx.error("year", "年度不能为空", "")
        project = str(ctx.raw("project") or "").strip()[:200]
        values: dict[str, Decimal] = {}
        for key in [k for k in self.mapped if k.startswith(FACT_PREFIX)]:
            if ctx.raw(key) is not None:
                v = ctx.cell(key, self._value)
                if v is not None:
                    values[key[len(FACT_PREFIX) :]] = v * self.mapped[key].factor
        if ctx.raw("fact") is not None or ctx.raw("value") is not None:
            spec = self.fact_by_word.get(squash(str(ctx.raw("fact") or "")))
            if spec is None:
                known = "、".join(f.label for f in self.facts) or "无——当前政策包没有声明奖补事实"
                ctx.error("fact", f"政策包没有这个奖补事实（可用：{known}）")
            elif ctx.raw("value") is None:
                ctx.error("value", "数值不能为空", "")
            else:
                v = ctx.cell("value", self._value)
                if v is not None:
                    values[spec.key] = v
        if not values and ctx.raw("fact") is None:
            ctx.error("", "这一行没有任何事实数值", "")
        specs = {f.key: f for f in self.facts}
        for key in values:
            if specs[key].per_project and not project:
                ctx.error("project", f"“{specs[key].label}”按项目计算，须填写项目名称", "")
            if eid is not None and year is not None:
                seen_key = (eid, year, key, project if specs[key].per_project else "")
                if seen_key in self.seen:
                    ctx.error("", f"“{specs[key].label}”与第{self.seen[seen_key]}行重复（同一企业、年度、项目）")
                self.seen.setdefault(seen_key, ctx.row)
        note = str(ctx.raw("note") or "").strip()[:200]
        return {"enterprise_id": eid, "year": year, "project": project, "values": values, "note": note}

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        specs = {f.key: f for f in self.facts}
        existing = {
            (f.enterprise_id, f.year, f.kind, f.project): f
            for f in RewardFact.objects.filter(
                enterprise_id__in={d["enterprise_id"] for _, d in rows}, kind__in=list(specs)
            )
        }
        created: list[RewardFact] = []
        changed: list[RewardFact] = []
        unchanged = 0
        for _row, d in rows:
            for key, value in d["values"].items():
                project = d["project"] if specs[key].per_project else ""
                value = value.quantize(Decimal("0.0001"))
                f = existing.get((d["enterprise_id"], d["year"], key, project))
                if f is None:
                    created.append(
                        RewardFact(
                            enterprise_id=d["enterprise_id"],
                            year=d["year"],
                            kind=key,
                            project=project,
                            value=value,
                            note=d["note"],
                        )
                    )
                elif (f.value, f.note) == (value, d["note"]):
                    unchanged += 1
                else:
                    f.value, f.note = value, d["note"]
                    changed.append(f)
        RewardFact.objects.bulk_create(created, batch_size=2000)
        RewardFact.objects.bulk_update(changed, ["value", "note"], batch_size=2000)
        return len(created), len(changed), unchanged


def register() -> None:
    """Register the importer (from `RewardsConfig.ready`)."""
    from chanye.core.imports import registry

    registry.register(
        "reward_facts",
        RewardFactImporter,
        label="奖补事实",
        roles=sorted(WRITERS),
        notes=[
            "奖补测算需要、企业库中没有的数据（如电商直播销售额、主播带货佣金、技改项目设备投资额、新建5G基站数），"
            "事实名称以政策包为准",
            "每个事实一列，或用“事实”“数值”两列一行一个事实；按项目计算的事实须填写项目名称",
            "空白单元格不是0，跳过；同一企业、年度、事实（和项目）再次导入时更新",
        ],
        examples=[{"name": "湖北示例光电科技有限公司", "year": "2025", "fact": "主播带货佣金", "value": "120"}],
        text_keys=["uscc"],
        order=95,
    )


__all__ = ["RewardFactImporter", "register"]

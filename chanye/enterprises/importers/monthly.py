"""The monthly-figure importer (月度数据, template in docs/import-templates.md): one enterprise and month a row, found
by 统一社会信用代码 or name, each metric converted from the unit of its header."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Q

from chanye.core import access, figure_uses, hooks, uscc
from chanye.core.imports.base import Column, Importer, RowContext, RowError
from chanye.core.imports.values import parse_decimal, parse_identifier, parse_month
from chanye.core.models import ImportBatch
from chanye.core.roles import Role
from chanye.core.text import squash
from chanye.enterprises import services
from chanye.enterprises.choices import METRIC_BY_FIELD, METRICS, FigureSource
from chanye.enterprises.importers.enterprise_list import NAME_COL, USCC_COL
from chanye.enterprises.importers.resolve import EnterpriseResolver
from chanye.enterprises.matching import NameMatcher
from chanye.enterprises.models import MonthlyFigure

SOURCE_COL = Column("source", "数据来源", ("来源",), help="统计/税务/电力/企业自报；空则用导入时选择的来源")
# A sheet cannot claim 发票明细: those figures are summed from the invoice store by the platform (chanye.supply).
_SOURCES = {label: value for value, label in FigureSource.choices if value != FigureSource.INVOICES} | {
    v: v for v in FigureSource.values if v != FigureSource.INVOICES
}
_SOURCES.update(
    {"统计局": "stats", "税务局": "tax", "供电公司": "power", "电力公司": "power", "自报": "self", "企业": "self"}
)


def _note(level: str, text: str) -> dict[str, str]:
    return {"level": level, "text": text}


def _use_label(use: figure_uses.FigureUse) -> str:
    return f"{use.label}（{use.rule}）" if use.rule else use.label


def _sources(use: figure_uses.FigureUse) -> str:
    return "/".join(FigureSource(s).label for s in use.sources)


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
        # Names are matched like every import that attaches rows to registered firms; a near name is accepted here
        # with a warning (a monthly sheet names hundreds of firms), where the others ask for the credit code.
        self.firms = EnterpriseResolver(self.user, out_of_scope="请先导入企业名录")
        self.by_uscc = self.firms.by_uscc
        self.all_uscc = self.by_uscc if access.is_city_wide(self.user) else None
        self.qs = self.firms.qs
        self.seen: dict[tuple[int, Any, str], int] = {}
        self.metric_cols = [self.mapped[m.field] for m in METRICS if m.field in self.mapped]
        self.metrics = {m.field: m for m in METRICS}

    @property
    def matcher(self) -> NameMatcher:
        return self.firms.matcher

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
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

    def describe(self, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, str]]:
        """Column by column: which source its figures went to and what reads them (chanye.core.figure_uses); then
        what the monthly analysis cannot compute from this sheet."""
        uses = figure_uses.uses()
        notes: list[dict[str, str]] = []
        fed: set[tuple[str, str]] = set()
        for mc in sorted(self.metric_cols, key=lambda c: c.index):  # in the sheet's order
            metric = self.metrics[mc.column.key]
            per_source = Counter(r["source"] for _, r in rows if metric.field in r["values"])
            head = f"“{mc.header}”"
            if mc.factor != 1:
                head += f"（已由{mc.unit}换算为{metric.unit}）"
            if not per_source:
                notes.append(_note("warning", f"{head}：没有任何数值，未写入。"))
                continue
            for source, n in sorted(per_source.items()):
                fed.add((metric.field, source))
                where = f"{head} → {FigureSource(source).label}来源，{n}行"
                readers = [u for u in uses if u.reads(metric.field, source)]
                others = [u for u in uses if metric.field in u.metrics and source not in u.sources]
                if readers:
                    notes.append(_note("info", f"{where}：用于{'、'.join(_use_label(u) for u in readers)}。"))
                elif others:
                    text = "；".join(f"{_use_label(u)}只读取{_sources(u)}来源" for u in others)
                    notes.append(
                        _note(
                            "warning", f"{where}：不参与计算（{text}）。如数据实际来自其他部门，请用“数据来源”列注明。"
                        )
                    )
                else:
                    notes.append(_note("info", f"{where}：在企业页面展示，不参与指标和预警计算。"))
        for u in uses:
            if u.monthly_analysis and not any(u.reads(m, s) for m, s in fed):
                wanted = "或".join(METRIC_BY_FIELD[m].label for m in u.metrics)
                notes.append(
                    _note("warning", f"本表没有可用于{_use_label(u)}的{wanted}（{_sources(u)}来源）：需另行导入。")
                )
        return notes

    def describe_written(self, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, str]]:
        """For the sheet's latest months (at most three): which parts of the monthly analysis have figures to work
        on, counted over everything stored for the month within the user's scope, not only this sheet."""
        months = sorted({r["month"] for _, r in rows}, reverse=True)[:3]
        notes = []
        stored = access.scoped(MonthlyFigure, self.user)
        for month in sorted(months):
            for u in figure_uses.uses():
                if not u.monthly_analysis:
                    continue
                has = Q()
                for m in u.metrics:
                    has |= Q(**{f"{m}__isnull": False})
                n = stored.filter(month=month, source__in=u.sources).filter(has).values("enterprise").distinct().count()
                if n:
                    notes.append(_note("info", f"{month:%Y-%m}：{n}家企业有{_use_label(u)}所需数据，重新分析后生效。"))
                else:
                    notes.append(
                        _note("warning", f"{month:%Y-%m}：没有任何企业有{_use_label(u)}所需数据，本月无法计算。")
                    )
        return notes

    def after_commit(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """The month summaries the dashboard reads; other apps' work (the indicators) is an `after_import` hook."""
        months = sorted({r["month"] for _, r in rows})
        hooks.monthly_figures_changed(months=months)

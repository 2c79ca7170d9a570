"""The milestone importer (项目节点, `milestones`; template in docs/import-templates.md), on the all-or-nothing import
framework of `chanye.core.imports`: planned and actual dates of milestones; 施工队进场 and 验收投产 start the project
and put it into production, with its colour and re-planning, exactly as `services.do_record_milestone` does. Blank
cells leave what is stored unchanged. The project-library importer is `chanye.projects.importers`."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from chanye.core import access
from chanye.core.imports.base import Column, ImportAbort, Importer, RowContext, RowError
from chanye.core.imports.values import display, parse_date
from chanye.core.models import ImportBatch
from chanye.core.text import squash
from chanye.projects import rules as project_rules
from chanye.projects import services
from chanye.projects.importers import TEXT_KEYS, project_code
from chanye.projects.models import Milestone, Project, ProjectStatus


class MilestoneImporter(Importer):
    """项目节点: planned/actual dates of the 12 milestones (XN-XM-3); the start and production milestones move the
    project on (XN-XM-4 colours) and re-plan it (XN-XM-2) as `services.do_record_milestone` does."""

    kind = "milestones"
    title = "项目节点"
    columns = [
        Column("code", "项目编号", ("项目代码", "项目编码", "编号"), required=True, example="XA-2025-001"),
        Column(
            "node",
            "节点",
            ("项目节点", "节点名称", "环节", "建设环节"),
            required=True,
            help="12个节点之一（名称或编号），如 施工队进场 / construction",
            example="施工队进场",
        ),
        Column(
            "planned_on",
            "计划完成",
            ("计划完成日期", "计划完成时间", "计划日期"),
            help="改动的计划日期以后不再按政策包自动调整",
        ),
        Column(
            "actual_on",
            "实际完成",
            ("实际完成日期", "实际完成时间", "完成日期"),
            help="不能晚于今天，不能早于签约日期；施工队进场=开工，验收投产=投产",
            example="2025-05-20",
        ),
        Column("note", "说明", ("备注", "情况说明"), help="300字以内", example="施工单位已进场，主体工程开工"),
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("code",)

    def map_columns(self, header: list[Any]) -> None:
        super().map_columns(header)
        if not {"planned_on", "actual_on", "note"} & set(self.mapped):
            self.errors.append(RowError(0, "", "", "没有任何数据列；至少需要“计划完成”“实际完成”“说明”其中一列"))

    def prepare(self) -> None:
        self.rules = project_rules.current()
        self.nodes: dict[str, tuple[str, int, str]] = {}
        for seq, spec in enumerate(self.rules.milestones, start=1):
            for key in (squash(spec["name"]), spec["code"], spec["code"].lower()):
                self.nodes.setdefault(key, (spec["code"], seq, spec["name"]))
        qs = access.scoped(Project, self.user)
        self.projects = {p.code: p for p in qs.select_related("county", "park")}
        self.all_codes = set(Project.objects.values_list("code", flat=True))
        self.seen: dict[tuple[int, str], int] = {}

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
        out: dict[str, Any] = {"row": ctx.row}
        code = ctx.cell("code", project_code)
        p = None
        if code:
            p = self.projects.get(code)
            if p is None:
                why = "该项目不在您的管辖范围内" if code in self.all_codes else "项目库中没有该项目编号，请先导入项目库"
                ctx.error("code", why, code)
            elif p.status == ProjectStatus.EXITED:
                ctx.error("code", "项目已退出，不能再更新节点", code)
                p = None
        elif ctx.raw("code") is None:
            ctx.error("code", "项目编号不能为空", "")
        node = None
        if ctx.raw("node") is not None:
            raw = squash(str(ctx.raw("node")))
            node = self.nodes.get(raw) or self.nodes.get(raw.lower())
            if node is None:
                names = "、".join(spec["name"] for spec in self.rules.milestones)
                ctx.error("node", f"不是项目节点；应为：{names}")
        else:
            ctx.error("node", "节点不能为空", "")
        planned = ctx.cell("planned_on", parse_date)
        if planned is not None:
            out["planned_on"] = planned
        actual = ctx.cell("actual_on", parse_date)
        if actual is not None:
            if actual > self.today:
                ctx.error("actual_on", f"实际完成日期不能晚于今天（{self.today:%Y-%m-%d}）")
            elif p is not None and node is not None and p.signed_on and actual < p.signed_on and node[1] > 1:
                ctx.error("actual_on", f"实际完成日期不能早于签约日期{p.signed_on:%Y-%m-%d}")
            out["actual_on"] = actual
        if ctx.raw("note") is not None:
            note = str(ctx.raw("note")).strip()
            if len(note) > 300:
                ctx.error("note", "说明不能超过300个字")
            out["note"] = note
        if not {"planned_on", "actual_on", "note"} & set(out) and not ctx.errors:
            self.warnings.append(RowError(ctx.row, "", "", "该行没有填写计划完成、实际完成或说明，已跳过"))
            return None
        if p is not None and node is not None:
            key = (p.pk, node[0])
            if key in self.seen:
                ctx.error("node", f"与第{self.seen[key]}行重复（同一项目、同一节点）")
            else:
                self.seen[key] = ctx.row
            out["project"], out["milestone"] = p, node[0]
        return out

    def validate_all(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """The milestones must exist, and the project's start and production after this file must be consistent
        (signed before started before producing) — the checks `services.do_record_milestone` makes."""
        pids = {d["project"].pk for _, d in rows}
        self.milestones = {(m.project_id, m.code): m for m in Milestone.objects.filter(project_id__in=pids)}
        by_project: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        header = self.headers()
        for row_no, d in rows:
            if (d["project"].pk, d["milestone"]) not in self.milestones:
                self.errors.append(
                    RowError(
                        row_no,
                        header["node"],
                        d["milestone"],
                        "该项目没有这个节点：请市级管理员按政策包重新生成该项目的节点计划后再导入",
                    )
                )
            by_project[d["project"].pk].append((row_no, d))
        anchors = {project_rules.START_MILESTONE: "started_on", project_rules.PRODUCTION_MILESTONE: "producing_on"}
        for items in by_project.values():
            p = items[0][1]["project"]
            moved = [(row_no, d) for row_no, d in items if d["milestone"] in anchors and "actual_on" in d]
            if not moved:
                continue
            q = copy.copy(p)
            for _, d in moved:
                setattr(q, anchors[d["milestone"]], d["actual_on"])
            try:
                services.validate(q)
            except ValidationError as e:
                for row_no, d in moved:
                    self.errors.append(
                        RowError(
                            row_no, header.get("actual_on", "实际完成"), display(d["actual_on"]), "；".join(e.messages)
                        )
                    )

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        unchanged = 0
        changes: list[tuple[Any, dict[str, Any]]] = []
        for _row, d in rows:
            m = self.milestones[(d["project"].pk, d["milestone"])]
            m.project = d["project"]  # one instance per project (loaded in `prepare`)
            before = {"planned_on": m.planned_on, "actual_on": m.actual_on, "note": m.note}
            if "planned_on" in d and d["planned_on"] != m.planned_on:
                m.planned_on, m.planned_edited = d["planned_on"], True
            if "actual_on" in d:
                m.actual_on = d["actual_on"]
            if "note" in d:
                m.note = d["note"]
            if {"planned_on": m.planned_on, "actual_on": m.actual_on, "note": m.note} == before:
                unchanged += 1
                continue
            changes.append((m, before))
        self._progress(batch, 70)
        try:
            updated = services.do_update_milestones(actor=self.user, changes=changes, message=f"导入{batch.filename}")
        except services.ProjectInvalid as e:
            raise ImportAbort(RowError(0, "", e.project.code, "；".join(e.messages))) from e
        return 0, updated, unchanged


TEMPLATE_NOTES = [
    "1. 每行是一个项目的一个节点：项目编号 + 节点（12个节点的名称，如 施工队进场、验收投产）。",
    "2. 实际完成日期不能晚于今天，也不能早于签约日期。填写“施工队进场”即为开工，“验收投产”即为投产，",
    "   项目的四色状态随之变化，后续节点按实际开工日期重新计划。",
    "3. 填写计划完成日期即为手工调整，以后不再按政策包自动调整。空白单元格不会清空已有内容。",
    "4. 系统先校验整个文件：只要有一处错误，就不会写入任何数据。",
]
TEMPLATE_EXAMPLES: list[dict[str, Any]] = [
    {"code": "XA-2025-001", "node": "施工队进场", "actual_on": "2025-05-20", "note": "施工单位已进场"},
    {"code": "XA-2025-001", "node": "土地供应", "planned_on": "2025-04-30"},
]


def register() -> None:
    """Register the milestone importer (from `ProjectsConfig.ready`); the project editors may run it."""
    from chanye.core.imports import registry

    registry.register(
        "milestones",
        MilestoneImporter,
        label="项目节点",
        roles=services.EDITORS,
        notes=TEMPLATE_NOTES,
        examples=TEMPLATE_EXAMPLES,
        text_keys=TEXT_KEYS,
        order=40,
    )


__all__ = ["MilestoneImporter", "register"]

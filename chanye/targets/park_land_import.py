"""The park land-area importer (园区用地面积, `park_land`; template in docs/import-templates.md): one row per park and
year with its industrial land area in 亩 — the denominator of the 亩均税收 evaluation (HG-A-1). All or nothing; a
second import of the same figures changes nothing; city administrators only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chanye.core.imports.base import Column, Importer, RowContext
from chanye.core.imports.values import CellError, parse_decimal, parse_year
from chanye.core.models import ImportBatch
from chanye.core.roles import CITY
from chanye.core.text import squash
from chanye.regions.models import Region
from chanye.regions.selectors import region_lookup
from chanye.targets.models import ParkLand

MU_PER = {"亩": Decimal(1), "公顷": Decimal(15), "平方米": Decimal(1) / Decimal("666.6667")}


class ParkLandImporter(Importer):
    kind = "park_land"
    title = "园区用地面积"
    columns = [
        Column("park", "园区", ("园区名称", "开发区", "园区（开发区）"), required=True, example="黄冈高新区"),
        Column("year", "年度", ("年份",), required=True, example="2024"),
        Column(
            "area",
            "用地面积",
            ("工业用地面积", "占地面积", "面积"),
            required=True,
            units=MU_PER,
            help="园区工业用地面积；表头写明单位：亩、公顷或平方米",
            example="3200",
        ),
        Column(
            "note", "数据来源", ("来源", "备注"), help="如 市自然资源和规划局2024年统计", example="市自然资源和规划局"
        ),
    ]

    def identity_keys(self) -> tuple[str, ...]:
        return ("park", "year")

    def prepare(self) -> None:
        self.parks = {k: r for k, r in region_lookup().items() if r.level == "park"}
        self.seen: dict[tuple[int, int], int] = {}

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        park = ctx.cell("park", self._park)
        year = ctx.cell("year", self._year)
        area = ctx.cell("area", lambda v: parse_decimal(v) * self.mapped["area"].factor)
        if area is not None and area <= 0:
            ctx.error("area", "用地面积应大于0")
        if park is not None and year is not None:
            seen_key = (park.pk, year)
            if seen_key in self.seen:
                ctx.error("park", f"与第{self.seen[seen_key]}行重复（同一园区、同一年度）")
            self.seen.setdefault(seen_key, ctx.row)
        for column, word in (("park", "园区"), ("year", "年度"), ("area", "用地面积")):
            if not ctx.has(column):
                ctx.error(column, f"{word}不能为空", "")
        note = str(ctx.raw("note") or "").strip()[:200]
        return {"park": park, "year": year, "area": area, "note": note}

    def _park(self, v: Any) -> Region:
        r = self.parks.get(squash(str(v)))
        if r is None:
            raise CellError("政策包中没有这个园区（请写园区全称或简称）")
        return r

    def _year(self, v: Any) -> int:
        return parse_year(v, example=2024)

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        for _row, d in rows:
            area = Decimal(d["area"]).quantize(Decimal("0.01"))
            obj = ParkLand.objects.filter(region=d["park"], year=d["year"]).first()
            if obj is None:
                ParkLand.objects.create(region=d["park"], year=d["year"], area_mu=area, source_note=d["note"])
                created += 1
            elif (obj.area_mu, obj.source_note) == (area, d["note"]):
                unchanged += 1
            else:
                obj.area_mu, obj.source_note = area, d["note"]
                obj.save()
                updated += 1
        return created, updated, unchanged


def register() -> None:
    """Register the importer (from `TargetsConfig.ready`); city administrators run it."""
    from chanye.core.imports import registry

    registry.register(
        "park_land",
        ParkLandImporter,
        label="园区用地面积",
        roles=sorted(CITY),
        notes=["每个园区每年一行；用地面积用于亩均税收评价（HG-A-1）", "园区名称与政策包一致（全称或简称均可）"],
        examples=[{"park": "黄冈高新区", "year": "2024", "area": "3200", "note": "市自然资源和规划局"}],
        text_keys=["park"],
        order=90,
    )


__all__ = ["ParkLandImporter", "register"]

"""/api/v1/specialisation: the counties' location quotients and strong clusters (the 区县产业专业化 page's figures,
`analytics.specialisation`), a county officer's own unit only, like the page and its export."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chanye.core import access
from chanye.core.apiparams import Month

router = Router(tags=["区县产业专业化"])


class SpecialisationIn(Schema):
    month: Month | None = Field(None, description="截至年月，如 2026-03；不填为有统计数据的最近一月")
    reference: str | None = Field(None, description="参照地区：导入的对标地区名称（如 湖北省）；不填为全市")


class Cell(Schema):
    county: str
    county_code: str
    division: str = Field(description="国民经济行业大类代码（GB/T 4754）")
    division_name: str
    output: float = Field(description="近12个月统计产值（万元）")
    share_of_county: float = Field(description="占本区县制造业产值（%）")
    lq: float = Field(description="区位熵")
    rank: int = Field(description="区位熵在比较地区中的名次（1 为最专业化）")
    compared: int = Field(description="比较地区数（各区县及对标地区）")
    reference_share: float | None = Field(description="占参照地区该行业产值（%）；参照为全市时为空")
    strong: bool = Field(description="优势集群：区位熵不低于1且名次在前25%（向上取整）")


class Specialisation(Schema):
    reference: str
    reference_year: int | None
    until: str | None
    cells: list[Cell]


@router.get("", response=Specialisation, summary="各区县分行业区位熵与优势集群（区县干部只看本区县）")
def specialisation(request: HttpRequest, q: Query[SpecialisationIn]):
    from chanye.analytics.specialisation import sees
    from chanye.analytics.specialisation import specialisation as compute

    access.require_reader(request.user, what="区县产业专业化")
    s = compute(until=q.month, reference=q.reference or None)
    return {
        "reference": s.reference,
        "reference_year": s.reference_year,
        "until": f"{s.until:%Y-%m}" if s.until else None,
        "cells": [
            {
                "county": c.region.name,
                "county_code": c.region.code,
                "division": c.division,
                "division_name": c.division_name,
                "output": round(c.output, 4),
                "share_of_county": round(c.share_of_county, 4),
                "lq": round(c.lq, 4),
                "rank": c.rank,
                "compared": c.compared,
                "reference_share": None if c.reference_share is None else round(c.reference_share, 4),
                "strong": c.strong,
            }
            for c in s.cells
            if sees(request.user, c.region)
        ],
    }

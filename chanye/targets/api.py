from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from chanye.core import access
from chanye.core.apiparams import Month
from chanye.targets.catalogue import CATALOGUE
from chanye.targets.models import IndicatorValue
from chanye.targets.progress import all_progress
from chanye.targets.selectors import visible_targets

indicators_router = Router(tags=["指标"])
targets_router = Router(tags=["目标"])


def _require(request: HttpRequest) -> None:
    access.require_reader(request.user, what="指标与目标")


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str
    kind: str
    dims: list[str]
    params: list[str]
    rules: list[str]
    latest_period: dt.date | None = None
    latest_city_value: Decimal | None = None


class ValueOut(Schema):
    period: dt.date
    params_key: str
    region: str | None
    cluster: str | None
    value: Decimal
    source: str


@indicators_router.get("/", response=list[IndicatorOut], summary="指标目录（含全市最新值）")
def list_indicators(request: HttpRequest):
    _require(request)
    latest = {}
    for v in IndicatorValue.objects.filter(region__isnull=True, cluster__isnull=True, params_key="").order_by("period"):
        latest[v.indicator] = v
    return [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "definition": i.definition,
            "kind": i.kind,
            "dims": list(i.dims),
            "params": list(i.params),
            "rules": list(i.rules),
            "latest_period": latest[i.code].period if i.code in latest else None,
            "latest_city_value": latest[i.code].value if i.code in latest else None,
        }
        for i in CATALOGUE.values()
    ]


@indicators_router.get("/{code}/values", response=list[ValueOut], summary="指标值（按月份、区域、集群）")
def indicator_values(request: HttpRequest, code: str, period: Month = None, region: str = "", cluster: str = ""):
    _require(request)
    if code not in CATALOGUE:
        raise HttpError(404, "未知指标")
    qs = IndicatorValue.objects.filter(indicator=code).select_related("region", "cluster").order_by("period")
    if access.is_officer(request.user):
        qs = qs.filter(region_id=request.user.region_id)
    if period:
        qs = qs.filter(period=period)
    if region:
        qs = qs.filter(region__code=region)
    if cluster:
        qs = qs.filter(cluster__code=cluster)
    return [
        {
            "period": v.period,
            "params_key": v.params_key,
            "region": v.region.code if v.region_id else None,
            "cluster": v.cluster.code if v.cluster_id else None,
            "value": v.value,
            "source": v.source,
        }
        for v in qs[:5000]
    ]


class TargetOut(Schema):
    code: str
    rule: str
    indicator: str
    label: str
    value: Decimal
    unit: str
    comparator: str
    year: int | None
    per_year: bool
    scope: str
    current: Decimal | None
    as_of: dt.date | None
    status: str
    status_label: str
    expected: Decimal | None
    baseline: Decimal | None
    projection_linear: Decimal | None
    projection_compound: Decimal | None
    needed_per_year: Decimal | None
    needed_rate: Decimal | None


@targets_router.get("/", response=list[TargetOut], summary="目标及进度")
def list_targets(request: HttpRequest, rule: str = "", status: str = ""):
    _require(request)
    targets = visible_targets(request.user)
    if rule:
        targets = [t for t in targets if t.rule.startswith(rule)]
    out = []
    for p in all_progress(targets=targets):
        if status and p.status != status:
            continue
        t = p.target
        scope = f"cluster:{t.cluster.code}" if t.cluster_id else (f"region:{t.region.code}" if t.region_id else "city")
        out.append(
            {
                "code": t.code,
                "rule": t.rule,
                "indicator": t.indicator,
                "label": t.label,
                "value": t.value,
                "unit": t.unit,
                "comparator": t.comparator,
                "year": t.year,
                "per_year": t.per_year,
                "scope": scope,
                "current": p.current,
                "as_of": p.as_of,
                "status": p.status,
                "status_label": p.status_label,
                "expected": p.expected,
                "baseline": p.baseline,
                "projection_linear": p.projection_linear,
                "projection_compound": p.projection_compound,
                "needed_per_year": p.needed_per_year,
                "needed_rate": p.needed_rate,
            }
        )
    return out

"""Target progress: current value, status by time elapsed, projections to the deadline, the rate needed.

Status (RULES.md targets, all cities):
- 已达标 (met): the current value already satisfies the comparator (> 2000 means strictly more than 2000).
- 进度正常 (on track): not met, but at least where a straight line from the baseline to the target says it
  should be by now (for yearly targets: the target × the share of the year elapsed).
- 滞后 (behind): below that line. For "at most" targets (以内, <=) not met means behind.
- 暂无数据 (no data): nothing computed or reported yet.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.utils import timezone

from chanye.core.dates import last_completed_period
from chanye.core.indicators import COUNT_UNITS, satisfies
from chanye.industry.models import Target
from chanye.targets.catalogue import get as catalogue_get
from chanye.targets.models import IndicatorValue

STATUS_LABELS = {"met": "已达标", "on_track": "进度正常", "behind": "滞后", "no_data": "暂无数据"}


def elapsed_fraction(start: dt.date, end: dt.date, today: dt.date) -> float:
    if today <= start:
        return 0.0
    if today >= end:
        return 1.0
    return (today - start).days / max(1, (end - start).days)


def linear_projection(history: list[tuple[int, float]], year: int) -> float | None:
    """Least-squares line through (year, value) points, evaluated at `year`."""
    if len(history) < 2:
        return None
    xs, ys = [h[0] for h in history], [h[1] for h in history]
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my + slope * (year - mx) if n else None


def compound_projection(history: list[tuple[int, float]], year: int) -> float | None:
    """Compound annual growth between the first and last points, carried forward to `year`."""
    if len(history) < 2:
        return None
    (y0, v0), (y1, v1) = history[0], history[-1]
    if v0 <= 0 or v1 <= 0 or y1 == y0:
        return None
    rate = (v1 / v0) ** (1 / (y1 - y0)) - 1
    return v1 * (1 + rate) ** (year - y1)


@dataclass
class Progress:
    target: Target
    current: Decimal | None = None
    as_of: dt.date | None = None
    source: str = ""
    baseline: Decimal | None = None
    baseline_year: int | None = None
    expected: Decimal | None = None
    status: str = "no_data"
    elapsed: float = 0.0
    projection_linear: Decimal | None = None
    projection_compound: Decimal | None = None
    needed_per_year: Decimal | None = None
    needed_rate: Decimal | None = None
    history: list[tuple[int, float]] = field(default_factory=list)
    report_due: bool = False  # a reported figure with a cadence not reported for the last completed period

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent(self) -> float | None:
        if self.current is None or not self.target.value:
            return None
        return float(self.current / self.target.value * 100)


def _scope(t: Target) -> dict[str, Any]:
    return {"region_id": t.region_id, "cluster_id": t.cluster_id}


def _values(t: Target) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(indicator=t.indicator, params_key=t.series_key, **_scope(t)).order_by(
            "period", "-source"
        )
    )


def report_due(t: Target, latest: dt.date | None, today: dt.date) -> bool:
    """Whether a target reported on a cadence (报送频次) lacks its figure for the last completed period: its latest
    figure is as of a month before that period began (or there is none)."""
    period = last_completed_period(t.cadence, today)
    return period is not None and (latest is None or latest < period[0])


def _d(x: float | None) -> Decimal | None:
    return None if x is None or math.isnan(x) else Decimal(str(round(x, 2)))


def progress_for(  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    t: Target,
    *,
    today: dt.date | None = None,
    period_start: int | None = None,
    values: list[IndicatorValue] | None = None,
) -> Progress:
    today = today or timezone.localdate()
    p = Progress(target=t)
    vals = values if values is not None else _values(t)
    # Reported figures win over computed ones for the same period (a department's official number).
    by_period: dict[dt.date, IndicatorValue] = {}
    for v in vals:
        if v.period not in by_period or v.source == IndicatorValue.Source.REPORTED:
            by_period[v.period] = v
    series = sorted(by_period.values(), key=lambda v: v.period)
    p.report_due = report_due(t, series[-1].period if series else None, today)
    if series:
        last = series[-1]
        p.current, p.as_of, p.source = last.value, last.period, last.get_source_display()
        year_end: dict[int, IndicatorValue] = {}
        for v in series:
            year_end[v.period.year] = v  # the latest period of each year
        # A past year seen only part-way (its latest figure before December: the first month of the data) is not that
        # year's figure — a year-to-date sum of one month read as a year bends every projection; the latest year is.
        p.history = [
            (y, float(v.value)) for y, v in sorted(year_end.items()) if v.period.month == 12 or y == last.period.year
        ]

    params = t.params if isinstance(t.params, dict) else {}
    if params.get("baseline") not in (None, True, False, ""):
        p.baseline = Decimal(str(params["baseline"]))
        p.baseline_year = params.get("baseline_year")
    elif not t.per_year and p.history and period_start:
        before = [(y, v) for y, v in p.history if y < period_start]
        if before:
            p.baseline_year, b = before[-1]
            p.baseline = Decimal(str(b))

    if t.per_year:
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    else:
        start = dt.date((p.baseline_year or period_start or today.year) + (1 if p.baseline_year else 0), 1, 1)
        end = dt.date(t.year or today.year, 12, 31)
    p.elapsed = elapsed_fraction(start, end, today)
    if p.current is None:
        return p
    if t.per_year and p.as_of and p.as_of.year != today.year:
        p.current = Decimal(0)  # nothing yet this year
    if satisfies(p.current, t.comparator, t.value):
        p.status = "met"
    elif t.comparator in ("<=", "<", "decrease_by"):
        p.status = "behind"
    else:
        base = p.baseline if p.baseline is not None else Decimal(0)
        p.expected = (base + (t.value - base) * Decimal(str(p.elapsed))).quantize(Decimal("0.01"))
        if t.unit in COUNT_UNITS:  # 应达 1个, not 0.64个: a whole count, the same test for a whole current value
            p.expected = p.expected.to_integral_value(rounding=ROUND_CEILING)
        p.status = "on_track" if p.current >= p.expected else "behind"

    if t.year and not t.per_year and t.year >= today.year:  # a deadline already past is judged, not projected
        p.projection_linear = _d(linear_projection(p.history, t.year))
        p.projection_compound = _d(compound_projection(p.history, t.year))
        years_left = max(0.0, (dt.date(t.year, 12, 31) - today).days / 365.25)
        if years_left > 0 and p.status != "met" and t.comparator in (">=", ">"):
            p.needed_per_year = _d((float(t.value) - float(p.current)) / years_left)
            if p.current > 0:
                p.needed_rate = _d(((float(t.value) / float(p.current)) ** (1 / years_left) - 1) * 100)
    return p


def all_progress(*, today: dt.date | None = None, targets: list[Target] | None = None) -> list[Progress]:
    """Progress of every active target, with one query for all indicator values."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    period_start = None
    if pack and pack.content.get("period"):
        period_start = pack.content["period"][0]
    targets = (
        targets
        if targets is not None
        else list(Target.objects.filter(is_active=True).select_related("region", "cluster").order_by("rule", "code"))
    )
    inds = {t.indicator for t in targets}
    buckets: dict[tuple, list[IndicatorValue]] = {}
    for v in IndicatorValue.objects.filter(indicator__in=inds).order_by("period"):
        buckets.setdefault((v.indicator, v.params_key, v.region_id, v.cluster_id), []).append(v)
    out = []
    for t in targets:
        key = (t.indicator, t.series_key, t.region_id, t.cluster_id)
        out.append(progress_for(t, today=today, period_start=period_start, values=buckets.get(key, [])))
    return out


def indicator_kind(code: str) -> str:
    ind = catalogue_get(code)
    return ind.kind if ind else "reported"

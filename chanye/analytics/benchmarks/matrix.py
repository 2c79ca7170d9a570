"""Reads of the imported benchmarks: the years, the regions × divisions matrix of a year, and the counties' matrix with
the benchmark regions stacked under it (the input of the relatedness page)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from chanye.analytics.benchmarks.table import MANUFACTURING
from chanye.analytics.models import BenchmarkFigure

if TYPE_CHECKING:
    import numpy as np


def benchmark_years() -> list[int]:
    return list(BenchmarkFigure.objects.order_by("-year").values_list("year", flat=True).distinct())


def benchmark_matrix(*, year: int | None = None) -> tuple[int | None, list[str], list[str], np.ndarray]:
    """(year, regions, divisions, regions × divisions 万元) of the imported benchmarks for `year` (default: the
    latest), manufacturing divisions (13–43) only, as the counties' matrix."""
    import numpy as np

    year = year or BenchmarkFigure.objects.aggregate(y=Max("year"))["y"]
    if year is None:
        return None, [], [], np.zeros((0, 0))
    lo, hi = MANUFACTURING
    rows = [
        (region, code, float(output))
        for region, code, output in BenchmarkFigure.objects.filter(year=year).values_list(
            "region", "industry_code", "output"
        )
        if code.isdigit() and lo <= int(code) <= hi
    ]
    regions = sorted({r for r, _, _ in rows})
    codes = sorted({c for _, c, _ in rows})
    ri = {r: i for i, r in enumerate(regions)}
    ci = {c: j for j, c in enumerate(codes)}
    x = np.zeros((len(regions), len(codes)))
    for region, code, output in rows:
        x[ri[region], ci[code]] = output
    return year, regions, codes, x


def merge_benchmarks(
    county_names: list[str],
    divisions: list[str],
    x: np.ndarray,
    bench_regions: list[str],
    bench_divisions: list[str],
    bench_x: np.ndarray,
) -> tuple[list[str], list[str], np.ndarray]:
    """The counties' rows followed by the benchmark regions' rows, over the union of the divisions (sorted); a
    division one side lacks is 0 there. A benchmark region named like a county is left out (the county's own
    figures come from the monthly statistics)."""
    import numpy as np

    own = set(county_names)
    keep = [i for i, r in enumerate(bench_regions) if r not in own]
    cols = sorted(set(divisions) | set(bench_divisions))
    ci = {c: j for j, c in enumerate(cols)}
    out = np.zeros((len(county_names) + len(keep), len(cols)))
    if len(divisions):
        out[: len(county_names), [ci[d] for d in divisions]] = x
    if keep and len(bench_divisions):
        out[len(county_names) :, [ci[d] for d in bench_divisions]] = np.asarray(bench_x)[keep]
    return [*county_names, *(bench_regions[i] for i in keep)], cols, out


@dataclasses.dataclass
class RelatednessMatrix:
    counties: list[Any]  # Region, the first len(counties) rows
    regions: list[str]  # counties' names, then the benchmark regions
    divisions: list[tuple[str, str]]  # (code, name)
    x: np.ndarray
    benchmark_year: int | None
    benchmarks: list[str]

    @property
    def county_output(self) -> float:
        return float(self.x[: len(self.counties)].sum())


def relatedness_matrix(
    *, until: dt.date | None = None, year: int | None = None, benchmarks: bool = True
) -> RelatednessMatrix:
    """The counties' 12-month matrix (`county_industry_matrix`) with the imported benchmark regions of `year` (default
    the latest) stacked under it — the input of the relatedness page."""
    import numpy as np

    from chanye.analytics.selectors import county_industry_matrix
    from chanye.industry.models import IndustryCode

    counties, divisions, x = county_industry_matrix(until=until)
    names = [u.name for u in counties]
    codes = [d for d, _ in divisions]
    b_year, b_regions, b_codes, b_x = benchmark_matrix(year=year) if benchmarks else (None, [], [], np.zeros((0, 0)))
    if not b_regions:
        return RelatednessMatrix(counties, names, list(divisions), x, None, [])
    regions, cols, merged = merge_benchmarks(names, codes, x, b_regions, b_codes, b_x)
    labels = dict(divisions) | dict(
        IndustryCode.objects.filter(code__in=[c for c in cols if c not in dict(divisions)]).values_list("code", "name")
    )
    return RelatednessMatrix(
        counties, regions, [(c, labels.get(c, c)) for c in cols], merged, b_year, regions[len(counties) :]
    )

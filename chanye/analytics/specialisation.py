"""Specialisation of the county-level units by manufacturing division (GB/T 4754 大类): location quotients and the
strong-cluster rule of the U.S. Cluster Mapping project (docs/decisions/0015-specialisation.md).

- Location quotient LQ = (x_ci / x_c·) / (r_i / r_·): the division's share of the county's output over its share of the
  reference economy's output. The reference is the city itself (its counties added up) unless an imported benchmark
  region is named (湖北省, 全国 … from `chanye import benchmarks`), whose division outputs are then the yardstick.
- Share of the reference: x_ci / r_i, the county's part of the reference's output in the division (only against a
  benchmark region: against the city it is the county's share of the city's output).
- Strong: LQ ≥ 1 and the unit ranks in the top quarter (rounded up) of every compared region for that division by LQ
  — the compared regions are the counties and the imported benchmark regions other than the reference, each measured
  against the same reference. Ties share the better rank.

Inputs: the counties' 12-month 统计 output matrix (`selectors.county_industry_matrix`, the relatedness page's one
definition) and the benchmark matrix of the latest year up to the period (`benchmarks.matrix.benchmark_matrix`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

STRONG_TOP_SHARE = 0.25  # top quarter of the compared regions (U.S. Cluster Mapping: "top 25% of all regions")
STRONG_MIN_LQ = 1.0  # and more specialised than the reference


def location_quotients(x: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """LQ of every region (row) in every industry (column) of `x` against `reference` (one value per column; by
    default the column sums of `x`: the regions together). 0 where a region or the reference has no output."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    ref = x.sum(axis=0) if reference is None else np.asarray(reference, dtype=float)
    row = x.sum(axis=1, keepdims=True)
    ref_share = ref / ref.sum() if ref.sum() else np.zeros_like(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (x / row) / ref_share
    return np.nan_to_num(lq, nan=0.0, posinf=0.0, neginf=0.0)


def top_ranks(values: np.ndarray) -> np.ndarray:
    """Rank of each value in its column, 1 for the largest; ties share the better rank."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    return (v[None, :, :] > v[:, None, :]).sum(axis=1) + 1


@dataclass
class Cell:
    region: Any  # the county-level Region
    division: str
    division_name: str
    output: float  # 万元, 12 months to `until`
    share_of_county: float  # % of the county's manufacturing output
    lq: float
    rank: int  # by LQ among `compared` regions (1 = most specialised)
    compared: int
    reference_share: float | None  # % of the reference's output in the division (benchmark reference only)
    strong: bool

    @property
    def output_yi(self) -> float:
        return self.output / 10000


@dataclass
class Specialisation:
    until: dt.date | None
    reference: str  # 全市 or the benchmark region's name
    reference_year: int | None  # the benchmark year, when the reference or peers are benchmarks
    counties: list[Any]
    divisions: list[tuple[str, str]]
    cells: list[Cell] = field(default_factory=list)
    peers: list[str] = field(default_factory=list)  # benchmark regions compared besides the counties
    references: list[str] = field(default_factory=list)  # the benchmark regions that may serve as the reference

    def strong(self) -> list[Cell]:
        return sorted((c for c in self.cells if c.strong), key=lambda c: (-c.lq, c.region.sort_order))

    def cell(self, region_id: int, division: str) -> Cell | None:
        return next((c for c in self.cells if c.region.pk == region_id and c.division == division), None)


def sees(user: Any, region: Any) -> bool:
    """Whether `user` may see a unit's rows: a county officer its own unit only (a division's total in another county
    can be a single firm's output); the page, its export and the API apply this one rule."""
    from chanye.core import access

    return not access.is_officer(user) or region.pk == user.region_id


def specialisation(
    *, until: dt.date | None = None, reference: str | None = None, year: int | None = None
) -> Specialisation:
    """The counties' location quotients per division and their strong clusters (module docstring). `reference` is an
    imported benchmark region's name (unknown names fall back to the city); `year` the benchmark year (default the
    latest up to `until`'s year)."""
    import numpy as np

    from chanye.analytics.benchmarks.matrix import benchmark_matrix, benchmark_years
    from chanye.analytics.selectors import county_industry_matrix

    counties, divisions, x = county_industry_matrix(until=until)
    until = until or _latest_stats_month()
    years = [y for y in benchmark_years() if until is None or y <= until.year] or benchmark_years()
    b_year, b_regions, b_codes, b_x = benchmark_matrix(year=year or (years[0] if years else None))
    own = {c.name for c in counties}
    b_keep = [i for i, r in enumerate(b_regions) if r not in own]
    b_regions = [b_regions[i] for i in b_keep]
    b_x = np.asarray(b_x)[b_keep] if b_keep else np.zeros((0, len(b_codes)))
    codes = [d for d, _ in divisions]
    names = dict(divisions)
    cols = sorted(set(codes) | set(b_codes)) if reference in b_regions else codes

    def spread(m: np.ndarray, have: list[str]) -> np.ndarray:
        out = np.zeros((m.shape[0], len(cols)))
        for j, c in enumerate(have):
            if c in cols:
                out[:, cols.index(c)] = m[:, j]
        return out

    cx = spread(np.asarray(x), codes)
    bx = spread(b_x, list(b_codes)) if len(b_regions) else np.zeros((0, len(cols)))
    if reference in b_regions:
        ref = bx[b_regions.index(reference)]
        peers = [r for r in b_regions if r != reference]
        px = bx[[b_regions.index(r) for r in peers]] if peers else np.zeros((0, len(cols)))
        ref_name = reference
    else:
        ref, peers, px, ref_name = cx.sum(axis=0), [], np.zeros((0, len(cols))), "全市"
    result = Specialisation(
        until=until,
        reference=ref_name,
        reference_year=b_year if ref_name != "全市" else None,
        counties=counties,
        divisions=[(c, names.get(c, c)) for c in cols],
        peers=peers,
        references=b_regions,
    )
    if not counties or not cols:
        return result
    everyone = np.vstack([cx, px])
    lq = location_quotients(everyone, ref)
    ranks = top_ranks(lq)
    n = everyone.shape[0]
    top = math.ceil(STRONG_TOP_SHARE * n)
    row_totals = cx.sum(axis=1)
    for i, county in enumerate(counties):
        for j, code in enumerate(cols):
            out = float(cx[i, j])
            if out <= 0:
                continue
            q = float(lq[i, j])
            result.cells.append(
                Cell(
                    region=county,
                    division=code,
                    division_name=names.get(code, code),
                    output=out,
                    share_of_county=100.0 * out / float(row_totals[i]) if row_totals[i] else 0.0,
                    lq=q,
                    rank=int(ranks[i, j]),
                    compared=n,
                    reference_share=(100.0 * out / float(ref[j]) if ref[j] else None) if ref_name != "全市" else None,
                    strong=q >= STRONG_MIN_LQ and int(ranks[i, j]) <= top,
                )
            )
    return result


def _latest_stats_month() -> dt.date | None:
    from django.db.models import Max

    from chanye.enterprises.models import MonthlyFigure

    return MonthlyFigure.objects.filter(source="stats").aggregate(m=Max("month"))["m"]

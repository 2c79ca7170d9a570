"""Hand-built firms and months for the tests of the target-driven indicator engine (issue 12, FIDELITY D2–D4).

Each test loads the real city pack, builds a few enterprises with 统计 monthly figures whose 12-month sums are chosen
by hand (amounts in 万元: 1,000,000 万元 = 100亿元), runs the engine for MONTH and reads each target's own figure
under its series key. The engine reads committed data through DuckDB, so the tests using this are transactional.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from chanye.core.access import SYSTEM
from chanye.enterprises.models import Honour, MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster, IndustryCode, Target
from chanye.industry.services import do_load_pack
from chanye.regions.models import Region
from chanye.targets import indicators
from tests.conftest import ROOT
from tests.factories import EnterpriseFactory

MONTH = dt.date(2025, 6, 1)
# The four months of figures, all inside the twelve months to MONTH (July 2024 – June 2025).
FIGURE_MONTHS = [dt.date(2025, m, 1) for m in (3, 4, 5, 6)]
YI = 10000  # 万元 per 亿元

PACKS = {
    "xianning": ROOT / "packs" / "xianning-2025.yaml",
    "ezhou": ROOT / "packs" / "ezhou-2027.yaml",
    "huanggang": ROOT / "packs" / "huanggang-2025.yaml",
    "yiyang": ROOT / "packs" / "yiyang-2025.yaml",
}
# GB/T 4754-2017 小类 of each sector used (the migration's table is emptied by transactional tests' flush).
CODES = {
    "0111": ("稻谷种植", "A"),
    "1311": ("稻谷加工", "C"),
    "3311": ("金属结构制造", "C"),
    "4710": ("住宅房屋建筑", "E"),
    "5111": ("谷物、豆及薯类批发", "F"),
}


def load_pack(city: str) -> None:
    do_load_pack(actor=SYSTEM, path=Path(PACKS[city]))


def county() -> Region:
    return Region.objects.filter(is_county_level=True).order_by("code").first()  # type: ignore[return-value]


def firm(
    *,
    revenue_yi: str | int | None = None,
    output_yi: str | int | None = None,
    code: str | None = None,
    clusters: tuple[str, ...] = (),
    leader: bool = False,
) -> object:
    """An enterprise whose revenue and output over the twelve months to MONTH are exactly the amounts given (亿元),
    reported in four equal monthly 统计 figures."""
    industry_code = None
    if code:
        name, section = CODES[code]
        industry_code, _ = IndustryCode.objects.get_or_create(
            code=code, defaults={"name": name, "level": 4, "section": section}
        )
    e = EnterpriseFactory(county=county(), industry_code=industry_code, is_above_scale=True)
    for c in clusters:
        e.clusters.add(Cluster.objects.get(code=c))
    if leader:
        Honour.objects.create(enterprise=e, kind="chain_leader")
    rev = None if revenue_yi is None else Decimal(str(revenue_yi)) * YI / len(FIGURE_MONTHS)
    out = None if output_yi is None else Decimal(str(output_yi)) * YI / len(FIGURE_MONTHS)
    for m in FIGURE_MONTHS:
        MonthlyFigure.objects.create(enterprise=e, month=m, revenue=rev, output=out)
    return e


def above(since: dt.date, until: dt.date | None = None, *, clusters: tuple[str, ...] = ()) -> object:
    """A 规上 enterprise (no figures) from `since` to `until`, in `clusters`."""
    e = EnterpriseFactory(county=county(), is_above_scale=until is None)
    ScalePeriod.objects.create(enterprise=e, entered_on=since, exited_on=until)
    for c in clusters:
        e.clusters.add(Cluster.objects.get(code=c))
    return e


def city_values(month: dt.date = MONTH) -> dict[tuple[str, str], Decimal]:
    """The city's computed figures of `month`: (indicator, params key) → value."""
    rows = indicators.compute(month)
    return {(r.indicator, r.params_key): r.value for r in rows if r.region_id is None and r.cluster_id is None}


def figure(values: dict[tuple[str, str], Decimal], code: str) -> Decimal | None:
    """The figure the target `code` reads (its indicator under its own series key)."""
    t = Target.objects.get(code=code)
    return values.get((t.indicator, t.series_key))

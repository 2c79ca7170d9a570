"""The indicator catalogue's registry and the contract of computed indicators (DESIGN.md "Layers").

Each indicator is defined once (`Indicator`: code, Chinese name, unit, definition, dimensions, parameters) by the
app that knows it — targets the registry's indicators (enterprises, clusters), projects the project library's,
cultivation the chain leaders' — registered from its `AppConfig.ready()`. Packs' targets name these codes.

Indicators computed outside targets come from a `Provider`: `values(year, month)` returns the rows for one period;
targets stores them as `IndicatorValue`s (`targets.indicators.store_provided`). When a provider's data changes (a
month graded, a leader's ledger edited) the app calls `stale(name, year=…)` and whoever stores values recomputes them.
No app imports another for this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Dim = Literal["region", "cluster", "industry", "year", "month"]
Kind = Literal["computed", "reported"]
NUMERIC_PARAMS = {"threshold", "min_investment", "below"}
COMPARATOR_PARAMS = {"threshold_comparator"}
# The measure a threshold applies to, as the texts write it (黄冈 “产值过千亿”): 营业收入 or 工业总产值.
MEASURE_WORDS = {"revenue": "revenue", "营业收入": "revenue", "营收": "revenue", "output": "output", "产值": "output"}
MEASURE_WORDS |= {"工业总产值": "output", "总产值": "output"}


def measure_of(word: Any) -> str:
    """`revenue` or `output` for a pack's `measure` (the code or the text's word); revenue when not written."""
    if word in (None, ""):
        return "revenue"
    try:
        return MEASURE_WORDS[str(word).strip()]
    except KeyError:
        raise ValueError(f"无法识别的统计口径：{word}") from None


# The legal reading of the words a text bounds a figure with (民法典 第1259条: 以上、以下、以内 include the number;
# 不满、超过 exclude it). “级” names reaching a tier: a firm with exactly 100亿 is a 百亿级企业 (EZ-T-1, YY-T-1).
# “突破/过/超” pass the number, so exclude it (XN-CL-3 营收超100亿, HG-T-1 产值过千亿).
BOUND_WORDS = {
    ">=": ">=",
    "≥": ">=",
    "以上": ">=",
    "达": ">=",
    "达到": ">=",
    "级": ">=",
    "不低于": ">=",
    "不少于": ">=",
    ">": ">",
    "超过": ">",
    "超": ">",
    "突破": ">",
    "过": ">",
    "<=": "<=",
    "≤": "<=",
    "以下": "<=",
    "以内": "<=",
    "不超过": "<=",
    "<": "<",
    "不满": "<",
    "低于": "<",
}


def bound_comparator(word: Any, default: str = ">") -> str:
    """The comparator (">=", ">", "<=", "<") a pack's bound is written with, as a symbol or as the text's word."""
    if word in (None, ""):
        return default
    try:
        return BOUND_WORDS[str(word).strip()]
    except KeyError:
        raise ValueError(f"无法识别的比较方式：{word}") from None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    definition: str
    kind: Kind = "computed"
    dims: tuple[Dim, ...] = ("region", "year")
    params: tuple[str, ...] = ()  # e.g. ("threshold",) for enterprise_count_revenue_over
    # The value a parameter has when a target does not set it (("threshold_comparator", ">"), ("measure", "revenue")):
    # a target writing the default shares the series of one that leaves it out.
    defaults: tuple[tuple[str, str], ...] = ()
    rules: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())  # words policy texts use for it (for extraction)


CATALOGUE: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    """Add indicators to the catalogue; a code may be defined only once."""
    for ind in indicators:
        known = CATALOGUE.get(ind.code)
        if known is not None and known != ind:
            raise ValueError(f"indicator {ind.code} is already defined differently")
        CATALOGUE[ind.code] = ind


def get(code: str) -> Indicator | None:
    return CATALOGUE.get(code)


def _param_text(k: str, v: Any) -> str:
    if k in NUMERIC_PARAMS:
        return format(Decimal(str(v)).normalize(), "f")
    if k in COMPARATOR_PARAMS:
        return bound_comparator(v)
    if k == "measure":
        return measure_of(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip()


def params_key(indicator: str, params: dict[str, Any] | None) -> str:
    """The key of a parameter set (`threshold=100`, `threshold=100,threshold_comparator=>=,sector=制造业`,
    `level=provincial`): values of one indicator computed for different parameters are kept apart under it, in the
    order the indicator declares its parameters. Parameters the indicator does not declare are notes (threshold_unit)
    and a parameter at its default is left out, so equal definitions share one key and different ones never do."""
    ind = CATALOGUE.get(indicator)
    defaults = dict(ind.defaults) if ind else {}
    parts = []
    for k in ind.params if ind else ():
        v = (params or {}).get(k)
        if v in (None, "") or v is False:
            continue
        text = _param_text(k, v)
        if defaults.get(k) == text:
            continue
        parts.append(f"{k}={text}")
    return ",".join(parts)


# Units of counts (家, 个 …): their figures are whole numbers, and so is what a target expects of them by now.
COUNT_UNITS = ("家", "个", "场", "次", "项", "台", "座", "人", "名", "件", "户", "条", "处")

GENERIC_REPORTED = "reported"  # the catalogue entry of figures it does not define (其他（按上报数）)


def series_key(indicator: str, params: dict[str, Any] | None, target_code: str) -> str:
    """The key under which a target's figures are stored next to its indicator code.

    A catalogue indicator is one measure computed (or reported) for different parameter sets: its key is
    `params_key`, shared by every target naming the same indicator and parameters. A figure the catalogue does not
    define (its generic `reported` entry, or a code it does not know: 数控化率, 上市企业数, 标识注册量 …) is a series
    of its own per target — the target's code — so reporting one never changes another."""
    if indicator in CATALOGUE and indicator != GENERIC_REPORTED:
        return params_key(indicator, params)
    return f"target={target_code}"


def satisfies(value: Decimal, comparator: str, target: Decimal) -> bool:
    """The legal reading of the comparator words (民法典 第1259条): 以上 ≥, 超过 >, 以内 ≤, 不满 <."""
    return {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
        "=": value == target,
        "increase_by": value >= target,
        "decrease_by": value <= -target,
    }[comparator]


@dataclass(frozen=True)
class Row:
    """One computed value: an indicator (with its parameter key) for the city (region None), a county-level unit or
    park, or a cluster."""

    indicator: str
    value: Decimal
    params_key: str = ""
    region_id: int | None = None
    cluster_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Provided:
    """A provider's values: `period` (the month they are stored under) and `rows`. `replace` says which stored
    computed values of the provider's codes they replace: those of the `period`, or of the whole `year` (a yearly
    ledger whose latest state is all that counts). `rows` None: nothing to store (e.g. no project in the library)."""

    period: dt.date
    rows: list[Row] | None
    replace: Literal["period", "year"] = "period"


@dataclass(frozen=True)
class Provider:
    name: str
    codes: tuple[str, ...]
    values: Callable[[int, dt.date | None], Provided]  # (year, month or None for the year's default period)


_PROVIDERS: dict[str, Provider] = {}
_STALE: list[Callable[[Provider, int, dt.date | None], None]] = []


def register_provider(provider: Provider) -> None:
    _PROVIDERS[provider.name] = provider


def providers() -> Iterator[Provider]:
    return iter(list(_PROVIDERS.values()))


def provided_codes() -> set[str]:
    return {c for p in _PROVIDERS.values() for c in p.codes}


def on_stale(fn: Callable[[Provider, int, dt.date | None], None]) -> None:
    """Called by the app that stores values (targets) with what to do when a provider's data changed."""
    if fn not in _STALE:
        _STALE.append(fn)


def stale(name: str, *, year: int, month: dt.date | None = None) -> None:
    """A provider's data changed for `year` (up to `month`): recompute and store its values."""
    provider = _PROVIDERS.get(name)
    if provider is None:
        return
    for fn in _STALE:
        fn(provider, year, month)

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


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    definition: str
    kind: Kind = "computed"
    dims: tuple[Dim, ...] = ("region", "year")
    params: tuple[str, ...] = ()  # e.g. ("threshold",) for enterprise_count_revenue_over
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


def params_key(indicator: str, params: dict[str, Any] | None) -> str:
    """The key of a parameter set (`threshold=100000`, `level=省级,kind=…`): values of one indicator computed for
    different parameters are kept apart under it, in the order the indicator declares its parameters."""
    ind = CATALOGUE.get(indicator)
    parts = []
    for k in ind.params if ind else ():
        v = (params or {}).get(k)
        if v in (None, ""):
            continue
        if k in NUMERIC_PARAMS:
            v = format(Decimal(str(v)).normalize(), "f")
        parts.append(f"{k}={v}")
    return ",".join(parts)


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

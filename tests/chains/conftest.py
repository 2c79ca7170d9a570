"""Fixtures shared by the chain tests: putting local enterprises with statistics output on chain links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.factories import EnterpriseFactory, LinkEnterpriseFactory, MonthlyFigureFactory

MONTH = dt.date(2025, 6, 1)  # the month of statistics the chain tests put output in


@pytest.fixture
def place() -> Callable[..., list[Any]]:
    """`place(link, county, *outputs, above=False)`: one new enterprise of `county` (规上 if `above`) on `link` per
    output, each with that output (万元) as its statistics figure of MONTH; returns the enterprises."""

    def _place(link: Any, county: Any, *outputs: int, above: bool = False) -> list[Any]:
        out = []
        for amount in outputs:
            e = EnterpriseFactory(county=county, is_above_scale=above)
            LinkEnterpriseFactory(link=link, enterprise=e)
            MonthlyFigureFactory(enterprise=e, month=MONTH, output=Decimal(amount))
            out.append(e)
        return out

    return _place

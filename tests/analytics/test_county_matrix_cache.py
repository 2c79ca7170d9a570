"""The counties × divisions matrix (relatedness, specialisation) is kept in the cache: a second read groups no monthly
row; new monthly summaries (an import) or a changed firm compute it again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.analytics import selectors
from tests.helpers import three_county_firms

pytestmark = pytest.mark.django_db
M = dt.date(2025, 6, 1)


def test_the_matrix_is_cached_until_the_figures_or_the_registry_change(regions, settings, monkeypatch):
    from django.core.cache import cache

    from chanye.analytics.models import MonthSummary

    settings.CHANYE_MATRIX_CACHE_SECONDS = 600
    cache.clear()
    firms = three_county_firms(regions, M)
    computed = []
    real = selectors._county_industry_matrix
    monkeypatch.setattr(selectors, "_county_industry_matrix", lambda until: computed.append(until) or real(until))
    first = selectors.county_industry_matrix(until=M)
    again = selectors.county_industry_matrix(until=M)
    assert len(computed) == 1 and again[2].tolist() == first[2].tolist()
    MonthSummary.objects.create(month=M, above_scale=True, output=Decimal(1))  # what an import refreshes
    selectors.county_industry_matrix(until=M)
    firms[0].save()  # a firm changed (its industry code, its county …)
    selectors.county_industry_matrix(until=M)
    assert len(computed) == 3
    cache.clear()

"""The 供应链 overview is kept in the cache between imports: a second view reads no invoice line, a new import or a
changed firm computes it again, and a county officer never gets the city's figures."""

from __future__ import annotations

import pytest

from chanye.core.access import SYSTEM
from chanye.supply import analytics, selectors
from chanye.supply.invoice_import import import_invoices
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    from django.core.cache import cache

    settings.CHANYE_SUPPLY_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_a_second_view_reads_no_line_and_an_import_or_a_changed_firm_recomputes(
    cached, regions, users, tmp_path, monkeypatch
):
    from chanye.enterprises.models import Enterprise

    c = world(regions)
    assert import_invoices(write_csv(tmp_path / "m.csv", lines(c)), user=SYSTEM).ok
    scans = []
    real = analytics.firm_months
    monkeypatch.setattr(analytics, "firm_months", lambda *a, **k: scans.append(1) or real(*a, **k))
    first = selectors.overview(users["admin"], 2026)
    assert selectors.overview(users["admin"], 2026) == first and len(scans) == 1
    officer = selectors.overview(users["xianan"], 2026)
    assert len(scans) == 2 and [x["name"] for x in officer["counties"]] == ["咸安区"]
    Enterprise.objects.get(uscc=c["S1"]).save()  # a change to the registry
    selectors.overview(users["admin"], 2026)
    assert len(scans) == 3
    extra = [[c["S2"], c["A"], "", "", "2026-03-09", "纸箱", "1000", ""]]
    assert import_invoices(write_csv(tmp_path / "n.csv", lines(c) + extra), user=SYSTEM).ok
    again = selectors.overview(users["admin"], 2026)
    assert len(scans) == 4 and again["total"]["total_amount"] == pytest.approx(first["total"]["total_amount"] + 0.1)

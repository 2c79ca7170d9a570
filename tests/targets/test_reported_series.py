"""Reported targets are series of their own (issue 12, point 1; EZ-T-3, EZ-T-5, HG-T-2, YY-T-2): a figure a
department reports for one target never shows on another, whatever scope and indicator word they share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.industry.models import Target
from chanye.industry.services import do_load_pack
from chanye.targets.models import IndicatorValue
from chanye.targets.progress import all_progress, progress_for
from chanye.targets.services import do_report_value
from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 5)


@pytest.fixture
def ezhou(db):
    return do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml").pack


@pytest.fixture
def admin(db):
    return UserFactory(username="ez-admin", role="city_admin")


def _t(code: str) -> Target:
    return Target.objects.get(code=code)


def test_ez_t_5_reporting_150_city_projects_leaves_every_other_reported_target_without_data(ezhou, admin):
    projects = _t("ez-t-5-city-st-projects")  # 市级科技项目150个 (>=)
    do_report_value(actor=admin, target=projects, period=NOV, value=Decimal(150), note="市科技局")
    assert progress_for(projects, today=TODAY).current == Decimal(150)
    assert progress_for(projects, today=TODAY).status == "met"
    others = ["ez-t-3-nc-rate", "ez-t-5-listings", "ez-t-3-identifier-registrations", "ez-t-5-city-platforms"]
    for code in others:
        p = progress_for(_t(code), today=TODAY)
        assert (p.current, p.status) == (None, "no_data"), code
    # the page's bulk path (all targets at once) reads the same series
    by_code = {p.target.code: p for p in all_progress(today=TODAY)}
    assert by_code["ez-t-5-city-st-projects"].current == Decimal(150)
    assert all(by_code[c].current is None for c in others)


def test_ez_t_3_two_reported_targets_keep_their_own_history_and_unit(ezhou, admin):
    nc, listings = _t("ez-t-3-nc-rate"), _t("ez-t-5-listings")
    do_report_value(actor=admin, target=nc, period=dt.date(2026, 10, 1), value=Decimal("68.5"), note="经信局")
    do_report_value(actor=admin, target=nc, period=NOV, value=Decimal("71"), note="经信局")
    do_report_value(actor=admin, target=listings, period=NOV, value=Decimal(2), note="金融办")
    p_nc, p_list = progress_for(nc, today=TODAY), progress_for(listings, today=TODAY)
    assert p_nc.history == [(2026, 71.0)]  # the year's latest figure: October's 68.5 was superseded by November's
    assert list(
        IndicatorValue.objects.filter(params_key="target=ez-t-3-nc-rate")
        .values_list("value", flat=True)
        .order_by("period")
    ) == [Decimal("68.5"), Decimal(71)]  # both months kept
    assert p_nc.current == Decimal(71) and p_nc.status == "met"  # 超过70%: 71 > 70
    assert p_list.current == Decimal(2) and p_list.status != "met"  # 3—5家: 2 is short
    assert (nc.unit, listings.unit) == ("%", "家")
    keys = set(IndicatorValue.objects.values_list("params_key", flat=True))
    assert keys == {"target=ez-t-3-nc-rate", "target=ez-t-5-listings"}


def test_ez_t_3_exactly_70_is_not_over_70_percent(ezhou, admin):
    nc = _t("ez-t-3-nc-rate")  # 数控化率超过70%: 70 itself is not 超过
    do_report_value(actor=admin, target=nc, period=NOV, value=Decimal(70), note="经信局")
    assert progress_for(nc, today=TODAY).status != "met"


def test_reporting_again_for_the_same_month_replaces_only_that_targets_figure(ezhou, admin):
    a, b = _t("ez-t-5-provincial-platforms"), _t("ez-t-5-city-platforms")
    do_report_value(actor=admin, target=a, period=NOV, value=Decimal(4), note="科技局")
    do_report_value(actor=admin, target=b, period=NOV, value=Decimal(18), note="科技局")
    do_report_value(actor=admin, target=a, period=NOV, value=Decimal(5), note="科技局（更正）")
    assert progress_for(a, today=TODAY).current == Decimal(5)
    assert progress_for(b, today=TODAY).current == Decimal(18)
    assert IndicatorValue.objects.count() == 2


@pytest.mark.parametrize("pack", ["huanggang-2025", "yiyang-2025"])
def test_every_citys_reported_targets_have_distinct_series(pack, admin):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / f"{pack}.yaml")
    reported = [t for t in Target.objects.filter(is_active=True, pack__code__isnull=False) if t.indicator == "reported"]
    assert len(reported) >= 2
    for i, t in enumerate(reported):
        do_report_value(actor=admin, target=t, period=NOV, value=Decimal(1000 + i), note="部门")
    for i, t in enumerate(reported):
        assert progress_for(t, today=TODAY).current == Decimal(1000 + i), t.code


def test_the_report_form_on_the_target_page_writes_that_targets_series_only(ezhou, admin, client):
    client.force_login(admin)
    r = client.post(
        "/targets/ez-t-5-city-st-projects/", {"period": "2026-11", "value": "150", "note": "市科技局2026年11月"}
    )
    assert r.status_code == 302
    own = client.get("/targets/ez-t-5-city-st-projects/").content.decode()
    other = client.get("/targets/ez-t-3-nc-rate/").content.decode()
    assert '<dt class="col-4">当前</dt><dd class="col-8">150个' in own
    assert '<dt class="col-4">当前</dt><dd class="col-8">暂无数据' in other
    assert list(IndicatorValue.objects.values_list("params_key", flat=True)) == ["target=ez-t-5-city-st-projects"]


def test_migration_moves_a_stored_figure_to_its_target_only_when_one_target_owns_it(ezhou, admin, regions):
    """targets 0003: figures stored under the shared key move to `target=<code>` when exactly one active reported
    target has that scope; figures several targets shared stay where they were (no target shows them)."""
    import importlib

    from django.apps import apps

    rekey = importlib.import_module("chanye.targets.migrations.0003_reported_series_key").rekey
    county = regions["咸安区"]
    Target.objects.create(code="only-one", indicator="reported", label="某县上报", value=1, region=county)
    own = IndicatorValue.objects.create(
        indicator="reported", params_key="", period=NOV, region=county, value=7, source="reported"
    )
    shared = IndicatorValue.objects.create(
        indicator="reported", params_key="", period=NOV, value=150, source="reported"
    )
    rekey(apps, None)
    own.refresh_from_db()
    shared.refresh_from_db()
    assert own.params_key == "target=only-one"
    assert shared.params_key == ""  # ezhou's 20 city-wide reported targets shared it: none may claim it


def test_a_reported_target_with_a_cadence_is_due_until_the_last_period_is_reported(ezhou, admin, client):
    """A reported target may name its reporting department and cadence (报送单位/报送频次): it is 本期待报送 while its
    latest figure is older than the last completed period — quarterly on 2026-12-05: the figure for 2026 Q3 or later."""
    t = _t("ez-t-5-city-st-projects")
    Target.objects.filter(pk=t.pk).update(reporter="市科技局", cadence="quarter")
    t.refresh_from_db()
    assert progress_for(t, today=TODAY).report_due  # nothing reported yet
    do_report_value(actor=admin, target=t, period=dt.date(2026, 6, 1), value=Decimal(120), note="市科技局")
    assert progress_for(t, today=TODAY).report_due  # June is Q2: Q3 (July–September) is still missing
    do_report_value(actor=admin, target=t, period=dt.date(2026, 7, 1), value=Decimal(130), note="市科技局")
    assert not progress_for(t, today=TODAY).report_due  # a Q3 figure
    assert not progress_for(_t("ez-t-1-above-scale-count"), today=TODAY).report_due  # no cadence, never due
    assert progress_for(_t("ez-t-3-nc-rate"), today=TODAY).report_due  # yearly (the pack): 2025 is not reported
    Target.objects.filter(pk=t.pk).update(cadence="month")
    t.refresh_from_db()
    assert progress_for(t, today=TODAY).report_due  # monthly: November's figure is owed
    client.force_login(admin)
    page = client.get("/targets/ez-t-5-city-st-projects/").content.decode()
    assert "本期待报送" in page and "市科技局，按月报送" in page


def test_the_pack_states_reporter_and_cadence(db, tmp_path):
    """`reporter` and `cadence` on a pack's target are loaded (and refused in words when the cadence is unknown)."""
    import yaml

    from chanye.industry import schema

    data = yaml.safe_load((ROOT / "packs" / "ezhou-2027.yaml").read_text(encoding="utf-8"))
    entry = next(x for x in data["targets"] if x["code"] == "ez-t-3-nc-rate")
    entry.update(reporter="市经信局", cadence="year")
    path = tmp_path / "ezhou.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    do_load_pack(actor=SYSTEM, path=path)
    t = _t("ez-t-3-nc-rate")
    assert (t.reporter, t.cadence) == ("市经信局", "year")
    entry["cadence"] = "weekly"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(schema.PackError):
        schema.read(path)

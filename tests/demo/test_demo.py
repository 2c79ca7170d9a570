"""The demo dataset: deterministic, anchors in their clusters, a few hundred 规上, seasonal, users per role."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Count, Sum

from chanye.analytics.models import MonthSummary
from chanye.demo import generator
from chanye.demo.users import ensure_demo_users
from chanye.enterprises.models import Enterprise, MonthlyFigure

pytestmark = pytest.mark.django_db
END = dt.date(2025, 12, 1)


def _make(n=600, months=24, seed=1):
    return generator.generate(seed=seed, enterprises=n, months=months, end_month=END)


def test_generation_is_deterministic(mini_pack):
    _make(seed=5)
    first = sorted(Enterprise.objects.values_list("uscc", "name", "is_above_scale"))
    total = MonthlyFigure.objects.aggregate(s=Sum("output"))["s"]
    Enterprise.objects.all().delete()
    _make(seed=5)
    assert sorted(Enterprise.objects.values_list("uscc", "name", "is_above_scale")) == first
    assert MonthlyFigure.objects.aggregate(s=Sum("output"))["s"] == total


def test_anchors_are_in_their_clusters_and_above_scale(mini_pack):
    stats = _make()
    assert stats.anchors == 4  # 红牛, 奥瑞金, 正大集团, 维达力 in the mini pack
    assert Enterprise.objects.filter(name="湖北红牛有限公司").exists()
    e = Enterprise.objects.get(name="正大集团")  # a name already ending in 集团 is kept as written
    assert set(e.clusters.values_list("code", flat=True)) == {"food-cold-chain", "food"}
    assert e.is_above_scale


def test_sizes_are_skewed_with_a_minority_above_scale(mini_pack):
    stats = _make(n=1000)
    share = stats.above_scale / stats.enterprises
    assert 0.05 < share < 0.35
    # stats figures only for 规上 firms, tax figures for all
    assert MonthlyFigure.objects.filter(source="stats").values("enterprise").distinct().count() == stats.above_scale
    assert MonthlyFigure.objects.filter(source="tax").values("enterprise").distinct().count() == stats.enterprises


def test_february_dips_and_december_peaks(mini_pack):
    _make(n=800, months=24)
    by_month = defaultdict(float)
    for m, s in MonthlyFigure.objects.filter(source="stats").values_list("month").annotate(s=Sum("output")):
        by_month[m] = float(s)
    assert by_month[dt.date(2025, 2, 1)] < by_month[dt.date(2025, 3, 1)] < by_month[dt.date(2025, 12, 1)]


def test_some_firms_shrink_and_some_exited(mini_pack):
    _make(n=800)
    from chanye.enterprises.models import ScalePeriod

    assert ScalePeriod.objects.filter(exited_on__isnull=False).exists()
    assert MonthSummary.objects.filter(region__isnull=True, cluster__isnull=True).count() > 0


def test_one_demo_user_per_role_including_xianan(mini_pack):
    _make(n=100, months=3)
    users = {u.username: u for u in ensure_demo_users()}
    assert users["xianan"].role == "county_officer" and users["xianan"].region.name == "咸安区"
    assert {u.role for u in users.values()} >= {"city_admin", "county_officer", "viewer", "auditor", "enterprise"}
    assert users["qiye"].enterprise.is_above_scale


@pytest.mark.parametrize("pack", ["xianning-2025", "ezhou-2027", "huanggang-2025", "yiyang-2025"])
def test_demo_runs_for_every_citys_pack(pack, transactional_db, tmp_path):
    """`chanye demo --pack …` loads the city's pack, generates data in its counties and names officers county1/2."""
    import io

    from django.core.management import call_command

    from chanye.accounts.models import User
    from tests.conftest import ROOT

    out = io.StringIO()
    call_command(
        "demo",
        "--pack",
        str(ROOT / "packs" / f"{pack}.yaml"),
        "--enterprises",
        "150",
        "--months",
        "14",
        "--no-serve",
        stdout=out,
    )
    text = out.getvalue()
    assert "已生成 150 家企业" in text
    xianning = pack.startswith("xianning")
    officer = User.objects.get(username="xianan" if xianning else "county1")
    assert Enterprise.objects.filter(county=officer.region).exists()
    assert xianning or not Enterprise.objects.filter(name__startswith="咸宁").exists()
    # the project library too, with generated names (the named projects are 咸宁's) and a graded history
    from chanye.projects.models import Project, ProjectMonth

    assert "个演示项目" in text and Project.objects.filter(county=officer.region).exists()
    assert xianning or not Project.objects.filter(name__startswith="永森硅业").exists()
    assert ProjectMonth.objects.exists()
    # the 目标 page shows believable, varied statuses, and the 督办 page the pack's tasks with progress (issue 12)
    from collections import Counter

    from chanye.supervision.models import Task, TaskReport
    from chanye.targets.progress import all_progress

    statuses = Counter(p.status for p in all_progress())
    # some met and some not (a plan whose horizon has passed — 黄冈 2025 — has no “on track” left), few without data
    total = sum(statuses.values())
    assert statuses["met"] and statuses["behind"] + statuses["on_track"], statuses
    assert statuses["met"] < total * 0.6 and statuses["no_data"] < total / 3, statuses
    assert xianning or (Task.objects.filter(is_active=True).exists() and TaskReport.objects.exists())  # 咸宁 has none
    # 益阳's 千亿级产业 have their demo leaders and teams (YY-ORG-1); packs without the arrangement have none
    from chanye.supervision.models import IndustryLiaison

    filled = IndustryLiaison.objects.filter(is_active=True, leaders__isnull=False).distinct().count()
    assert filled == (5 if pack == "yiyang-2025" else 0)
    # the packs with reward clauses have the last year's entitlements computed for the 奖补 page (issue 14)
    assert ("年奖补测算：应兑现" in text) == (pack != "yiyang-2025"), text[-600:]
    # synthetic invoices along the chains give the 供应链 page believable local shares (issue 15)
    assert "行演示增值税发票明细" in text
    from chanye.supply import selectors as supply

    admin = User.objects.get(username="admin")
    year = supply.years()[0]
    total = supply.overview(admin, year)["total"]
    assert total is not None and 15 < total["local_share"] < 70, total
    # every page a city administrator and a county officer open shows counts as whole numbers (issue 13: “55.0家”)
    from django.test import Client

    from tests.helpers import FRACTIONAL_COUNT, argument_free_pages, visible_text

    fractions = []
    for username in ("admin", officer.username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for path in argument_free_pages():
            resp = client.get(path)
            if resp.status_code == 200 and "html" in resp.get("Content-Type", ""):
                fractions += [
                    (username, path, m.group(0)) for m in FRACTIONAL_COUNT.finditer(visible_text(resp.content.decode()))
                ]
    assert not fractions, fractions
    # the growth points' 预计新增产值 are believable against investment and county output (issue 13)
    from chanye.projects import plausibility

    outputs = plausibility.county_outputs(dt.date.today().year - 1)
    doubted = [(p.name, d) for p in Project.objects.all() if (d := plausibility.project_doubts(p, outputs=outputs))]
    assert not doubted, doubted
    # plausible against each other: the counties add up to the city; new 规上 are a part of 规上; the year's growth
    # points add less output than the whole city's 规上 industry made last year
    from chanye.analytics import selectors as dash
    from chanye.projects import progress, stats

    board = dash.dashboard(user=User.objects.get(username="admin"))
    assert sum(r["above"] for r in board["rows"]) == board["kpis"]["above"] >= board["kpis"]["new"]
    growth = progress.growth_points(stats.scope(), board["month"])
    assert growth["output"] * 10000 < sum(outputs.values()), (growth["output"], sum(outputs.values()))


def test_demo_chain_leaders_fill_every_ledger_within_the_rules(mini_pack):
    from chanye.cultivation import supply, visits
    from chanye.cultivation.models import ChainLeader, LeaderDemand
    from chanye.demo.leaders import seed_chain_leaders

    _make(n=300, months=24)
    ensure_demo_users()
    today = dt.date(2026, 11, 23)
    n = seed_chain_leaders(seed=3, today=today)
    listed = ChainLeader.objects.filter(status="listed")
    assert n == listed.count() >= 1
    per_industry = listed.values("industry").annotate(c=Count("id"))
    assert all(1 <= row["c"] <= 3 for row in per_industry)  # XN-LZ-1
    assert {d.status for d in LeaderDemand.objects.all()} >= {"closed", "handling"}
    for leader in listed:
        assert visits.current_official(leader).rank == "deputy_county"
        assert not leader.activities.filter(on__gt=today).exists()
        assert supply.local_rate(leader.relations.filter(year=2026)) is not None
    assert seed_chain_leaders(seed=3, today=today) == 0  # not twice

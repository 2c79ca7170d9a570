"""Project clocks come from a city's own pack (issue 12, FIDELITY D6), each city's real pack loaded:

* 咸宁 (both packs) — XN-XM-1 60 days signing → start (day 60 in, day 61 overdue), XN-XM-2 9/12/18 months, XN-XM-3 the
  12 milestones; and no investment tiers (十亿级/50亿级/100亿级 are 益阳's, YY-P-1);
* 鄂州, 黄冈 (HG-P-1: only 按季集中开工, no per-project limit) and 益阳 (YY-P-1) — no start limit, no bands, no
  milestones: projects are tracked by dates and colours; no overdue marks, no 咸宁 deadline on any page or bulletin;
* 益阳's tiers 10 / 50 / 100 亿元 with the exact 10亿 edge in 十亿级.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from chanye.core.access import SYSTEM
from chanye.industry.services import do_load_pack
from chanye.projects import bulletin as bulletin_mod
from chanye.projects import bulletin_tables, progress, selectors, stats
from chanye.projects import rules as project_rules
from chanye.projects.filtersets import ProjectFilter
from chanye.projects.models import Project
from chanye.projects.services import overdue_milestones, replan
from chanye.regions.models import Region
from tests.conftest import ROOT
from tests.factories import ProjectFactory, UserFactory

PACKS = ROOT / "packs"
XIANNING = [PACKS / "xianning-2025.yaml", PACKS / "xianning-2025-draft.yaml"]
NO_CLOCK = {
    "ezhou": PACKS / "ezhou-2027.yaml",
    "huanggang": PACKS / "huanggang-2025.yaml",
    "yiyang": PACKS / "yiyang-2025.yaml",
}
SIGNED = dt.date(2025, 1, 10)
XN_MILESTONES = [
    "项目注册",
    "资金到位",
    "现场管理和工作人员到位",
    "土地供应",
    "地勘规划和环评能评",
    "施工图",
    "招投标",
    "施工队进场",
    "设备采购",
    "员工招聘",
    "验收投产",
    "进规纳统",
]


def load(path):
    do_load_pack(actor=SYSTEM, path=path)
    return project_rules.current()


def county() -> Region:
    return Region.objects.county_level().order_by("sort_order", "code").first()


@pytest.fixture(params=XIANNING, ids=["xianning-2025", "xianning-2025-draft"])
def xianning(request, empty_db):
    return load(request.param)


@pytest.fixture(params=list(NO_CLOCK.values()), ids=list(NO_CLOCK))
def no_clock(request, empty_db):
    return load(request.param)


# ---------------------------------------------------------------- 咸宁: the clocks its text states


def test_xn_xm_1_xianning_start_within_60_days_day_60_in_day_61_overdue(xianning):
    assert xianning.start_within_days == 60
    p = ProjectFactory(county=county(), signed_on=SIGNED)
    construction = p.milestones.get(code="construction")
    assert construction.planned_on == SIGNED + dt.timedelta(days=60)
    day_60, day_61 = SIGNED + dt.timedelta(days=60), SIGNED + dt.timedelta(days=61)
    assert construction not in overdue_milestones(p, day_60)  # the 60th day is still within
    assert construction in overdue_milestones(p, day_61)  # the 61st is overdue


def test_xn_xm_1_xianning_start_speed_counts_day_60_within_and_day_61_over(xianning):
    c = county()
    ProjectFactory(county=c, signed_on=SIGNED, started_on=SIGNED + dt.timedelta(days=60))
    ProjectFactory(county=c, signed_on=SIGNED, started_on=SIGNED + dt.timedelta(days=61))
    s = progress.start_speed(stats.scope(), dt.date(2025, 3, 1))
    assert (s["limit"], s["note"]) == (60, "")
    assert (s["ytd"]["n"], s["ytd"]["within"], s["ytd"]["over"]) == (2, 1, 1)


def test_xn_xm_2_xianning_bands_9_12_18_months(xianning):
    months = [m for _, _, m in xianning.bands]
    assert months == [9, 12, 18]
    assert [xianning.production_months(Decimal(v)) for v in ("1", "4.99", "5", "10")] == [9, 9, 12, 18]
    p = ProjectFactory(county=county(), signed_on=SIGNED, investment=Decimal("10"))
    start = SIGNED + dt.timedelta(days=60)
    assert p.milestones.get(code="acceptance").planned_on == project_rules.add_months(start, 18)


def test_xn_xm_3_xianning_twelve_milestones_in_order(xianning):
    p = ProjectFactory(county=county(), signed_on=SIGNED)
    assert list(p.milestones.order_by("seq").values_list("name", flat=True)) == XN_MILESTONES
    assert p.milestones.get(code="registration").planned_on == SIGNED + dt.timedelta(days=3)
    assert p.milestones.get(code="funds").planned_on == SIGNED + dt.timedelta(days=7)


def test_yy_p_1_xianning_has_no_investment_tiers(xianning):
    assert xianning.investment_tiers == []
    assert xianning.tier(Decimal("100")) is None and xianning.tier(Decimal("10")) is None
    p = ProjectFactory(county=county(), investment=Decimal("120"))
    assert selectors.decorate(p, xianning).tier_label == ""  # type: ignore[attr-defined]


def test_yy_p_1_xianning_pack_files_carry_no_tiers_and_state_their_clocks():
    for path in XIANNING:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8"))["projects"]
        assert "investment_tiers" not in cfg
        assert cfg["start_within_days"] == 60 and len(cfg["milestones"]) == 12
        assert [b["months"] for b in cfg["production_bands"]] == [9, 12, 18]


# ------------------------------------------------------------ 鄂州, 黄冈, 益阳: no clock of their own, none borrowed


def test_d6_no_clock_pack_states_no_start_limit_bands_or_milestones(no_clock):
    assert no_clock.start_within_days is None
    assert no_clock.bands == [] and no_clock.milestones == []
    assert not no_clock.has_clocks
    assert no_clock.production_months(Decimal("5")) is None


def test_hg_p_1_ez_yy_no_start_clock_no_milestones_no_overdue_marks(no_clock):
    long_ago = dt.date(2023, 1, 10)  # signed two years before, never started: 咸宁 would mark it overdue
    p = ProjectFactory(county=county(), signed_on=long_ago, investment=Decimal("12"))
    assert p.milestones.count() == 0  # no 咸宁 milestones
    assert overdue_milestones(p, dt.date(2025, 6, 1)) == []
    row = selectors.with_progress(Project.objects.filter(pk=p.pk), today=dt.date(2025, 6, 1)).get()
    assert (row.overdue_count, row.next_name, row.next_on) == (0, None, None)
    assert project_rules.plan(no_clock, signed_on=long_ago, investment=Decimal("12")) == {}


def test_hg_p_1_ez_yy_speed_figures_without_a_clock_are_counts_with_a_note(no_clock):
    c = county()
    ProjectFactory(
        county=c, signed_on=SIGNED, started_on=SIGNED + dt.timedelta(days=200), producing_on=dt.date(2025, 11, 1)
    )
    sc, month = stats.scope(), dt.date(2025, 11, 1)
    s = progress.start_speed(sc, month)
    assert s["limit"] is None and s["note"] == "本市政策未规定开工时限"
    assert (s["ytd"]["n"], s["ytd"]["within"], s["ytd"]["over"], s["ytd"]["avg_days"]) == (1, None, None, 200.0)
    ps = progress.production_speed(sc, month)
    assert ps["bands"] == [] and ps["note"] == "本市政策未规定投产时限"
    assert (ps["n"], ps["within"], ps["over"]) == (1, None, None)


def test_hg_p_1_ez_yy_bulletin_shows_no_xianning_deadline(no_clock):
    c = county()
    ProjectFactory(county=c, signed_on=dt.date(2024, 1, 10))  # never started
    ProjectFactory(county=c, signed_on=SIGNED, started_on=SIGNED + dt.timedelta(days=90))
    d = bulletin_mod.bulletin(dt.date(2025, 6, 1))
    assert d["overdue"]["milestones"] == 0 and "本市政策未规定开工/投产时限" in d["overdue"]["note"]
    assert "本市政策未规定开工时限" in d["summary"] and "本市政策未规定投产时限" in d["summary"]
    assert "60天" not in d["summary"] and "XN-XM" not in d["summary"]
    speed = next(s for s in bulletin_tables.tables(d) if s["key"] == "speed")
    text = "".join(speed["text"]) + str(speed["tables"])
    assert (
        "本市政策未规定开工时限" in text and "60天" not in text and "超期" not in text and "XN-XM" not in speed["title"]
    )


def test_hg_p_1_ez_yy_pages_show_dates_and_colours_without_xianning_deadlines(no_clock, client):
    c = county()
    p = ProjectFactory(county=c, signed_on=dt.date(2024, 1, 10))
    admin = UserFactory(username="clock-admin", role="city_admin")
    client.force_login(admin)
    detail = client.get(f"/projects/{p.pk}/").content.decode()
    assert (
        "本市政策未规定开工/投产时限" in detail
        and "逾期" not in detail.split('id="milestones"')[1].split("</table>")[0]
    )
    gantt = client.get("/projects/gantt/").content.decode()
    assert "本市政策未规定开工/投产时限" in gantt and "9个月" not in gantt
    page = client.get("/projects/bulletin/?month=2025-06").content.decode()
    assert "本市政策未规定开工时限" in page and "60天" not in page
    edit = client.get("/projects/new/").content.decode()
    assert 'id="no-clocks"' in edit and "60天" not in edit


def test_hg_p_1_huanggang_pack_has_no_invented_90_day_start():
    cfg = yaml.safe_load(NO_CLOCK["huanggang"].read_text(encoding="utf-8"))["projects"]
    assert "start_within_days" not in cfg and "production_bands" not in cfg and "milestones" not in cfg


def test_d6_replan_drops_milestones_planned_under_another_citys_clock(empty_db):
    load(XIANNING[0])
    p = ProjectFactory(county=county(), signed_on=SIGNED)
    assert p.milestones.count() == 12
    load(NO_CLOCK["yiyang"])  # the platform now runs 益阳's pack: 咸宁's deadlines go
    p = Project.objects.get(pk=p.pk)
    replan(p)
    assert p.milestones.count() == 0


# ---------------------------------------------------------------- 益阳's tiers (YY-P-1)


def test_yy_p_1_yiyang_tiers_10_50_100_exact_10yi_edge(empty_db):
    rules = load(NO_CLOCK["yiyang"])
    assert rules.investment_tiers == [Decimal(10), Decimal(50), Decimal(100)]
    cases = {"9.9999": None, "10": 10, "49.9999": 10, "50": 50, "99.9999": 50, "100": 100, "250": 100}
    for investment, tier in cases.items():
        assert rules.tier(Decimal(investment)) == (None if tier is None else Decimal(tier)), investment
    c = county()
    exact = ProjectFactory(county=c, investment=Decimal("10"))
    below = ProjectFactory(county=c, investment=Decimal("9.9999"))
    fifty = ProjectFactory(county=c, investment=Decimal("50"))
    tenth = ProjectFilter(tier="10").apply(Project.objects.all(), tiers=rules.investment_tiers)
    assert set(tenth) == {exact}  # 十亿级: 10 ≤ 总投资 < 50, exactly 10亿 included, 9.9999 and 50 not
    assert below not in tenth and fifty not in tenth
    assert selectors.decorate(exact, rules).tier_label == "十亿级"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["ezhou", "huanggang"])
def test_d6_ezhou_huanggang_have_no_tiers(empty_db, name):
    rules = load(NO_CLOCK[name])
    assert rules.investment_tiers == [] and rules.tier(Decimal("120")) is None

"""The monthly bulletin's figures (月通报, YY-P-3) against a portfolio computed by hand (tests/projects/portfolio.py),
June 2025, 咸安区 (XA) / 嘉鱼县 (JY) / 咸宁高新区 (GXQ):

| project | county | invest. | signed | started | producing | exited | June / May colour |
|---|---|---|---|---|---|---|---|
| P1 | XA | 3 | 2025-01-10 | 2025-03-11 (60 d) | | | blue / blue |
| P2 | XA | 5 | 2024-01-05 | 2024-06-20 | 2025-06-20 (12 months) | | green / blue |
| P3 | XA | 4.9999 | 2024-03-01 | 2024-05-10 | 2025-02-11 (9 months + 1 day) | | green / green |
| P4 | XA | 2 | 2025-04-01 | 2025-06-01 (61 d) | | | blue / yellow |
| P5 | JY 技改 | 0.05 | 2025-02-10 | | | | yellow / yellow |
| P6 | JY | 12 | 2025-05-06 | | | | yellow / yellow |
| P7 | JY 技改 | 1 | 2025-01-02 | 2025-02-20 (49 d) | | 2025-06-10 | red / blue |
| P8 | GXQ 技改 | 1.5 | (registered 2025-03-15) | | | | yellow / yellow |
| P9 | XA | 1 | 2025-07-05 | | | | — / — |
| P10 | XA | 1 | 2024-12-20 | | | | yellow / yellow |
| P11 | JY | 2 | 2025-06-15 | | | | yellow / new |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.projects import bulletin, indicators, progress, stats
from chanye.projects.models import ProjectMonth
from chanye.projects.services import do_grade_month
from chanye.targets.indicators import store_provided
from chanye.targets.models import IndicatorValue
from chanye.targets.progress import all_progress
from tests.projects.portfolio import JUNE, make_portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(regions):
    return make_portfolio(regions)


def by_name(rows, *keys):
    return {r["region"].name: (tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]) for r in rows}


@pytest.fixture
def b(portfolio):
    return bulletin.bulletin(JUNE)


def test_yy_p_3_colours_by_county_at_the_month_end(b):
    board = b["board"]
    assert not board["graded"]
    got = {r["region"].name: r["counts"] for r in board["rows"]}
    assert got["咸安区"] == {"green": 2, "blue": 2, "yellow": 1, "red": 0}  # P2 P3 / P1 P4 / P10 (P9 signed in July)
    assert got["嘉鱼县"] == {"green": 0, "blue": 0, "yellow": 3, "red": 1}  # P5 P6 P11 / P7
    assert got["咸宁高新区"] == {"green": 0, "blue": 0, "yellow": 1, "red": 0}  # P8, never signed
    assert board["totals"] == {"green": 2, "blue": 2, "yellow": 5, "red": 1} and board["total"] == 10


def test_yy_p_3_started_and_producing_in_the_month(b):
    mv = b["movements"]
    assert by_name(mv["rows"], "signed", "started", "producing", "exited") == {
        "咸安区": (0, 1, 1, 0),  # P4 started June 1, P2 produced June 20
        "嘉鱼县": (1, 0, 0, 1),  # P11 signed June 15, P7 exited June 10
        "咸宁高新区": (0, 0, 0, 0),
    }


def test_yy_p_3_colour_changes_against_the_previous_month(b):
    ch = b["changes"]
    assert [(t["label"], t["n"]) for t in ch["transitions"]] == [("蓝→绿", 1), ("黄→蓝", 1), ("蓝→红", 1)]
    assert by_name(ch["rows"], "up", "down", "to_red", "new") == {
        "咸安区": (2, 0, 0, 0),  # P2, P4
        "嘉鱼县": (0, 1, 1, 1),  # P7 red; P11 new in June
        "咸宁高新区": (0, 0, 0, 0),
    }
    assert ch["changed"] == 3
    assert [(p["code"], p["was"], p["now"]) for p in ch["projects"]] == [
        ("P2", "blue", "green"),
        ("P4", "yellow", "blue"),
        ("P7", "blue", "red"),
    ]


def test_yy_p_3_overdue_milestones_at_the_month_end(b):
    od = b["overdue"]
    # P10: six (registration, funds done); P5: eight, nothing done; P11: three signed in June; P6: land done only in
    # July (overdue), survey and drawings not done, tender planned on June 30 itself (not overdue); P7 exited: none.
    assert by_name(od["rows"], "milestones", "projects") == {"咸安区": (6, 1), "嘉鱼县": (14, 3), "咸宁高新区": (0, 0)}
    assert (od["milestones"], od["project_count"]) == (20, 4)
    assert {m["code"]: m["n"] for m in od["by_milestone"]} == {
        "registration": 2,
        "funds": 2,
        "site_staff": 3,
        "land": 3,
        "survey": 3,
        "drawings": 3,
        "tender": 2,
        "construction": 2,
    }
    assert [(p["code"], p["n"]) for p in od["projects"]] == [("P5", 8), ("P10", 6), ("P11", 3), ("P6", 3)]


def test_xn_xm_1_signing_to_start_exactly_60_days_is_within(b):
    ss = b["start_speed"]
    assert ss["limit"] == 60
    # P1 60 days (within), P4 61 days (over), P7 49 days (within); P2 and P3 started in 2024
    assert ss["ytd"] == {"n": 3, "within": 2, "over": 1, "avg_days": 56.7}
    assert ss["month"] == {"n": 1, "within": 0, "over": 1, "avg_days": 61.0}
    assert {r["region"].name: r["ytd"]["within"] for r in ss["rows"]} == {"咸安区": 1, "嘉鱼县": 1, "咸宁高新区": 0}


def test_xn_xm_2_start_to_production_exactly_12_months_in_the_5yi_band_is_within(b):
    ps = b["production_speed"]
    bands = {x["months"]: (x["n"], x["within"], x["over"]) for x in ps["bands"]}
    # P3 (4.9999亿, 9-month band) took 9 months and a day: over; P2 (exactly 5亿 → 12-month band) took 12: within
    assert bands == {9: (1, 0, 1), 12: (1, 1, 0), 18: (0, 0, 0)}
    assert (ps["n"], ps["within"], ps["over"], ps["n_month"], ps["within_month"]) == (2, 1, 1, 1, 1)
    days = (dt.date(2025, 6, 20) - dt.date(2024, 6, 20)).days + (dt.date(2025, 2, 11) - dt.date(2024, 5, 10)).days
    assert ps["avg_months"] == round(days / 2 / (365.25 / 12), 1)


def test_xn_xm_2_exactly_9_months_is_within(regions):
    from tests.factories import ProjectFactory

    ProjectFactory(
        county=regions["咸安区"],
        investment=Decimal("4.9999"),
        signed_on=dt.date(2024, 8, 1),
        started_on=dt.date(2024, 9, 15),
        producing_on=dt.date(2025, 6, 15),
    )
    ProjectFactory(
        county=regions["咸安区"],
        investment=Decimal("3"),
        signed_on=dt.date(2024, 8, 1),
        started_on=dt.date(2024, 9, 30),
        producing_on=dt.date(2025, 6, 30),
    )
    # day clamping: started Aug 31, 9 months → May 31; produced May 31 within, June 1 over
    ProjectFactory(
        county=regions["咸安区"],
        investment=Decimal("3"),
        signed_on=dt.date(2024, 8, 1),
        started_on=dt.date(2024, 8, 31),
        producing_on=dt.date(2025, 5, 31),
    )
    ProjectFactory(
        county=regions["咸安区"],
        investment=Decimal("3"),
        signed_on=dt.date(2024, 8, 1),
        started_on=dt.date(2024, 8, 31),
        producing_on=dt.date(2025, 6, 1),
    )
    ps = progress.production_speed(stats.scope(), JUNE)
    assert (ps["bands"][0]["n"], ps["bands"][0]["within"], ps["bands"][0]["over"]) == (4, 3, 1)


def test_xn_gs_8_landed_started_producing_and_reserve_this_year(b):
    kp = b["key_projects"]
    assert by_name(kp["rows"], "landed", "started", "producing", "reserve") == {
        "咸安区": (2, 2, 2, 2),  # landed P1 P4; started P1 P4; producing P2 P3; entered P1 P4
        "嘉鱼县": (4, 1, 0, 3),  # landed P5 P6 P7 P11; started P7; entered P5 P6 P11 (P7 exited)
        "咸宁高新区": (0, 0, 0, 1),  # P8 registered in March, never signed
    }
    assert kp["totals"] == {"landed": 6, "started": 3, "producing": 2, "reserve": 6}
    assert kp["targets"]["landed"] == 120 and kp["targets"]["producing"] == 100
    assert by_name(kp["rows"], "reserve_target")["咸安区"] == 20


def test_xn_gs_9_growth_points_of_the_bulletin(b):
    g = b["growth"]
    # P4 exactly 2000万 (XA), P6 5000万 (JY), P8 3000万 (GXQ); P5 1999.99万 is not one
    assert by_name(g["rows"], "n", "output") == {
        "咸安区": (1, Decimal("0.2")),
        "嘉鱼县": (1, Decimal("0.5")),
        "咸宁高新区": (1, Decimal("0.3")),
    }
    assert (g["n"], g["output"], g["target_n"], g["target_output"]) == (3, Decimal(1), 150, 150)
    assert by_name(g["rows"], "target") == {"咸安区": 25, "嘉鱼县": 25, "咸宁高新区": None}


def test_xn_jg_1_2_tech_upgrade_of_the_bulletin(b):
    t = b["tech"]
    # P5 exactly 500万 (JY), P8 1.5亿 (GXQ, also ≥1亿); P7 (1亿) exited in June
    assert by_name(t["rows"], "n", "major") == {"咸安区": (0, 0), "嘉鱼县": (1, 0), "咸宁高新区": (1, 1)}
    assert (t["n"], t["major"], t["investment"], t["target_n"]) == (2, 1, Decimal("1.55"), 400)
    assert by_name(t["rows"], "target", "major_target")["嘉鱼县"] == (60, 10)


def test_yy_p_1_ten_yi_projects_and_every_project_target(b):
    got = {r["target"].code: (r["value"], r["status"]) for r in b["targets"]}
    assert got["t-10yi-industry-2025"] == (1, "behind")  # P6, 12亿 产业发展
    assert got["t-landed"] == (6, "behind")  # 6 of 120, half the year gone
    assert got["t-jg-jiayu"][0] == 1 and got["t-gp-xianan"][0] == 1 and got["t-reserve-jiayu"][0] == 3
    assert "t-new-city" not in got  # enterprise targets are not the bulletin's


def test_yy_p_2_issues_as_of_the_month_end(b):
    i = b["issues"]
    # raised ≤ June 30: three; in June: two; closed in June: one (the other closes July 5: open at the end)
    assert (i["total"], i["raised"], i["closed"], i["open"], i["overdue"], i["rate"]) == (3, 2, 1, 2, 1, 33.3)
    dep = {
        d["department"]: (d["total"], d["closed_total"], d["open"], d["overdue"], d["avg_days"])
        for d in i["departments"]
    }
    assert dep == {"县自然资源局": (1, 0, 1, 1, None), "区供电公司": (1, 1, 0, 0, 32.0), "县住建局": (1, 0, 1, 0, None)}


def test_graded_months_give_the_same_figures_and_the_stored_colour_wins(portfolio):
    before = bulletin.bulletin(JUNE)
    do_grade_month(actor=SYSTEM, month=dt.date(2025, 5, 1))
    do_grade_month(actor=SYSTEM, month=JUNE)
    after = bulletin.bulletin(JUNE)
    assert after["board"]["graded"] and after["changes"]["previous_graded"]
    assert after["board"]["totals"] == before["board"]["totals"]
    assert after["changes"]["transitions"] == before["changes"]["transitions"]
    # the month's record is what the bulletin reports (e.g. a colour corrected in the grading)
    ProjectMonth.objects.filter(project=portfolio[10], month=JUNE).update(colour="red")
    again = bulletin.bulletin(JUNE)
    assert again["board"]["totals"] == {"green": 2, "blue": 2, "yellow": 4, "red": 2}
    assert ("黄→红", 1) in [(t["label"], t["n"]) for t in again["changes"]["transitions"]]


def test_a_county_officer_gets_the_figures_of_their_county(portfolio, users):
    d = bulletin.bulletin(JUNE, user=users["xianan"])
    assert [r["region"].name for r in d["board"]["rows"]] == ["咸安区"]
    assert d["board"]["totals"] == {"green": 2, "blue": 2, "yellow": 1, "red": 0}
    assert d["overdue"]["milestones"] == 6 and d["issues"]["total"] == 1
    assert d["key_projects"]["totals"]["landed"] == 2 and d["key_projects"]["targets"] == {}
    assert {r["target"].code for r in d["targets"]} == {
        "t-reserve-xianan",
        "t-gp-xianan",
        "t-jg-xianan",
        "t-jg-major-xianan",
    }
    assert d["subtitle"] == "咸安区" and d["title"] == "咸宁市工业项目建设月通报（2025年6月）"


def test_project_indicators_are_written_to_the_target_tree(portfolio, regions):
    n = store_provided(indicators.PROVIDER, 2025, JUNE)
    assert n > 0
    v = {
        (r.indicator, r.params_key, r.region.name if r.region_id else "全市"): r.value
        for r in IndicatorValue.objects.filter(period=JUNE).select_related("region")
    }
    assert v[("key_projects_landed_count", "", "全市")] == 6
    assert v[("key_projects_landed_count", "", "嘉鱼县")] == 4
    assert v[("projects_producing_count", "", "咸安区")] == 2
    assert v[("growth_point_expected_output", "", "全市")] == 1
    assert v[("techrenovation_project_count", "min_investment=500,min_investment_unit=万元", "嘉鱼县")] == 1
    assert v[("techrenovation_project_count", "min_investment=1,min_investment_unit=亿元", "咸宁高新区")] == 1
    assert v[("project_count_investment_over", "threshold=10,project_type=产业发展", "全市")] == 1
    assert n == store_provided(indicators.PROVIDER, 2025, JUNE)  # idempotent
    assert IndicatorValue.objects.filter(period=JUNE).count() == n
    progress = {p.target.code: p for p in all_progress(today=dt.date(2025, 7, 1))}
    assert progress["t-reserve-jiayu"].current == 3 and progress["t-jg-jiayu"].current == 1
    assert progress["t-landed"].source == "系统计算"


def test_no_projects_no_project_indicators(mini_pack):
    assert store_provided(indicators.PROVIDER, 2025, JUNE) == 0
    assert not IndicatorValue.objects.exists()


def test_enterprise_indicator_refresh_keeps_the_project_values(portfolio):
    from chanye.targets.indicators import store

    store_provided(indicators.PROVIDER, 2025, JUNE)
    n = IndicatorValue.objects.count()
    store(JUNE, [])
    assert IndicatorValue.objects.count() == n

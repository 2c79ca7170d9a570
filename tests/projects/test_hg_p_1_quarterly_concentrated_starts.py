"""HG-P-1 (黄冈, seeds/003): “按季举办重大项目集中开工活动” — the 黄冈 pack states `concentrated_starts: quarter`; the
page 季度集中开工 shows each quarter's starts per county (count and total investment) and the signed, not yet started
projects as the candidates for the next quarter's concentrated start, with an .xlsx of the same sections. Packs
without the setting show nothing of it (404, no link).

Hand-built projects around the quarter boundaries (3-31 is Q1, 4-01 is Q2), figures worked out by hand:

    p1  A  2亿   signed 01-05  started 03-31            → Q1 start
    p7  B  7亿   signed 02-01  started 02-10, producing 06-01 → Q1 start
    p2  A  5亿   signed 02-01  started 04-01            → Q2 start; a candidate at the end of Q1
    p3  B  1.5亿 signed 03-01  started 06-30            → Q2 start; a candidate at the end of Q1
    p5  A  3亿   signed 04-01  started 07-15            → Q3 start; a candidate at the end of Q2
    p4  B  10亿  signed 03-31  never started            → a candidate at the end of Q1 and of Q2
    p6  A  4亿   signed 01-10  exited 05-01, never started → a candidate at the end of Q1 only

    starts  Q1: A 1 / 2亿, B 1 / 7亿 (2 / 9亿)   Q2: A 1 / 5亿, B 1 / 1.5亿 (2 / 6.5亿)   Q3: A 1 / 3亿   Q4: 0
    year    A 3 / 10亿, B 2 / 8.5亿 (5 / 18.5亿)
    candidates at the end of Q1: A 2 / 9亿 (p2, p6), B 2 / 11.5亿 (p3, p4) — 4 / 20.5亿
    candidates at the end of Q2: A 1 / 3亿 (p5), B 1 / 10亿 (p4) — 2 / 13亿
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import yaml
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.industry.services import do_load_pack
from chanye.projects import concentrated_starts as starts
from chanye.projects.quarters import Quarter, parse_quarter
from chanye.regions.models import Region
from tests.conftest import ROOT
from tests.factories import ProjectFactory, UserFactory

PACKS = ROOT / "packs"
HUANGGANG = PACKS / "huanggang-2025.yaml"
WITHOUT = {
    "xianning": PACKS / "xianning-2025.yaml",
    "ezhou": PACKS / "ezhou-2027.yaml",
    "yiyang": PACKS / "yiyang-2025.yaml",
}
D = dt.date


@pytest.fixture
def huanggang(empty_db):
    do_load_pack(actor=SYSTEM, path=HUANGGANG)
    a, b = list(Region.objects.county_level().order_by("sort_order", "code"))[:2]
    p = {
        "p1": ProjectFactory(
            name="一号项目", county=a, investment=Decimal(2), signed_on=D(2025, 1, 5), started_on=D(2025, 3, 31)
        ),
        "p7": ProjectFactory(
            name="七号项目",
            county=b,
            investment=Decimal(7),
            signed_on=D(2025, 2, 1),
            started_on=D(2025, 2, 10),
            producing_on=D(2025, 6, 1),
        ),
        "p2": ProjectFactory(
            name="二号项目", county=a, investment=Decimal(5), signed_on=D(2025, 2, 1), started_on=D(2025, 4, 1)
        ),
        "p3": ProjectFactory(
            name="三号项目", county=b, investment=Decimal("1.5"), signed_on=D(2025, 3, 1), started_on=D(2025, 6, 30)
        ),
        "p5": ProjectFactory(
            name="五号项目", county=a, investment=Decimal(3), signed_on=D(2025, 4, 1), started_on=D(2025, 7, 15)
        ),
        "p4": ProjectFactory(name="四号项目", county=b, investment=Decimal(10), signed_on=D(2025, 3, 31)),
        "p6": ProjectFactory(
            name="六号项目", county=a, investment=Decimal(4), signed_on=D(2025, 1, 10), exited_on=D(2025, 5, 1)
        ),
    }
    return {"a": a, "b": b, "p": p}


def _row(rows, region):
    return next(r for r in rows if r["region"].pk == region.pk)


def test_hg_p_1_huanggang_pack_states_quarterly_concentrated_starts_with_the_text():
    text = HUANGGANG.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["projects"]["concentrated_starts"] == "quarter"
    assert "按季举办重大项目集中开工活动" in text


def test_hg_p_1_starts_per_quarter_and_county_by_hand(huanggang):
    a, b = huanggang["a"], huanggang["b"]
    assert starts.stated()
    d = starts.figures(Quarter(2025, 1), today=D(2026, 1, 15))
    by_q = {x["quarter"].q: x for x in d["quarters"]}
    assert sorted(by_q) == [1, 2, 3, 4]
    q1, q2, q3, q4 = by_q[1], by_q[2], by_q[3], by_q[4]
    assert (_row(q1["rows"], a)["n"], _row(q1["rows"], a)["investment"]) == (1, Decimal(2))  # 03-31 is Q1
    assert (_row(q1["rows"], b)["n"], _row(q1["rows"], b)["investment"]) == (1, Decimal(7))
    assert (q1["n"], q1["investment"]) == (2, Decimal(9))
    assert (_row(q2["rows"], a)["n"], _row(q2["rows"], a)["investment"]) == (1, Decimal(5))  # 04-01 is Q2
    assert (_row(q2["rows"], b)["n"], _row(q2["rows"], b)["investment"]) == (1, Decimal("1.5"))  # 06-30 is Q2
    assert (q2["n"], q2["investment"]) == (2, Decimal("6.5"))
    assert (q3["n"], q3["investment"], _row(q3["rows"], a)["n"]) == (1, Decimal(3), 1)
    assert (q4["n"], q4["investment"]) == (0, Decimal(0))
    year = starts.sections(d)[0]["tables"][0]
    assert year["total"][-2:] == [5, Decimal("18.5")]
    assert next(r for r in year["rows"] if r[0] == a.name)[-2:] == [3, Decimal(10)]
    assert next(r for r in year["rows"] if r[0] == b.name)[-2:] == [2, Decimal("8.5")]


def test_hg_p_1_candidates_for_the_next_quarter_are_signed_not_started_at_the_quarter_end(huanggang):
    a, b, p = huanggang["a"], huanggang["b"], huanggang["p"]
    d1 = starts.figures(Quarter(2025, 1), today=D(2026, 1, 15))
    c1 = d1["candidates"]
    assert (c1["n"], c1["investment"]) == (4, Decimal("20.5"))
    assert (_row(c1["rows"], a)["n"], _row(c1["rows"], a)["investment"]) == (2, Decimal(9))
    assert (_row(c1["rows"], b)["n"], _row(c1["rows"], b)["investment"]) == (2, Decimal("11.5"))
    assert {x.pk for x in d1["candidate_projects"]} == {p[k].pk for k in ("p2", "p3", "p4", "p6")}
    assert d1["next"] == Quarter(2025, 2)
    d2 = starts.figures(Quarter(2025, 2), today=D(2026, 1, 15))
    c2 = d2["candidates"]
    assert (c2["n"], c2["investment"]) == (2, Decimal(13))
    assert {x.pk for x in d2["candidate_projects"]} == {p["p4"].pk, p["p5"].pk}  # p6 exited 05-01, p3 started 06-30
    assert {x.pk for x in d2["started_projects"]} == {p["p2"].pk, p["p3"].pk}


def test_hg_p_1_a_running_quarter_counts_its_candidates_as_of_today(huanggang):
    d = starts.figures(Quarter(2025, 2), today=D(2025, 5, 15))
    assert d["as_of"] == D(2025, 5, 15)
    # at 05-15: p3 (starts 06-30), p4 and p5 (signed 04-01) are signed and not started; p6 exited 05-01
    assert d["candidates"]["n"] == 3
    assert [x["quarter"].q for x in d["quarters"]] == [1, 2]


def test_hg_p_1_page_and_xlsx_show_the_same_sections_with_an_audit_row(huanggang, client):
    client.force_login(UserFactory(username="hg-admin", role="city_admin"))
    page = client.get("/projects/concentrated-starts/?quarter=2025Q1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "季度集中开工" in html and "下季度拟集中开工（2025年第二季度）" in html
    assert all(name in html for name in ("二号项目", "三号项目", "四号项目", "六号项目"))
    resp = client.get("/projects/concentrated-starts.xlsx?quarter=2025Q1")
    assert resp.status_code == 200 and "2025Q1" in resp["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    assert [ws.title for ws in wb.worksheets] == ["2025年各季度开工项目", "2025年第一季度开工项目", "下季度拟集中开工"]
    sheet = wb["下季度拟集中开工"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    total = next(r for r in values if r[0] == "合计")
    assert list(total[:3]) == ["合计", 4, 20.5]
    assert AuditLog.objects.filter(action="export", message__contains="季度集中开工").exists()


def test_hg_p_1_county_officer_sees_only_their_county(huanggang, client):
    a = huanggang["a"]
    officer = UserFactory(username="hg-officer", role="county_officer", region=a)
    d = starts.figures(Quarter(2025, 1), user=officer, today=D(2026, 1, 15))
    assert [u.pk for u in d["units"]] == [a.pk]
    assert (d["candidates"]["n"], d["candidates"]["investment"]) == (2, Decimal(9))
    client.force_login(officer)
    html = client.get("/projects/concentrated-starts/?quarter=2025Q1").content.decode()
    assert "二号项目" in html and "四号项目" not in html and huanggang["b"].name not in html
    xlsx = client.get("/projects/concentrated-starts.xlsx?quarter=2025Q1").content
    texts = {v for ws in load_workbook(io.BytesIO(xlsx)).worksheets for r in ws.iter_rows(values_only=True) for v in r}
    assert "四号项目" not in texts and "六号项目" in texts


def test_hg_p_1_board_and_bulletin_link_the_page(huanggang, client):
    client.force_login(UserFactory(username="hg-admin2", role="city_admin"))
    assert 'id="link-concentrated-starts"' in client.get("/projects/").content.decode()
    assert 'id="link-concentrated-starts"' in client.get("/projects/bulletin/?month=2025-06").content.decode()


@pytest.mark.parametrize("name", list(WITHOUT))
def test_hg_p_1_packs_without_the_setting_show_nothing_of_it(empty_db, client, name):
    do_load_pack(actor=SYSTEM, path=WITHOUT[name])
    assert not starts.stated()
    client.force_login(UserFactory(username="no-starts", role="city_admin"))
    assert client.get("/projects/concentrated-starts/").status_code == 404
    assert client.get("/projects/concentrated-starts.xlsx").status_code == 404
    assert "集中开工" not in client.get("/projects/").content.decode()
    assert "集中开工" not in client.get("/projects/bulletin/?month=2025-06").content.decode()


def test_hg_p_1_quarters_are_read_and_bounded():
    assert parse_quarter("2025Q1") == Quarter(2025, 1)
    assert parse_quarter("2025-q4") == Quarter(2025, 4)
    assert parse_quarter("2025年第二季度") == Quarter(2025, 2)
    assert Quarter.of(D(2025, 3, 31)) == Quarter(2025, 1) and Quarter.of(D(2025, 4, 1)) == Quarter(2025, 2)
    assert (Quarter(2025, 4).first, Quarter(2025, 4).end, Quarter(2025, 4).next()) == (
        D(2025, 10, 1),
        D(2025, 12, 31),
        Quarter(2026, 1),
    )
    for bad in ("2025Q5", "季度", "2999Q1"):
        with pytest.raises(ValueError):
            parse_quarter(bad)

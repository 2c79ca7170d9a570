"""The project board (四色图, XN-XM-4): counts per colour × county with click-through, the filtered list (HG-P-1 lists,
YY-P-1 types and investment tiers, overdue milestones XN-XM-3), the .xlsx export, and the scope: a county officer sees
their county only, other counties' projects and evidence are 404, a viewer reads but never writes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from chanye.industry.models import Cluster, Industry
from chanye.projects.issues import do_assign_issue, do_close_issue, do_raise_issue
from chanye.projects.models import Project
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def library(regions):
    """咸安区: 2 yellow (one overdue, one just signed), 1 blue, 1 green; 嘉鱼县: 1 red, 1 yellow in 潘湾化工园区."""
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    long_ago = TODAY - dt.timedelta(days=200)
    out = {
        "late": ProjectFactory(county=xa, name="咸安逾期项目", signed_on=long_ago, investment=Decimal("12")),
        "fresh": ProjectFactory(county=xa, name="咸安新签项目", signed_on=TODAY, investor="武汉光谷投资有限公司"),
        "blue": ProjectFactory(
            county=xa, name="咸安在建项目", signed_on=long_ago, started_on=long_ago + dt.timedelta(days=30),
            investment=Decimal("60"), kind="upgrade", list_kind="continuing",
        ),
        "green": ProjectFactory(
            county=xa, name="咸安投产项目", signed_on=dt.date(2023, 3, 1), started_on=dt.date(2023, 4, 1),
            producing_on=dt.date(2024, 1, 1), investment=Decimal("150"), project_type="infrastructure",
        ),
        "red": ProjectFactory(
            county=jy, name="嘉鱼退出项目", signed_on=long_ago, exited_on=TODAY,
            exit_reason="投资方战略调整，终止项目。", exit_unit="嘉鱼县经信局",
        ),
        "park": ProjectFactory(county=jy, park=regions["潘湾化工园区"], name="潘湾园区项目", signed_on=TODAY),
    }  # fmt: skip
    out["green"].milestones.filter(actual_on__isnull=True).update(actual_on=F("planned_on"))  # all done, on time
    return out


def names(response) -> set[str]:
    return {p.name for p in response.context["rows"]}


def matrix(response) -> dict[tuple[str, str], int]:
    return {
        (r["region"].name, c["colour"]): c["n"] for r in response.context["board"]["rows"] for c in r["cells"] if c["n"]
    }


def test_xn_xm_4_board_counts_projects_per_colour_and_county(login, users, library):
    r = login(users["admin"]).get("/projects/")
    assert r.status_code == 200
    assert matrix(r) == {
        ("咸安区", "yellow"): 2,
        ("咸安区", "blue"): 1,
        ("咸安区", "green"): 1,
        ("嘉鱼县", "red"): 1,
        ("嘉鱼县", "yellow"): 1,
    }
    board = r.context["board"]
    assert [t["n"] for t in board["totals"]] == [1, 1, 3, 1] and board["total"] == 6  # green, blue, yellow, red
    assert "咸宁高新区" in [row["region"].name for row in board["rows"]]  # a unit without projects has its row of 0s
    chart = board["chart"]
    assert chart["has_data"] and [s["key"] for s in chart["series"]] == ["green", "blue", "yellow", "red"]
    # click-through: the cell links to the list filtered by that county and colour
    cell = next(
        c for row in board["rows"] if row["region"].name == "咸安区" for c in row["cells"] if c["colour"] == "yellow"
    )
    assert cell["qs"] == "county=421202&colour=yellow"
    assert names(login(users["admin"]).get(f"/projects/?{cell['qs']}")) == {"咸安逾期项目", "咸安新签项目"}


def test_the_matrix_follows_the_other_filters_but_not_the_colour(login, users, library):
    c = login(users["admin"])
    r = c.get("/projects/?colour=yellow&county=421202")
    assert names(r) == {"咸安逾期项目", "咸安新签项目"}
    assert matrix(r) == {("咸安区", "yellow"): 2, ("咸安区", "blue"): 1, ("咸安区", "green"): 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("colour=blue", {"咸安在建项目"}),
        ("colour=purple", set()),
        ("county=421221", {"嘉鱼退出项目", "潘湾园区项目"}),
        ("county=421221-PW", {"潘湾园区项目"}),  # a park
        ("kind=upgrade", {"咸安在建项目"}),  # 技改
        ("list_kind=continuing", {"咸安在建项目"}),  # HG-P-1 续建类
        ("project_type=infrastructure", {"咸安投产项目"}),  # YY-P-1 基础设施
        ("tier=10", {"咸安逾期项目"}),  # 十亿级: 10 ≤ 总投资 < 50
        ("tier=50", {"咸安在建项目"}),
        ("tier=100", {"咸安投产项目"}),  # 百亿级
        ("tier=7", set()),  # not a tier of the pack
        ("signed_year=2023", {"咸安投产项目"}),
        ("q=光谷", {"咸安新签项目"}),  # by investor
        ("q=退出", {"嘉鱼退出项目"}),  # by name
    ],
)
def test_board_filters(login, users, library, query, expected):
    assert names(login(users["admin"]).get(f"/projects/?{query}")) == expected


def test_overdue_only_and_the_overdue_count_and_next_milestone_of_each_row(login, users, library):
    r = login(users["admin"]).get("/projects/?overdue=1")
    late = {p.name: p for p in r.context["rows"]}
    # signed 200 days ago and nothing recorded: every milestone due by now is overdue; exited projects are not listed
    assert set(late) == {"咸安逾期项目", "咸安在建项目"}
    p = late["咸安逾期项目"]
    expected = library["late"].milestones.filter(planned_on__lt=TODAY, actual_on__isnull=True).count()
    assert p.overdue_count == expected > 5
    assert p.next_name == "项目注册" and p.grade_label == "三档" and p.tier_label == "十亿级"
    html = r.content.decode()
    assert "十亿级" in html and "三档" in html and "项目注册" in html


def test_industry_and_cluster_filters(login, users, library):
    food = Industry.objects.get(code="food")
    parent = Cluster.objects.get(code="food")
    child = Cluster.objects.get(code="food-cold-chain")
    Project.objects.filter(pk=library["fresh"].pk).update(industry=food, cluster=child)
    c = login(users["admin"])
    assert names(c.get("/projects/?industry=food")) == {"咸安新签项目"}
    assert names(c.get(f"/projects/?cluster={parent.code}")) == {"咸安新签项目"}  # sub-clusters count for the parent
    assert names(c.get("/projects/?cluster=electronics")) == set()


def test_export_holds_the_filtered_list(login, users, library):
    r = login(users["admin"]).get("/projects/export.xlsx?county=421202")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("项目编号", "项目名称", "投资主体") and "四色" in header and "逾期节点数" in header
    assert {row[1] for row in body} == {"咸安逾期项目", "咸安新签项目", "咸安在建项目", "咸安投产项目"}
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["咸安投产项目"]["四色"] == "绿" and by_name["咸安投产项目"]["投资级别"] == "百亿级"
    assert by_name["咸安逾期项目"]["逾期节点数"] > 5 and by_name["咸安逾期项目"]["下一节点"] == "项目注册"
    assert AuditLog.objects.filter(action="export", username="admin", message__contains="项目库").exists()


# ---------------------------------------------------------------- scope


def test_county_officer_sees_only_their_county_in_board_list_and_export(login, users, library):
    c = login(users["xianan"])
    r = c.get("/projects/")
    assert names(r) == {"咸安逾期项目", "咸安新签项目", "咸安在建项目", "咸安投产项目"}
    assert {k[0] for k in matrix(r)} == {"咸安区"} and [row["region"].name for row in r.context["board"]["rows"]] == [
        "咸安区"
    ]
    assert "嘉鱼" not in r.content.decode()
    assert names(c.get("/projects/?county=421221")) == set()  # another county in the URL does not widen the scope
    ws = load_workbook(io.BytesIO(c.get("/projects/export.xlsx").content)).active
    assert {row[1] for row in ws.iter_rows(min_row=2, values_only=True)} == names(r)


def test_other_countys_project_page_and_evidence_are_404_and_audited(login, users, library, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = users["jiayu"]
    issue = do_raise_issue(actor=a, project=library["red"], content="土地手续未办结", on=TODAY - dt.timedelta(days=5))
    do_assign_issue(actor=a, issue=issue, department="县自然资源局", due_on=TODAY)
    do_close_issue(actor=a, issue=issue, note="已办结", evidence=SimpleUploadedFile("批复.pdf", b"%PDF-1.4 x"))
    c = login(users["xianan"])
    pk = library["red"].pk
    for url in (f"/projects/{pk}/", f"/projects/{pk}/edit/", f"/projects/issues/{issue.pk}/evidence/"):
        r = c.get(url)
        assert r.status_code == 404 and "嘉鱼退出项目" not in r.content.decode(), url
    m = library["red"].milestones.first()
    assert c.post(f"/projects/{pk}/milestones/{m.pk}/", {"actual_on": str(TODAY)}).status_code == 404
    assert c.post(f"/projects/{pk}/exit/", {"reason": "x" * 20, "unit": "x"}).status_code == 404
    assert c.post(f"/projects/issues/{issue.pk}/action/", {"action": "remind"}).status_code == 404
    assert AuditLog.objects.filter(action="denied", username="xianan", object_id=str(pk)).exists()
    assert AuditLog.objects.filter(action="denied", username="xianan", object_id=str(issue.pk)).exists()
    assert c.get("/projects/999999/").status_code == 404
    # the 嘉鱼 officer downloads it
    r = login(users["jiayu"]).get(f"/projects/issues/{issue.pk}/evidence/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"


def test_park_officer_sees_only_their_parks_projects(client, regions, library):
    UserFactory(username="panwan", role="county_officer", region=regions["潘湾化工园区"])
    from tests.factories import PASSWORD

    assert client.login(username="panwan", password=PASSWORD)
    assert names(client.get("/projects/")) == {"潘湾园区项目"}
    assert client.get(f"/projects/{library['red'].pk}/").status_code == 404


def test_viewer_reads_the_whole_city_but_cannot_write(login, users, library):
    c = login(users["viewer"])
    r = c.get("/projects/")
    assert len(names(r)) == 6 and "登记项目" not in r.content.decode()
    p = library["late"]
    page = c.get(f"/projects/{p.pk}/").content.decode()
    assert "咸安逾期项目" in page and 'name="actual_on"' not in page and "退出项目" not in page
    m = p.milestones.get(code="registration")
    assert c.post(f"/projects/{p.pk}/milestones/{m.pk}/", {"actual_on": str(TODAY)}).status_code == 404
    assert (
        c.post(f"/projects/{p.pk}/exit/", {"reason": "受政策调整影响终止项目建设", "unit": "区经信局"}).status_code
        == 404
    )
    assert c.get("/projects/new/").status_code == 404
    assert c.get(f"/projects/{p.pk}/edit/").status_code == 404
    m.refresh_from_db()
    p.refresh_from_db()
    assert m.actual_on is None and p.colour == "yellow"


@pytest.mark.parametrize("who", ["auditor", "sysadmin"])
def test_roles_without_business_data_find_no_project_pages(login, users, library, who):
    c = login(users[who])
    for url in ("/projects/", "/projects/gantt/", "/projects/issues/", "/projects/export.xlsx"):
        assert c.get(url).status_code == 404, url
    assert c.get(f"/projects/{library['late'].pk}/").status_code == 404


def test_anonymous_is_sent_to_the_login(client, library):
    r = client.get("/projects/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_board_queries_do_not_grow_with_the_number_of_projects(login, users, regions):
    c = login(users["admin"])

    def count(url: str) -> int:
        c.get(url)  # warm: the pack's project rules are parsed once per pack version
        with CaptureQueriesContext(connection) as q:
            assert c.get(url).status_code == 200
        return len(q.captured_queries)

    ProjectFactory.create_batch(3, county=regions["咸安区"], signed_on=TODAY - dt.timedelta(days=90))
    few = (count("/projects/"), count("/projects/gantt/"), count("/projects/?overdue=1"))
    ProjectFactory.create_batch(30, county=regions["嘉鱼县"], signed_on=TODAY - dt.timedelta(days=90))
    many = (count("/projects/"), count("/projects/gantt/"), count("/projects/?overdue=1"))
    assert many == few and max(many) <= 26  # constant: the page, plus the latest 月通报's count it explains


def test_portfolio_gantt_has_one_bar_per_signed_project_with_the_planned_production(login, users, library):
    r = login(users["admin"]).get("/projects/gantt/?county=421202")
    bars = {b["name"]: b for b in r.context["chart"]["bars"]}
    assert set(bars) == {"咸安逾期项目", "咸安新签项目", "咸安在建项目", "咸安投产项目"}
    late = library["late"]
    assert bars["咸安逾期项目"]["planned"] == str(late.milestones.get(code="acceptance").planned_on)
    assert bars["咸安投产项目"]["producing"] == "2024-01-01" and bars["咸安投产项目"]["colour"] == "green"
    assert r.context["chart"]["today"] == str(TODAY)
    assert 'id="chart-gantt"' in r.content.decode()


def test_portfolio_gantt_pages_by_200(login, users, regions):
    ProjectFactory.create_batch(205, county=regions["咸安区"], planned=False)
    r = login(users["admin"]).get("/projects/gantt/")
    assert len(r.context["chart"]["bars"]) == 200 and r.context["page"].paginator.num_pages == 2
    assert r.context["chart"]["zoom"] is True
    assert len(login(users["admin"]).get("/projects/gantt/?page=2").context["chart"]["bars"]) == 5

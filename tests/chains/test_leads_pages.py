"""The lead pages (/attraction/leads/): county officers see and move only their own county's leads (others are 404);
the 推进 form moves a lead and shows `do_move_lead`'s Chinese refusals; signing registers the yellow project on the
board; the pipeline board counts each column; the new-lead form keeps an officer to their county; exports open."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chanye.chains.leads import do_move_lead
from chanye.chains.models import ChainLink, Lead, LeadEvent
from chanye.projects.models import Project
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

URL = "/attraction/leads/"
TODAY = timezone.localdate()
FOUND = TODAY - dt.timedelta(days=60)


def d(n: int) -> str:
    return (FOUND + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def slaughter(mini_pack):
    return ChainLink.objects.get(chain__code="food-meat", name="屠宰加工")


@pytest.fixture
def two_leads(regions, slaughter):
    return {
        "xianan": LeadFactory(company="甲方咸安客商有限公司", county=regions["咸安区"], link=slaughter, found_on=FOUND),
        "jiayu": LeadFactory(company="乙方嘉鱼客商有限公司", county=regions["嘉鱼县"], found_on=FOUND),
    }


def listed(response) -> set[str]:
    return {x.company for x in response.context["page"]}


# ---------------------------------------------------------------- scope


def test_county_officer_lists_only_own_county_leads(login, users, two_leads):
    r = login(users["xianan"]).get(URL)
    assert listed(r) == {"甲方咸安客商有限公司"}
    assert "乙方嘉鱼客商有限公司" not in r.content.decode()


def test_city_and_viewer_list_every_county(login, users, two_leads):
    for who in ("admin", "viewer"):
        assert listed(login(users[who]).get(URL)) == {"甲方咸安客商有限公司", "乙方嘉鱼客商有限公司"}


def test_county_officer_gets_404_for_another_countys_lead(login, users, two_leads):
    c = login(users["xianan"])
    other = two_leads["jiayu"]
    assert c.get(f"{URL}{other.pk}/").status_code == 404
    assert c.get(f"{URL}{other.pk}/edit/").status_code == 404
    assert c.post(f"{URL}{other.pk}/move/", {"to": "contact", "on": d(5)}).status_code == 404
    assert c.post(f"{URL}{other.pk}/drop/", {"reason": "x"}).status_code == 404
    assert Lead.objects.get(pk=other.pk).stage == "clue"
    assert c.get(f"{URL}{two_leads['xianan'].pk}/").status_code == 200


def test_other_countys_filter_does_not_widen_an_officers_scope(login, users, regions, two_leads):
    r = login(users["xianan"]).get(URL, {"county": regions["嘉鱼县"].code})
    assert listed(r) == set()


def test_export_holds_only_the_users_leads_and_opens(login, users, two_leads):
    r = login(users["xianan"]).get(URL + "export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("线索编号", "企业名称", "统一社会信用代码", "阶段")
    assert [x[1] for x in rows[1:]] == ["甲方咸安客商有限公司"]


@pytest.mark.parametrize("who", ["qiye", "auditor", "sysadmin"])
def test_enterprise_and_non_business_users_find_no_lead_pages(login, users, two_counties, two_leads, who):
    c = login(users[who])
    lead = two_leads["xianan"]
    for path in (
        URL,
        f"{URL}?view=pipeline",
        f"{URL}{lead.pk}/",
        URL + "new/",
        URL + "conversion/",
        URL + "export.xlsx",
    ):
        assert c.get(path).status_code == 404, path


def test_viewer_reads_a_lead_but_cannot_move_it(login, users, two_leads):
    c = login(users["viewer"])
    lead = two_leads["xianan"]
    page = c.get(f"{URL}{lead.pk}/").content.decode()
    assert "甲方咸安客商有限公司" in page and 'id="move-form"' not in page and 'id="drop-form"' not in page
    assert c.post(f"{URL}{lead.pk}/move/", {"to": "contact", "on": d(5)}).status_code == 404  # the house's 403
    assert Lead.objects.get(pk=lead.pk).stage == "clue"
    assert c.get(URL + "new/").status_code == 404


# ---------------------------------------------------------------- moving through the form


def test_moving_a_lead_through_the_form(login, users, two_leads):
    c = login(users["xianan"])
    lead = two_leads["xianan"]
    r = c.post(f"{URL}{lead.pk}/move/", {"to": "contact", "on": d(5), "note": "电话沟通投资意向"})
    assert r.status_code == 302 and r["Location"] == f"{URL}{lead.pk}/"
    lead.refresh_from_db()
    assert (lead.stage, lead.contacted_on.isoformat()) == ("contact", d(5))
    page = c.get(f"{URL}{lead.pk}/").content.decode()
    assert "电话沟通投资意向" in page and "线索已推进到“接洽”" in page
    r = c.post(f"{URL}{lead.pk}/move/", {"to": "visit", "on": d(9)})
    lead.refresh_from_db()
    assert lead.stage == "visit" and LeadEvent.objects.filter(lead=lead).count() == 2


def test_move_form_offers_only_later_stages(login, users, two_leads):
    lead = two_leads["xianan"]
    do_move_lead(actor=users["xianan"], lead=lead, to="visit", on=FOUND + dt.timedelta(days=3))
    form = login(users["xianan"]).get(f"{URL}{lead.pk}/").context["move_form"]
    assert [v for v, _ in form.fields["to"].choices] == ["signed", "landed"]


def test_skipping_from_clue_to_landed_without_signed_date_shows_the_chinese_error(login, users, two_leads):
    c = login(users["xianan"])
    lead = two_leads["xianan"]
    r = c.post(f"{URL}{lead.pk}/move/", {"to": "landed", "on": d(20), "investment": "3"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "落地前须先签约：请填写签约日期（不能从“线索”直接跳到“落地”而没有签约日期）。" in page
    lead.refresh_from_db()
    assert (lead.stage, lead.landed_on, lead.project_id) == ("clue", None, None)
    assert not Project.objects.exists()


def test_future_date_in_the_form_shows_the_chinese_error(login, users, two_leads):
    lead = two_leads["xianan"]
    r = login(users["xianan"]).post(
        f"{URL}{lead.pk}/move/", {"to": "contact", "on": (TODAY + dt.timedelta(days=2)).isoformat()}
    )
    assert "日期不能晚于今天。" in r.content.decode()


def test_signing_through_the_form_creates_the_yellow_project_on_the_board(login, users, regions, two_leads):
    c = login(users["xianan"])
    lead = two_leads["xianan"]
    r = c.post(f"{URL}{lead.pk}/move/", {"to": "signed", "signed_on": d(30), "investment": "5.2", "note": "签约仪式"})
    assert r.status_code == 302
    lead.refresh_from_db()
    p = lead.project
    assert (lead.stage, lead.signed_on.isoformat(), p.colour, p.county) == (
        "signed",
        d(30),
        "yellow",
        regions["咸安区"],
    )
    assert p.investment == Decimal("5.2") and p.chain_node == "屠宰加工"
    page = c.get(f"{URL}{lead.pk}/").content.decode()
    assert f"/projects/{p.pk}/" in page and "黄色项目" in page
    board = c.get("/projects/")
    assert board.status_code == 200
    assert p.pk in {x.pk for x in board.context["rows"]}
    assert p.name in board.content.decode()
    # the other county's officer sees neither the lead nor its project
    other = login(users["jiayu"])
    assert other.get(f"/projects/{p.pk}/").status_code == 404


def test_signing_without_investment_shows_the_chinese_error(login, users, two_leads):
    lead = two_leads["xianan"]
    r = login(users["xianan"]).post(f"{URL}{lead.pk}/move/", {"to": "signed", "signed_on": d(30)})
    assert "签约须填写拟投资额（亿元）。" in r.content.decode()
    assert Lead.objects.get(pk=lead.pk).stage == "clue"


def test_dropping_through_the_form_needs_a_reason(login, users, two_leads):
    c = login(users["xianan"])
    lead = two_leads["xianan"]
    r = c.post(f"{URL}{lead.pk}/drop/", {"reason": "", "on": d(3)})
    assert "终止线索须写明原因。" in r.content.decode()
    r = c.post(f"{URL}{lead.pk}/drop/", {"reason": "企业改投外省", "on": d(3)})
    assert r.status_code == 302
    lead.refresh_from_db()
    assert (lead.stage, lead.drop_reason) == ("dropped", "企业改投外省")
    page = c.get(f"{URL}{lead.pk}/").content.decode()
    assert "企业改投外省" in page and 'id="move-form"' not in page


def test_a_landed_lead_shows_no_move_or_drop_form(login, users, two_leads):
    lead = two_leads["xianan"]
    do_move_lead(
        actor=users["xianan"],
        lead=lead,
        to="landed",
        on=FOUND + dt.timedelta(days=20),
        signed_on=FOUND + dt.timedelta(days=10),
        investment=Decimal(1),
    )
    c = login(users["xianan"])
    page = c.get(f"{URL}{lead.pk}/").content.decode()
    assert 'id="move-form"' not in page and 'id="drop-form"' not in page
    r = c.post(f"{URL}{lead.pk}/drop/", {"reason": "企业撤资"})
    assert "线索已落地，不能再变更阶段。" in r.content.decode()


# ---------------------------------------------------------------- registering


def test_new_lead_form_offers_an_officer_only_their_county(login, users, regions, mini_pack):
    c = login(users["xianan"])
    form = c.get(URL + "new/").context["form"]
    assert list(form.fields["county"].queryset) == [regions["咸安区"]]
    r = c.post(URL + "new/", {"company": "某客商", "county": regions["嘉鱼县"].pk})
    assert r.status_code == 200 and not Lead.objects.exists()
    assert r.context["form"].errors["county"]


def test_new_lead_is_registered_with_owner_and_particulars(login, users, regions, slaughter):
    c = login(users["admin"])
    r = c.post(
        URL + "new/",
        {
            "company": "广东示例食品集团有限公司",
            "link": slaughter.pk,
            "county": regions["嘉鱼县"].pk,
            "owner": users["jiayu"].pk,
            "project_name": "中央厨房项目",
            "investment": "2.5",
            "found_on": d(0),
            "notes": "经商会推荐",
        },
    )
    lead = Lead.objects.get()
    assert r.status_code == 302
    assert (lead.county, lead.owner, lead.cluster.code, lead.investment) == (
        regions["嘉鱼县"],
        users["jiayu"],
        "food",
        Decimal("2.5"),
    )
    assert lead.code.startswith(f"ZS-{FOUND.year}-") and lead.found_on.isoformat() == d(0)
    assert LeadEvent.objects.get(lead=lead).to_stage == "clue"


def test_new_lead_with_a_future_found_date_is_refused_in_chinese(login, users, regions, mini_pack):
    r = login(users["admin"]).post(
        URL + "new/",
        {"company": "某客商", "county": regions["咸安区"].pk, "found_on": (TODAY + dt.timedelta(days=1)).isoformat()},
    )
    assert "发现日期不能晚于今天。" in r.content.decode() and not Lead.objects.exists()


def test_editing_a_lead(login, users, two_leads):
    lead = two_leads["xianan"]
    c = login(users["xianan"])
    r = c.post(
        f"{URL}{lead.pk}/edit/",
        {"company": lead.company, "county": lead.county_id, "owner_name": "赵六", "project_name": "冷库项目"},
    )
    assert r.status_code == 302
    lead.refresh_from_db()
    assert (lead.owner_name, lead.project_name) == ("赵六", "冷库项目")


# ---------------------------------------------------------------- list filters and the pipeline board


def test_list_filters_by_stage_link_county_and_owner(login, users, regions, slaughter, two_leads):
    do_move_lead(actor=users["admin"], lead=two_leads["jiayu"], to="contact", on=FOUND + dt.timedelta(days=2))
    LeadFactory(company="丙方客商", county=regions["咸安区"], owner=users["xianan"], owner_name="", found_on=FOUND)
    c = login(users["admin"])
    assert listed(c.get(URL, {"stage": "contact"})) == {"乙方嘉鱼客商有限公司"}
    assert listed(c.get(URL, {"link": slaughter.pk})) == {"甲方咸安客商有限公司"}
    assert listed(c.get(URL, {"county": regions["咸安区"].code})) == {"甲方咸安客商有限公司", "丙方客商"}
    assert listed(c.get(URL, {"owner": f"u{users['xianan'].pk}"})) == {"丙方客商"}
    assert listed(c.get(URL, {"owner": "n:张三"})) == {"甲方咸安客商有限公司", "乙方嘉鱼客商有限公司"}
    assert listed(c.get(URL, {"q": "乙方"})) == {"乙方嘉鱼客商有限公司"}


def test_list_filters_by_cluster_including_sub_clusters(login, users, regions, two_leads):
    from chanye.industry.models import Cluster

    cold = Cluster.objects.get(code="food-cold-chain")
    LeadFactory(company="冷链客商", county=regions["咸安区"], cluster=cold, found_on=FOUND)
    c = login(users["admin"])
    assert listed(c.get(URL, {"cluster": "food-cold-chain"})) == {"冷链客商"}
    assert "冷链客商" in listed(c.get(URL, {"cluster": "food"}))


def test_pipeline_counts_and_investment_per_column(login, users, regions):
    xa = regions["咸安区"]
    officer = users["xianan"]
    on = FOUND + dt.timedelta(days=10)
    LeadFactory(county=xa, found_on=FOUND, investment=Decimal("1.5"))
    LeadFactory(county=xa, found_on=FOUND, investment=Decimal("2"))
    do_move_lead(actor=officer, lead=LeadFactory(county=xa, found_on=FOUND), to="visit", on=on)
    do_move_lead(actor=officer, lead=LeadFactory(county=xa, found_on=FOUND), to="signed", on=on, investment=Decimal(4))
    do_move_lead(actor=officer, lead=LeadFactory(county=xa, found_on=FOUND), to="dropped", on=on, note="放弃")
    LeadFactory(county=regions["嘉鱼县"], found_on=FOUND, investment=Decimal(9))  # not the officer's
    r = login(officer).get(URL, {"view": "pipeline"})
    p = r.context["pipeline"]
    got = {col["stage"]: (col["n"], col["investment"]) for col in p["columns"]}
    assert got == {
        "clue": (2, Decimal("3.5")),
        "contact": (0, 0),
        "visit": (1, 0),
        "signed": (1, Decimal(4)),
        "landed": (0, 0),
    }
    assert [col["label"] for col in p["columns"]] == ["线索", "接洽", "考察", "签约", "落地"]
    assert p["dropped"] == 1
    page = r.content.decode()
    assert 'id="pipeline"' in page and "已终止 <b>1</b> 条" in page


# ---------------------------------------------------------------- no N+1


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", [URL, URL + "?view=pipeline", URL + "conversion/", "/attraction/targets/"])
def test_list_pages_do_not_query_per_row(login, users, regions, slaughter, path):
    from tests.factories import AttractionTargetFactory, UserFactory

    def add(n: int) -> None:
        for _ in range(n):
            owner = UserFactory(role="county_officer", region=regions["咸安区"])
            t = AttractionTargetFactory(link=slaughter)
            LeadFactory(county=regions["咸安区"], link=slaughter, target=t, owner=owner, found_on=FOUND)

    c = login(users["admin"])
    add(3)
    few = _queries(c, path)
    add(20)
    assert _queries(c, path) == few

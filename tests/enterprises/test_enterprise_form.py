"""Registering and editing an enterprise on the web: scope, USCC check and the audited override."""

import random

import pytest

from chanye.core.models import AuditLog
from chanye.core.uscc_gen import make_uscc, with_bad_check
from chanye.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_city_admin_registers_an_early_code_with_a_reviewed_override(client, users, regions, login):
    code = with_bad_check(make_uscc(random.Random(11)))
    c = login(users["admin"])
    data = {"uscc": code, "name": "早期企业有限公司", "county": regions["咸安区"].pk}
    r = c.post("/enterprises/new/", data)
    assert r.status_code == 200 and "校验位" in r.content.decode()
    assert not Enterprise.objects.exists()
    r = c.post("/enterprises/new/", {**data, "uscc_override_reason": "1998年工商档案核实"})
    assert r.status_code == 302
    e = Enterprise.objects.get()
    assert e.uscc_override and e.uscc_override_reason == "1998年工商档案核实"
    log = AuditLog.objects.filter(action="create", object_type="enterprises.enterprise").get()
    assert "1998年工商档案核实" in log.message and log.username == "admin"


def test_county_officer_cannot_override_and_only_registers_in_own_county(client, users, regions, login):
    c = login(users["xianan"])
    page = c.get("/enterprises/new/").content.decode()
    assert "豁免理由" not in page and "嘉鱼县" not in page
    r = c.post(
        "/enterprises/new/",
        {"uscc": make_uscc(random.Random(12)), "name": "甲有限公司", "county": regions["嘉鱼县"].pk},
    )
    assert r.status_code == 200 and not Enterprise.objects.exists()
    r = c.post(
        "/enterprises/new/",
        {"uscc": make_uscc(random.Random(12)), "name": "甲有限公司", "county": regions["咸安区"].pk},
    )
    assert r.status_code == 302 and Enterprise.objects.get().county.name == "咸安区"


def test_county_officer_edits_own_countys_enterprise_and_gets_404_for_others(client, users, two_counties, login):
    c = login(users["xianan"])
    xa, jy = two_counties["xianan"], two_counties["jiayu"]
    assert c.get(f"/enterprises/{jy.uscc}/edit/").status_code == 404
    r = c.post(
        f"/enterprises/{xa.uscc}/edit/",
        {"uscc": "ignored", "name": "湖北咸安新名称有限公司", "county": xa.county.pk, "aliases": xa.name},
    )
    assert r.status_code == 302
    xa.refresh_from_db()
    assert xa.name == "湖北咸安新名称有限公司" and xa.aliases.filter(name="湖北咸安示例机电有限公司").exists()
    log = AuditLog.objects.filter(action="update", object_id=str(xa.pk)).latest("id")
    assert log.before["name"] == "湖北咸安示例机电有限公司" and "aliases" in log.after["relations"]


def test_viewer_cannot_open_the_form(client, users, login):
    assert login(users["viewer"]).get("/enterprises/new/").status_code == 404

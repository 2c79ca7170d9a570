"""Rough edges officers hit (issue 13): a search by any part of a credit code finds the firm, and the interface stays
Chinese whatever language the browser asks for."""

from __future__ import annotations

import pytest

from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_any_part_of_a_credit_code_finds_the_firm(regions, users, login):
    e = EnterpriseFactory(county=regions["咸安区"], name="咸宁市某某机械有限公司")
    other = EnterpriseFactory(county=regions["咸安区"], name="咸宁市另一家有限公司")
    c = login(users["admin"])
    middle = e.uscc[8:14]
    assert middle not in other.uscc
    page = c.get("/enterprises/", {"q": middle.lower()}).content.decode()
    assert e.name in page and other.name not in page
    assert e.name in c.get("/enterprises/", {"q": e.uscc[:6]}).content.decode()  # the start, as before


def test_an_english_browser_still_gets_chinese(users, login):
    c = login(users["admin"])
    resp = c.post("/accounts/password/", {}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # Django's own form messages
    text = resp.content.decode()
    assert "你的密码必须包含至少 10 个字符" in text and "Your password must contain" not in text
    assert '<html lang="zh-hans">' in text

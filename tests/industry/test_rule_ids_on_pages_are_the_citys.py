"""A page cites a rule ID only when it is the active pack's city's rule (browser walk, issue 12): 咸宁's “XN-LZ-11” on a
黄冈 page would tell 黄冈's officers their own policy says so."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from chanye.core.access import SYSTEM
from chanye.industry.models import Pack
from chanye.industry.services import do_load_pack
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

TEMPLATE = Template('{% load pack_rules %}链上金融{% rule_ref "XN-LZ-11" %}；考核{% rule_ref "HG-A-1" "XN-GS-7" %}')


def render() -> str:
    return TEMPLATE.render(Context({"active_pack": Pack.objects.filter(is_active=True).order_by("-loaded_at").first()}))


def test_the_mini_pack_cites_xianning_rules(mini_pack):
    assert render() == "链上金融（XN-LZ-11）；考核（HG-A-1、XN-GS-7）"  # the test pack cites both cities' rules


def test_huanggang_pages_show_huanggangs_rule_ids_only(mini_pack, client, users):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "huanggang-2025.yaml")
    assert render() == "链上金融；考核（HG-A-1）"
    client.force_login(users["admin"])
    page = client.get("/chains/").content.decode()
    assert "XN-CL-5" not in page


def test_no_pack_no_rule_ids():
    assert TEMPLATE.render(Context({})) == "链上金融；考核"

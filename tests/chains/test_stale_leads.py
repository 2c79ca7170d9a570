"""Leads are followed to closure: an open lead (线索 … 签约, not yet 落地) without progress for longer than the pack's
`lead_stale_days` (platform default 60) is flagged 停滞 on the lead list, which can show only those; landed and dropped
leads never are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.chains import leads
from chanye.chains.models import Lead
from chanye.industry.models import Threshold
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def pipeline(regions):
    county = regions["咸安区"]
    return {
        "old_clue": LeadFactory(county=county, company="久无进展线索公司", found_on=ago(100)),
        "recent_contact": LeadFactory(
            county=county, company="近期接洽公司", stage="contact", found_on=ago(100), contacted_on=ago(10)
        ),
        "edge": LeadFactory(county=county, company="恰好六十天公司", found_on=ago(60)),
        "old_signed": LeadFactory(
            county=county,
            company="签约未落地公司",
            stage="signed",
            found_on=ago(300),
            signed_on=ago(200),
            investment=Decimal(3),
        ),
        "landed": LeadFactory(
            county=county,
            company="早已落地公司",
            stage="landed",
            found_on=ago(400),
            signed_on=ago(300),
            landed_on=ago(250),
            investment=Decimal(3),
        ),
        "dropped": LeadFactory(
            county=county, company="早已终止公司", stage="dropped", found_on=ago(400), dropped_on=ago(300)
        ),
        "other_county": LeadFactory(county=regions["嘉鱼县"], company="嘉鱼久无进展公司", found_on=ago(100)),
    }


def test_open_leads_idle_longer_than_the_default_60_days_are_stale_and_closed_ones_never(pipeline):
    stale = set(leads.stale(Lead.objects.all()).values_list("company", flat=True))
    assert stale == {"久无进展线索公司", "签约未落地公司", "嘉鱼久无进展公司"}
    assert leads.idle_days(pipeline["recent_contact"], TODAY) == 10
    assert leads.idle_days(pipeline["edge"], TODAY) == 60  # exactly 60 days is not yet more than 60
    assert leads.idle_days(pipeline["landed"], TODAY) is None
    assert leads.last_progress(pipeline["old_signed"]) == ago(200)


def test_the_packs_lead_stale_days_replaces_the_default(pipeline, mini_pack):
    Threshold.objects.create(key="lead_stale_days", label="线索停滞天数", value=5, unit="天", pack=mini_pack)
    assert leads.stale_days() == 5
    assert "近期接洽公司" in set(leads.stale(Lead.objects.all()).values_list("company", flat=True))


def test_the_lead_list_flags_stale_leads_and_filters_to_them_within_the_officers_county(pipeline, users, login):
    client = login(users["xianan"])
    page = client.get("/attraction/leads/").content.decode()
    assert "有 <b>2</b> 条未落地的线索超过 60 天没有推进" in page
    assert "停滞100天" in page and "停滞200天" in page
    only = client.get("/attraction/leads/?stale=1").content.decode()
    assert "久无进展线索公司" in only and "签约未落地公司" in only
    assert "近期接洽公司" not in only and "恰好六十天公司" not in only and "早已落地公司" not in only
    assert "嘉鱼久无进展公司" not in only

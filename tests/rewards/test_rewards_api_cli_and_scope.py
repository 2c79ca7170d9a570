"""/api/v1/rewards/ and `chanye rewards compute`: entitlements paged and scoped like every list (a county officer its
county's, an enterprise user its own, roles without business data nothing), and the year's total the same figure in
the command's summary, the API and the selector (one definition: selectors.total_amount)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chanye.accounts.services import do_issue_token
from chanye.core.access import SYSTEM
from chanye.rewards.models import Entitlement
from chanye.rewards.selectors import total_amount
from tests.rewards.world import counties, firm, honour, load_pack, people

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_issue_token(actor=SYSTEM, user=user)}"}


@pytest.fixture
def world():
    load_pack("ezhou")
    here, there = counties()[:2]
    a, b = firm(here), firm(there)
    for e in (a, b):
        honour(e, "wk_trademark", "", 2025)
    honour(a, "quality_brand", "", 2025)
    return {"a": a, "b": b, **people(here, firm_of=a)}


def test_the_command_computes_the_year_and_prints_the_total_the_api_shows(client, world):
    out = io.StringIO()
    call_command("rewards", "compute", "--year", "2025", stdout=out)
    assert "应兑现3项，合计140万元" in out.getvalue()  # 60 + 60 + 20
    body = client.get("/api/v1/rewards/?year=2025", headers=bearer(world["admin"])).json()
    assert body["count"] == 3 and body["total_amount"] == "140.0000"
    assert body["total_amount"] == str(total_amount(Entitlement.objects.filter(year=2025)))
    row = next(r for r in body["results"] if r["reward_code"] == "ez-r-2-hubei-quality-brand")
    assert row["uscc"] == world["a"].uscc and row["rule"] == "EZ-R-2" and "2025年认定为" in row["explanation"]


def test_each_role_sees_its_own_entitlements_only(client, world):
    call_command("rewards", "compute", "--year", "2025", stdout=io.StringIO())

    def seen(user) -> tuple[set[str], str]:
        body = client.get("/api/v1/rewards/?year=2025", headers=bearer(user)).json()
        return {r["uscc"] for r in body["results"]}, body["total_amount"]

    assert seen(world["officer"]) == ({world["a"].uscc}, "80.0000")
    assert seen(world["firm"]) == ({world["a"].uscc}, "80.0000")
    assert client.get("/api/v1/rewards/", headers=bearer(world["auditor"])).status_code == 404


def test_pages_past_the_end_are_empty_and_a_bad_year_is_a_422(client, world):
    call_command("rewards", "compute", "--year", "2025", stdout=io.StringIO())
    h = bearer(world["admin"])
    body = client.get("/api/v1/rewards/?year=2025&page=2&page_size=2", headers=h).json()
    assert body["count"] == 3 and len(body["results"]) == 1
    assert client.get("/api/v1/rewards/?year=2025&page=3&page_size=2", headers=h).json()["results"] == []
    assert client.get("/api/v1/rewards/?year=garbage", headers=h).status_code == 422


def test_the_command_refuses_a_pack_without_rewards_in_words(regions):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有奖补条款"):
        call_command("rewards", "compute", "--year", "2025", stdout=io.StringIO())

"""The 四色图 and the 月通报 count projects on two stated bases (issue 13: 367 on the board, 340 in the bulletin, with
no word on why): the board today's portfolio, the bulletin the portfolio at its month's end. The board says how many
the bulletin counts and how many came after, and the bulletin's own figure is the one it says."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.core.access import SYSTEM
from chanye.projects import bulletin
from chanye.projects.models import ProjectMonth
from chanye.projects.selectors import bulletin_gap
from chanye.projects.services import do_grade_month
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
MONTH = dt.date(2025, 5, 1)
TODAY = dt.date(2025, 6, 12)


@pytest.fixture
def portfolio(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    ProjectFactory(county=xa, signed_on=dt.date(2025, 3, 1))
    ProjectFactory(county=xa, signed_on=dt.date(2025, 5, 31))  # the month's last day: in the bulletin
    ProjectFactory(county=xa, signed_on=dt.date(2025, 6, 1))  # after it: board only
    ProjectFactory(county=jy, signed_on=dt.date(2025, 6, 10))
    ProjectFactory(county=jy, signed_on=dt.date(2025, 1, 5))
    do_grade_month(actor=SYSTEM, month=MONTH)  # the bulletin's month is the latest graded one
    assert ProjectMonth.objects.filter(month=MONTH).count() == 3


def test_the_board_says_what_the_latest_bulletin_counts_and_what_came_after(portfolio, users):
    gap = bulletin_gap(user=users["admin"], today=TODAY)
    assert gap == {"month": MONTH, "now": 5, "at_end": 3, "after": 2}
    assert bulletin.bulletin(MONTH, user=users["admin"])["board"]["total"] == gap["at_end"]  # one figure, one rule


def test_a_county_officer_gets_the_same_explanation_for_their_county(portfolio, users):
    gap = bulletin_gap(user=users["xianan"], today=TODAY)
    assert (gap["now"], gap["at_end"], gap["after"]) == (3, 2, 1)
    assert bulletin.bulletin(MONTH, user=users["xianan"])["board"]["total"] == 2


def test_the_board_page_shows_it_and_hides_it_when_filtered(portfolio, users, login):
    c = login(users["admin"])
    page = c.get("/projects/").content.decode()
    assert "2025年5月月通报</a>按月末口径统计 3 个，其后签约或登记 2 个" in page
    assert 'id="bulletin-gap"' not in c.get("/projects/?county=421202").content.decode()

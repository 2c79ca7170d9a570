"""The strict Content-Security-Policy in a real browser: the main pages, filled with demo data, show the city admin
their charts (ECharts canvases) and the browser reports no policy violation and no JavaScript error on any of them."""

from __future__ import annotations

import pytest

from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + where);
});
"""


def test_main_pages_render_their_charts_with_no_policy_violation(page, live_server, city):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = sign_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")
    pages = [
        ("/", "#chart-trend canvas"),
        ("/enterprises/", None),
        (f"/enterprises/{city['firm'].uscc}/", "#chart-monthly canvas"),
        ("/projects/", "#chart-board canvas"),
        ("/projects/bulletin/", "#chart-board canvas"),
        (f"/chains/{city['chain'].pk}/", "#chain-map canvas"),
        ("/alerts/", "#chart-alerts canvas"),
        ("/targets/", ".spark canvas"),
        ("/supervision/liaison/food/catalogue/", "#catalogue-enterprises"),  # inline SVG trends (YY-M-1)
        ("/api/v1/docs", "#swagger-ui .opblock"),  # django-ninja's vendored Swagger UI
    ]
    violations = {}
    for url, chart in pages:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        if chart:
            page.locator(chart).first.wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        if found := page.evaluate("window.__csp"):
            violations[url] = found
    assert violations == {}
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
    assert errors == []


def test_a_confirm_form_and_an_autosubmit_select_work_without_inline_handlers(page, live_server, city):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = sign_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/alerts/")
    select = page.locator("select[data-autosubmit]").first
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    with page.expect_navigation():
        select.select_option(values[-1])
    assert f"={values[-1]}" in page.url or values[-1] == ""
    assert page.evaluate("window.__csp") == [] and errors == []

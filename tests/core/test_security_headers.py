"""HTTP security headers: a strict Content-Security-Policy on every page, and nothing Django answers (pages for
signed-in users, exports, API) may be kept by a browser or proxy cache; static files keep their long cache."""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver

from chanye.accounts.services import do_issue_token

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).parent.parent.parent / "chanye" / "templates"


def plain_urls() -> list[str]:
    """Every page URL without parameters (the API and the log-out POST aside)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return [
        "/" + u.lstrip("^").rstrip("$")
        for u in walk(get_resolver().url_patterns)
        if "<" not in u and not u.startswith("api/") and "logout" not in u
    ]


def policy(response) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in response["Content-Security-Policy"].split(";") if d.strip()}


def test_every_page_for_a_signed_in_user_is_no_store_and_html_has_a_strict_policy(users, two_counties, login):
    c = login(users["admin"])
    urls = plain_urls()
    assert len(urls) >= 40
    html = 0
    for url in urls:
        r = c.get(url)
        assert "no-store" in r["Cache-Control"] and r["Pragma"] == "no-cache", url
        if r["Content-Type"].startswith("text/html"):
            html += 1
            p = policy(r)
            assert p["script-src"] == "'self'" and p["object-src"] == "'none'", url
            assert p["frame-ancestors"] == "'none'" and p["base-uri"] == "'self'" and p["form-action"] == "'self'"
            assert "unsafe" not in p["default-src"] + p["script-src"] + p["style-src"]
    assert html >= 30


def test_exports_and_downloads_are_no_store(users, two_counties, login):
    c = login(users["admin"])
    exports = [u for u in plain_urls() if re.search(r"export|download|template|xlsx|docx", u)]
    assert len(exports) >= 5
    for url in exports:
        r = c.get(url)
        if r.status_code == 200 and r.get("Content-Disposition", "").startswith("attachment"):
            assert "no-store" in r["Cache-Control"] and r["Pragma"] == "no-cache", url


def test_api_answers_are_no_store(client, users):
    token = do_issue_token(actor=None, user=users["viewer"])
    r = client.get("/api/v1/enterprises/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]


def test_the_login_page_carries_the_policy(client):
    r = client.get("/accounts/login/")
    assert "script-src 'self'" in r["Content-Security-Policy"]


def test_static_files_keep_their_cache(client):
    r = client.get("/static/chanye/app.css")
    assert r.status_code == 200 and "no-store" not in r.get("Cache-Control", "")


def test_templates_have_no_inline_script_handler_or_style_element():
    """What the policy would block, found before a browser does: every script comes from /static/."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                found.append(f"{path.name}: inline <script{attrs}>")
        found += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+=[\"']", text)]
        found += [f"{path.name}: <style>" for _ in re.finditer(r"<style\b", text)]
        found += [f"{path.name}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
        found += [f"{path.name}: hx-on" for _ in re.finditer(r"\shx-on", text)]
    assert not found, "\n".join(found)

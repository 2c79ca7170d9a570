"""Real-browser tests: Playwright driving Debian's chromium (Playwright's own browser download is not used)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHANYE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for browser tests (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in test setup are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    yield pg
    ctx.close()


@pytest.fixture
def city(mini_pack, users):
    """Demo data for the small test pack: enterprises with figures, projects, chains and leads, a month's alerts."""
    from django.utils import timezone

    from chanye.chains.models import Chain
    from chanye.cultivation.analysis import analyze
    from chanye.demo import generator
    from chanye.demo.chains import seed_chains
    from chanye.demo.projects import seed_projects
    from chanye.enterprises.models import Enterprise

    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    generator.generate(seed=5, enterprises=150, months=14, end_month=last)
    seed_projects(seed=5, today=today, count=60)
    seed_chains(seed=5, today=today)
    analyze(last)
    chain = Chain.objects.filter(links__members__isnull=False).distinct().first() or Chain.objects.first()
    firm = Enterprise.objects.filter(is_above_scale=True, monthly__isnull=False).distinct().first()
    return {"chain": chain, "firm": firm}

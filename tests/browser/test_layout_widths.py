"""Every page of the top menu at the common screen widths, in a real browser with a Chinese font (issue 13, “rough
edges seen in the browser”): at 1366×768 (the common office screen) and 1920×1080 the page never scrolls sideways
(wide tables scroll inside their own container), no menu label breaks inside a word, no card or table lies over
another, and every button in the content is the topmost thing at its centre, visible without scrolling a table; on
a phone (390×844) the dashboard, the 预警待办 and the 项目 board do not scroll sideways either and their buttons can be
reached. Below the menu's breakpoint the toggler opens a menu that still holds every link, each on one line."""

from __future__ import annotations

import os

import pytest

from tests.factories import EnterpriseFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOPS = [(1366, 768), (1920, 1080)]
PHONE = (390, 844)
# The pages the issue names, besides those the menu links to (some sit in its dropdown).
NAMED = ["/", "/enterprises/", "/tiers/", "/projects/growth-points/", "/indicators/", "/attraction/targets/"]
PHONE_PAGES = ["/", "/alerts/", "/projects/"]

# Width of ten CJK characters at 20px: about 200px with a Chinese font, far less with the fallback's empty boxes.
CJK_WIDTH = """() => { const s = document.createElement('span'); s.style.fontSize = '20px';
  s.textContent = '产业平台首页看板考核'; document.body.append(s);
  const w = s.getBoundingClientRect().width; s.remove(); return w; }"""

MENU_LINKS = """() => [...new Set([...document.querySelectorAll('nav a[href^="/"]')]
  .map(a => a.getAttribute('href')))]"""

# What is wrong with the page as laid out, in words; `reach`: a button may need its table scrolled sideways to show
# (a phone), otherwise scrolling up and down must do.
MEASURE = """({reach}) => {
  const W = window.innerWidth, out = [];
  const name = el => !el ? 'nothing' : el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const text = el => (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  // (a) no sideways scrolling of the page: name the first elements that stick out past the window
  if (document.documentElement.scrollWidth > W + 1) {
    const culprits = [...document.body.querySelectorAll('*')].filter(el => {
      const r = el.getBoundingClientRect(), p = el.parentElement.getBoundingClientRect();
      return r.width > 0 && r.right > W + 1 && p.right <= W + 1;
    }).slice(0, 3).map(el => name(el) + ' to ' + Math.round(el.getBoundingClientRect().right) + 'px');
    out.push('page is ' + document.documentElement.scrollWidth + 'px wide: ' + culprits.join(', '));
  }
  // (b) each menu entry on one line and inside the window
  for (const el of document.querySelectorAll('nav .navbar-brand, nav .nav-link, nav .navbar-text, nav .btn')) {
    if (!visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize), tops = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const q of range.getClientRects())
        if (q.width > 0 && !tops.some(t => Math.abs(t - q.top) < size / 2)) tops.push(q.top);
    }
    if (tops.length > 1) out.push('menu entry “' + text(el) + '” breaks onto ' + tops.length + ' lines');
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > W + 1) out.push('menu entry “' + text(el) + '” lies outside the window');
  }
  const main = document.querySelector('main');
  // what of an element shows: its box cut by every ancestor that clips (a .table-responsive, a card that hides)
  const shown = el => {
    const r = el.getBoundingClientRect();
    let box = [r.left, r.top, r.right, r.bottom];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const q = a.getBoundingClientRect();
      box = [Math.max(box[0], q.left), Math.max(box[1], q.top), Math.min(box[2], q.right), Math.min(box[3], q.bottom)];
    }
    return box;
  };
  // (c) cards and tables do not lie over one another (a card's own tables are inside it, not over it)
  const blocks = [...main.querySelectorAll('.card, table')].filter(el => visible(el)
    && !(el.matches('.card') && el.parentElement.closest('.card')));
  const boxes = blocks.map(shown);
  for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) {
    const a = blocks[i], b = blocks[j];
    if (a.contains(b) || b.contains(a)) continue;
    const p = boxes[i], q = boxes[j];
    const w = Math.min(p[2], q[2]) - Math.max(p[0], q[0]), h = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
    if (w > 1 && h > 1)
      out.push(name(a) + ' and ' + name(b) + ' overlap by ' + Math.round(w) + '×' + Math.round(h) + 'px');
  }
  // (c) every button shows: it is the topmost element at its centre once scrolled to, and on a wide screen without
  // scrolling its table sideways
  const hidden = [];
  for (const b of main.querySelectorAll('.btn')) {
    if (!visible(b)) continue;
    b.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
    const sideways = [];
    for (let a = b.parentElement; a && a !== document.body; a = a.parentElement) if (a.scrollLeft > 0) sideways.push(a);
    const r = b.getBoundingClientRect(), before = b.style.pointerEvents;
    b.style.pointerEvents = 'auto';  // a disabled button lets clicks through, not sight
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    b.style.pointerEvents = before;
    if (!hit || !(hit === b || b.contains(hit))) hidden.push('button “' + text(b) + '” is hidden under ' + name(hit));
    else if (sideways.length && !reach)
      hidden.push('button “' + text(b) + '” shows only when ' + name(sideways[0]) + ' is scrolled sideways');
    for (const a of sideways) a.scrollLeft = 0;
  }
  window.scrollTo({top: 0, behavior: 'instant'});
  const more = hidden.length > 3 ? ['and ' + (hidden.length - 3) + ' more hidden buttons'] : [];
  return out.concat(hidden.slice(0, 3), more);
}"""


@pytest.fixture
def decorated(city, regions):
    """A firm as the 企业库 often lists one: a long name, in a park, with a row of honours (first by name)."""
    from chanye.enterprises.choices import HonourKind
    from chanye.enterprises.models import Honour

    firm = EnterpriseFactory(
        county=regions["嘉鱼县"], park=regions["潘湾化工园区"], is_above_scale=True,
        name="一诺新能源电子材料科技（嘉鱼潘湾化工园区）股份有限公司",
    )  # fmt: skip
    for kind in HonourKind.values:
        Honour.objects.create(enterprise=firm, kind=kind, level="national", grade="leading" * (kind == "smart_factory"))
    return firm


def _sign_in_as_the_city_administrator(page, live_server) -> None:
    """With a name as long as the offices give their accounts: the menu keeps it in the account menu at the right."""
    from chanye.accounts.models import User

    User.objects.filter(username="admin").update(full_name="市经济和信息化局产业集群发展办公室管理员")
    sign_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")
    _needs_a_chinese_font(page)


def _needs_a_chinese_font(page) -> None:
    if page.evaluate(CJK_WIDTH) < 180:
        message = "the layout tests need a Chinese font (apt-get install -y fonts-noto-cjk)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def _problems(page, url: str, reach: bool) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url  # the pages fetch nothing more once loaded
    return page.evaluate(MEASURE, {"reach": reach})


def test_menu_pages_fit_the_common_screens_and_a_phone(page, live_server, decorated):
    _sign_in_as_the_city_administrator(page, live_server)
    menu = [h for h in page.evaluate(MENU_LINKS) if "?" not in h]
    assert {"/", "/enterprises/", "/alerts/", "/projects/", "/tiers/"} <= set(menu), menu
    paths = sorted(set(menu) | set(NAMED))
    found: dict[str, list[str]] = {}
    for width, height in DESKTOPS:
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            if problems := _problems(page, live_server.url + path, reach=False):
                found[f"{width}px {path}"] = problems
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    for path in PHONE_PAGES:
        if problems := _problems(page, live_server.url + path, reach=True):
            found[f"{PHONE[0]}px {path}"] = problems
    assert found == {}, "\n".join(f"{where}: {'; '.join(problems)}" for where, problems in found.items())


@pytest.mark.parametrize("viewport", [(1200, 800), (1199, 800), PHONE])
def test_every_menu_link_is_reachable_on_one_line(page, live_server, users, viewport):
    """Around the menu's breakpoint and on a phone: the bar fits, or the toggler opens every link, one line each."""
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    _sign_in_as_the_city_administrator(page, live_server)
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("nav .navbar-collapse.show").wait_for()
        page.wait_for_timeout(400)  # the collapse animation
    links = page.locator("nav .navbar-nav > .nav-item > .nav-link")
    assert links.count() >= 10 and all(links.nth(k).is_visible() for k in range(links.count()))
    problems = page.evaluate(MEASURE, {"reach": True})
    assert problems == [], "; ".join(problems)
    page.locator("#nav-account .dropdown-toggle").click()  # the account menu: who is signed in, 修改密码, 退出
    assert page.locator("#nav-account .dropdown-header").inner_text() == "市级管理员 · 全市"
    assert page.get_by_role("link", name="修改密码").is_visible()
    assert page.get_by_role("button", name="退出").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport[0]

"""Test helpers: real .xlsx/.csv files for import tests, the test pack, statistics for the relatedness matrix."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def xlsx(
    rows: Sequence[Sequence[Any]], *, merges: Sequence[str] = (), text_cols: Sequence[int] = (), sheet: str = ""
) -> bytes:
    """A workbook whose first sheet (named `sheet` if given) holds `rows` from A1; `merges` like "A1:D1"; text_cols
    get the @ format."""
    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for rng in merges:
        ws.merge_cells(rng)
    for c in text_cols:
        for row in ws.iter_rows(min_col=c + 1, max_col=c + 1):
            for cell in row:
                cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode(encoding)


# ---------------------------------------------------------------- packs

MINI_PACK = Path(__file__).parent / "data" / "mini-pack.yaml"


def mini_pack_data() -> dict[str, Any]:
    """The test pack (tests/data/mini-pack.yaml) as a dict, to be spoiled by a test."""
    import yaml

    return yaml.safe_load(MINI_PACK.read_text(encoding="utf-8"))


def pack_problems(data: dict[str, Any]) -> list[str]:
    """The problems the pack validator reports for `data` (the test fails when it finds none)."""
    import pytest
    import yaml

    from chanye.industry import schema

    with pytest.raises(schema.PackError) as e:
        schema.parse(yaml.safe_dump(data, allow_unicode=True), "x.yaml")
    return e.value.problems


# ---------------------------------------------------------------- statistics for the relatedness matrix


def stats_firm(region: Any, code: str, output: float | int, month: dt.date) -> Any:
    """An enterprise of `region` in GB/T 4754 class `code` with a 统计 output (万元) for `month`."""
    from chanye.enterprises.models import MonthlyFigure
    from chanye.industry.models import IndustryCode
    from tests.factories import EnterpriseFactory

    e = EnterpriseFactory(county=region, industry_code=IndustryCode.objects.get(code=code))
    MonthlyFigure.objects.create(enterprise=e, month=month, source="stats", output=Decimal(output))
    return e


def three_county_firms(regions: dict[str, Any], month: dt.date) -> list[Any]:
    """Six firms over divisions 13 (农副食品), 26 (化工) and 39 (电子): 咸安区 13 900 + 39 100, 嘉鱼县 13 200 + 26 800,
    咸宁高新区 39 700 + 26 300 (the last one is returned last)."""
    xa, jy, gx = regions["咸安区"], regions["嘉鱼县"], regions["咸宁高新区"]
    return [
        stats_firm(xa, "1311", 900, month),
        stats_firm(xa, "3911", 100, month),
        stats_firm(jy, "1311", 200, month),
        stats_firm(jy, "2611", 800, month),
        stats_firm(gx, "3911", 700, month),
        stats_firm(gx, "2611", 300, month),
    ]


def sign_in(page, live_server, username: str) -> list[str]:
    """Log in through the real login page; returns the list the page's JavaScript errors are collected into."""
    from tests.factories import PASSWORD

    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(  # the browser's own favicon request is not ours
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location.get("url", "") else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return errors


def argument_free_pages() -> list[str]:
    """The paths of every page route that takes no argument (the menus' pages, lists, dashboards)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver: Any, prefix: str) -> list[str]:
        out: list[str] = []
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                out += walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                if "<" not in path and "(?P" not in path and "api/" not in path:
                    out.append("/" + path.lstrip("^").rstrip("$"))
        return out

    return sorted(set(walk(get_resolver(), "")))


# A count shown with a fraction: "55.0家", "3.5项" — not "9.7个月" (months are not a count of things).
FRACTIONAL_COUNT = re.compile(r"\d+\.\d+\s*(?:家|项|名|户|场|个(?!月))")


def visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)

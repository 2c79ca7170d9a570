"""Every route of the platform, every role, own and foreign rows: the access layer answers the same way everywhere.

Registry: tests/security/routes.py. A route that is not in it fails `test_every_route_is_in_the_registry`.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from docx import Document
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from tests.security import world as world_module
from tests.security.routes import ROUTES, Route
from tests.security.world import MARKER, ROLES

pytestmark = pytest.mark.django_db
WRITES = ("create", "update", "delete", "import")


def _names(resolver: URLResolver | None = None, ns: str = "") -> set[str]:
    out: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out |= _names(p, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            out.add(ns + p.name)
    return out


def test_every_route_is_in_the_registry():
    missing = _names() - {r.name for r in ROUTES}
    assert not missing, f"routes without an access entry in tests/security/routes.py: {sorted(missing)}"
    stale = {r.name for r in ROUTES} - _names()
    assert not stale, f"registry entries for routes that no longer exist: {sorted(stale)}"


def _text(resp) -> str:
    """Everything a response shows, whatever its format."""
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    ctype = resp.get("Content-Type", "")
    if body[:2] == b"PK":
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        if any(n.startswith("xl/") for n in names):
            wb = load_workbook(io.BytesIO(body), read_only=True)
            return "\n".join(
                str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
            )
        if any(n.startswith("word/") for n in names):
            doc = Document(io.BytesIO(body))
            cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
            return "\n".join([p.text for p in doc.paragraphs] + cells)
    if "json" in ctype:
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode("utf-8", errors="replace")


def _expect(route: Route, role: str, which: str) -> bool:
    """Whether `role` may use `route` on the `which` side's row."""
    if role not in route.allow:
        return False
    return not (route.scoped and which == "foreign" and role in ("xianan", "qiye"))


def _call(client, route: Route, w, which: str):
    url = reverse(route.name, kwargs=route.kwargs(w, which)) + route.query
    if route.method == "POST":
        return url, client.post(url, route.data(w) if route.data else {})
    return url, client.get(url)


def _writes() -> int:
    return AuditLog.objects.filter(action__in=WRITES).count()


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_by_the_access_rules(client, regions, users, role):
    w = world_module.build(regions, users)
    if role != "anonymous":
        client.force_login(w.users[role])
    problems: list[str] = []
    for route in ROUTES:
        if route.skip:
            continue
        for which in ("own", "foreign") if route.scoped else ("own",):
            allowed = _expect(route, role, which)
            if allowed and route.destructive:
                continue  # its positive path is tested where it is built; here only its refusals
            denied_before, writes_before = AuditLog.objects.filter(action="denied").count(), _writes()
            url, resp = _call(client, route, w, which)
            where = f"{role} {route.method} {url} ({route.name}, {which})"
            if role == "anonymous" and not allowed:
                to_login = resp.status_code == 302 and "/accounts/login" in resp.url
                ok = resp.status_code == 401 if route.api and not route.anon_login_page else to_login
                if not ok:
                    problems.append(f"{where}: anonymous got {resp.status_code}")
                continue
            if allowed:
                if resp.status_code not in (200, 302):
                    problems.append(f"{where}: allowed but got {resp.status_code}")
                elif role == "xianan" and MARKER in _text(resp):
                    problems.append(f"{where}: shows a row of 嘉鱼县 ({MARKER})")
                continue
            if resp.status_code != 404:
                problems.append(f"{where}: refused with {resp.status_code}, not 404")
            if AuditLog.objects.filter(action="denied").count() == denied_before:
                problems.append(f"{where}: refused without a denied audit row")
            if _writes() != writes_before:
                problems.append(f"{where}: refused, yet something was written")
    assert not problems, "\n".join(problems)

"""The audit log reads in words (issue 13: “accounts.user” and percent-encoded queries): the object's kind by its
Chinese name, an export's filters decoded."""

from __future__ import annotations

import pytest

from chanye.core.models import AuditAction, AuditLog

pytestmark = pytest.mark.django_db


def test_an_exports_filters_are_decoded(users, regions, login):
    login(users["admin"]).get("/enterprises/export.xlsx", {"q": "咸宁", "county": regions["咸安区"].code})
    msg = AuditLog.objects.filter(action=AuditAction.EXPORT).latest("at").message
    assert "q=咸宁" in msg and "%E5" not in msg


def test_the_object_kind_is_named_in_chinese(users, login):
    login(users["admin"])  # a sign-in: an audit row on the user
    page = login(users["auditor"]).get("/audit/").content.decode()
    assert "accounts.user" not in page and '<span class="text-muted">用户</span>' in page

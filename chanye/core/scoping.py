"""The one scoping checkpoint (STYLE.md §3): `Model.objects.for_user(user)`.

Each scoped model declares `scope_region_paths`: the lookups from the model to the region(s) that own a
row (e.g. ("county", "park") for an enterprise) and `scope_enterprise_path` (e.g. "pk" or
"enterprise"; None when enterprises see none of the model). Roles decide which rows a user may see:

- city_admin, viewer: the whole city;
- county_officer: rows whose county or park is the officer's unit;
- enterprise: rows of their own enterprise;
- auditor, sys_admin, security_admin, anonymous: no business data.

Objects outside the scope are not found (404), never forbidden (403).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

CITY_WIDE_ROLES = {"city_admin", "viewer"}


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> ScopedQuerySet:
        model = self.model
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        role = getattr(user, "role", None)
        if role in CITY_WIDE_ROLES:
            return self
        if role == "county_officer" and user.region_id:
            q = Q()
            for path in model.scope_region_paths:
                q |= Q(**{path: user.region_id})
            return self.filter(q)
        if role == "enterprise" and user.enterprise_id and model.scope_enterprise_path:
            return self.filter(**{model.scope_enterprise_path: user.enterprise_id})
        return self.none()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


def can_edit(user: Any, obj: models.Model) -> bool:
    """Write permission on a row the user can already see."""
    role = getattr(user, "role", None)
    if role == "city_admin":
        return True
    if role == "county_officer":
        return type(obj)._default_manager.for_user(user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]
    return False

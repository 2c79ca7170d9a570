"""The one scoping checkpoint (STYLE.md §3): `Model.objects.for_user(user)`.

Each scoped model declares `scope_region_paths`: the lookups from the model to the region(s) that own a
row (e.g. ("county", "park") for an enterprise) and `scope_enterprise_path` (e.g. "pk" or
"enterprise"; None when enterprises see none of the model). Roles decide which rows a user may see:

- city_admin, viewer: the whole city;
- county_officer: rows whose county or park is the officer's unit;
- enterprise: rows of their own enterprise;
- auditor, sys_admin, security_admin, anonymous: no business data;
- the system actor (`chanye.core.access.SYSTEM`, commands and jobs): everything.

Objects outside the scope are not found (404), never forbidden (403): `chanye.core.access` answers and audits.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from chanye.core.roles import CITY_WIDE, Role


class ScopedQuerySet(models.QuerySet[Any]):
    def for_user(self, user: Any) -> ScopedQuerySet:
        model = self.model
        if getattr(user, "is_system", False) is True:
            return self
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        role = getattr(user, "role", None)
        if role in CITY_WIDE:
            return self
        if role == Role.COUNTY_OFFICER and user.region_id:
            q = Q()
            for path in model.scope_region_paths:
                q |= Q(**{path: user.region_id})
            return self.filter(q)
        if role == Role.ENTERPRISE and user.enterprise_id and model.scope_enterprise_path:
            return self.filter(**{model.scope_enterprise_path: user.enterprise_id})
        return self.none()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass

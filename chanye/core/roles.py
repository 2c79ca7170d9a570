"""The roles of the platform and the groups of roles that the access layer (`chanye.core.access`) gates with.

The `Role` choices live in core so that the access layer can name them without importing `accounts`
(the user model, a registry app above core); `chanye.accounts.models` re-exports them.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员"
    COUNTY_OFFICER = "county_officer", "区县/园区工作人员"
    VIEWER = "viewer", "部门查看人员"
    AUDITOR = "auditor", "审计管理员"
    ENTERPRISE = "enterprise", "企业用户"
    SYS_ADMIN = "sys_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


#: Who sees the whole city (rows are not limited to a unit).
CITY_WIDE = frozenset({Role.CITY_ADMIN, Role.VIEWER})
#: Who reads the programme pages (projects, chains and 招商, cultivation, chain leaders, targets, assessment).
READERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.VIEWER})
#: Who reads the registry (enterprises and their figures): the readers and an enterprise's own users.
BUSINESS = READERS | {Role.ENTERPRISE}
#: Who changes programme data: the city and the county/park officers, each within their unit.
#: Viewers are read-only everywhere (README: 全市，只读).
WRITERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER})
#: City-wide settings and city-wide rows (chain maps, city targets, reviews, assessment runs): the city only.
CITY = frozenset({Role.CITY_ADMIN})
#: The audit log: the audit administrator only (等保 三员分立: the system administrator cannot read it).
AUDIT = frozenset({Role.AUDITOR})
#: The user list.
USER_ADMINS = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.CITY_ADMIN})
#: Unlocking accounts.
SECURITY = frozenset({Role.SECURITY_ADMIN})

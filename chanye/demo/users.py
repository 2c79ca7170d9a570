"""One demo user per role, with a shared documented password (demo data only, never production)."""

from __future__ import annotations

from django.utils import timezone

from chanye.accounts.models import Role, User
from chanye.core import access, audit
from chanye.core.models import AuditAction
from chanye.enterprises.models import Enterprise
from chanye.regions.models import Region

DEMO_PASSWORD = "Chanye@2025"

DEMO_USERS = [
    ("admin", Role.CITY_ADMIN, "市经信局管理员"),
    ("xianan", Role.COUNTY_OFFICER, "咸安区经信局"),
    ("jiayu", Role.COUNTY_OFFICER, "嘉鱼县经信局"),
    ("viewer", Role.VIEWER, "市统计局（查看）"),
    ("auditor", Role.AUDITOR, "审计管理员"),
    ("sysadmin", Role.SYS_ADMIN, "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, "安全管理员"),
    ("qiye", Role.ENTERPRISE, "企业填报员"),
]


def ensure_demo_users() -> list[User]:
    out = []
    units = list(Region.objects.county_level())
    counties = {r.name: r for r in units}
    # 咸宁 has the officers named in the issue (xianan for 咸安区); other cities get county1, county2.
    officer_units = {"xianan": counties.get("咸安区"), "jiayu": counties.get("嘉鱼县")}
    renames = {}
    if officer_units["xianan"] is None:
        for i, (old, _) in enumerate(officer_units.items()):
            renames[old] = f"county{i + 1}"
            officer_units[old] = units[i] if i < len(units) else None
    for username, role, full_name in DEMO_USERS:
        if role == Role.COUNTY_OFFICER:
            unit = officer_units.get(username)
            if unit is None:
                continue
            full_name = f"{unit.name}经信局"
            username = renames.get(username, username)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.full_name = full_name
        user.region = None
        user.enterprise = None
        if role == Role.COUNTY_OFFICER:
            user.region = unit
        if role == Role.ENTERPRISE:
            user.enterprise = Enterprise.objects.filter(is_above_scale=True).order_by("pk").first()
            if user.enterprise is None:
                continue
        user.set_password(DEMO_PASSWORD)
        user.password_changed_at = timezone.now()
        user.locked_until = None
        created = user.pk is None
        user.save()
        audit.record(
            actor=access.system("chanye demo"),
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=user,
            after=audit.snapshot(user),
            message="演示账号",
        )
        out.append(user)
    return out

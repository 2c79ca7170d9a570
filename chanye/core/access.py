"""The one access layer (STYLE.md §3, DESIGN.md "Layers"): role gates, scoped lookups and audited denials.

Two questions decide every page, export, API route and service lookup:

1. **Role** — may this kind of user use this part of the platform, and write there? `require(user, READERS)`,
   `require_write(user, obj)`. The role groups are in `chanye.core.roles`.
2. **Row** — is this row within the user's unit? `ScopedQuerySet.for_user` (`chanye.core.scoping`) answers it; `get`
   fetches one row through it, `find` looks a row up by name or code inside a service.

Every "no" gets the same answer as "there is no such thing": 404 "不存在或不在您的权限范围内" — never 403, which would
tell a county officer that another county's firm exists — and writes one `denied` audit row (who, what, which object,
which address, the request id). Rows that do not exist at all are a plain 404 without an audit row.

Jobs and the command line act as `SYSTEM` (an actor with every right and no unit), so that every write goes through
the same `do_*` actions and audit rows say "system" instead of nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from chanye.core import audit, context
from chanye.core.models import AuditAction
from chanye.core.roles import AUDIT, BUSINESS, CITY, CITY_WIDE, READERS, SECURITY, USER_ADMINS, WRITERS, Role

M = TypeVar("M", bound=models.Model)


class Actor(Protocol):
    """Who acts: a signed-in `accounts.User` or the `SYSTEM`. Services take `actor: Actor`; the gates below also take
    an anonymous user (`AnonymousUser`) or None and answer "no" for them."""

    @property
    def pk(self) -> Any: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def region_id(self) -> int | None: ...
    @property
    def enterprise_id(self) -> int | None: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...


class SystemActor:
    """The platform itself (a command, the monthly job, the demo loader): every right, no unit, no database row."""

    pk = None
    id = None
    role = "system"
    region_id = None
    enterprise_id = None
    is_authenticated = True
    is_active = True
    is_system = True

    def __init__(self, label: str = "system") -> None:
        self.username = label

    def __repr__(self) -> str:
        return f"<SystemActor {self.username}>"

    def __str__(self) -> str:
        return "系统"


SYSTEM = SystemActor()


def system(label: str) -> SystemActor:
    """The system acting for one command (`system("chanye import")`): the audit rows name the command."""
    return SystemActor(f"system:{label}")


def is_system(actor: Any) -> bool:
    return getattr(actor, "is_system", False) is True


def actor_of(request: Any) -> Actor:
    """The signed-in user of a `login_required` view as the `Actor` services take (for apps below `accounts`,
    which cannot annotate `request: accounts.http.AuthedRequest`). An anonymous request is refused."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    actor: Actor = user
    return actor


def user_row(actor: Actor | None) -> Any:
    """What a `created_by` / `by` column stores for `actor`: the user's row, or None for the system (no row)."""
    return None if actor is None or is_system(actor) or actor.pk is None else actor


def role_of(user: Any) -> str | None:
    """The role of a signed-in, active user; None for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


def has_role(user: Any, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles` (the system holds them all)."""
    return is_system(user) or role_of(user) in set(roles)


def is_reader(user: Any) -> bool:
    return has_role(user, READERS)


def is_city_admin(user: Any) -> bool:
    return has_role(user, CITY)


def is_city_wide(user: Any) -> bool:
    """City-wide users (and the system) see every unit's rows."""
    return is_system(user) or role_of(user) in CITY_WIDE


def is_officer(user: Any) -> bool:
    """A county/park officer: their rows and figures are their unit's."""
    return role_of(user) == Role.COUNTY_OFFICER


def unit_id(user: Any) -> int | None:
    """The county/park a county officer works for; None for everyone else."""
    return getattr(user, "region_id", None) if role_of(user) == "county_officer" else None


def in_scope(user: Any, obj: models.Model) -> bool:
    """Whether `obj` (a row of a scoped model) is within the user's unit."""
    if is_system(user):
        return True
    qs = type(obj)._default_manager.filter(pk=obj.pk)
    return bool(obj.pk) and scoped(qs, user).exists()


def can_write(user: Any, obj: models.Model | None = None, roles: Iterable[str] = WRITERS) -> bool:
    """Whether `user` may change `obj` (or, without an object, this kind of data): a writing role, and the row in
    their scope. Viewers never write."""
    if not has_role(user, roles):
        return False
    return obj is None or obj.pk is None or in_scope(user, obj)


# ---------------------------------------------------------------- denials


def deny(
    user: Any,
    *,
    what: str = "页面",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    answer: str = "",
) -> NoReturn:
    """Record the attempt for the auditor and answer "not found" (`answer`: the words shown, when a page says more
    than the usual "…不存在或不在您的权限范围内")."""
    path = context.current().path
    audit.record(
        actor=user if getattr(user, "pk", None) else None,
        action=AuditAction.DENIED,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        object_repr="" if obj is None else "（范围外对象）",
        message=f"访问权限范围外的{what}" + (f"（{path}）" if path else ""),
        username=getattr(user, "username", "") or "",
    )
    raise Http404(answer or f"{what}不存在或不在您的权限范围内")


def require(user: Any, roles: Iterable[str], *, what: str = "页面") -> None:
    """A role gate: users without one of `roles` find nothing here (404, audited)."""
    if not has_role(user, roles):
        deny(user, what=what)


def require_reader(user: Any, *, what: str = "页面") -> None:
    require(user, READERS, what=what)


def require_write(
    user: Any, obj: models.Model | None = None, *, roles: Iterable[str] = WRITERS, what: str = "页面"
) -> None:
    """A write gate: a writing role and, for an existing row, the row within the user's scope; otherwise 404,
    audited (the row is named in the audit row)."""
    if not can_write(user, obj, roles):
        deny(user, what=what, obj=obj)


# ---------------------------------------------------------------- scoped lookups


def scoped(qs: models.QuerySet[M] | type[M], user: Any) -> models.QuerySet[M]:
    """`qs` limited to what `user` may see: the model's `for_user` when it is scoped; unscoped models (reference data
    such as chains or indicators) are gated by role only."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    if is_system(user):
        return qs
    for_user = getattr(qs, "for_user", None)
    return for_user(user) if for_user is not None else qs


def get(
    qs: models.QuerySet[M] | type[M], user: Any, *conditions: models.Q, what: str, answer: str = "", **lookup: Any
) -> M:
    """One row by `lookup` if the user may see it; otherwise 404 — audited when the row exists outside the scope."""
    base = qs._default_manager.all() if isinstance(qs, type) else qs
    obj = scoped(base, user).filter(*conditions, **lookup).first()
    if obj is None:
        hidden = base.model._default_manager.filter(*conditions, **lookup).order_by("pk").first()
        if hidden is not None:
            key = getattr(hidden, "audit_key", None) or _key(lookup) or hidden.pk
            deny(user, what=what, object_type=base.model._meta.label_lower, object_id=key, answer=answer)
        raise Http404(answer or f"{what}不存在或不在您的权限范围内")
    return obj


def find(qs: models.QuerySet[M] | type[M], user: Any, *conditions: models.Q, **lookup: Any) -> M | None:
    """A row by name or code, looked up for a service on behalf of `user`: a row outside the scope is missing, exactly
    as if it did not exist (no page link, no name, no "local" flag — nothing that tells it exists). The first by primary
    key when several match; None when none does."""
    return scoped(qs, user).filter(*conditions, **lookup).order_by("pk").first()


def _key(lookup: dict[str, Any]) -> str:
    return ",".join(f"{v}" for v in lookup.values())[:64]


class Capabilities:
    """What a user may do, for templates (`can.read`, `can.write`, …): menus and buttons follow the same gates as the
    views, so a button is shown exactly when its route would answer."""

    def __init__(self, user: Any) -> None:
        self.user = user
        role = role_of(user)
        self.role = role
        self.read = has_role(user, READERS)  # programme pages
        self.business = has_role(user, BUSINESS)  # the registry (enterprises)
        self.write = has_role(user, WRITERS)
        self.city = has_role(user, CITY)
        self.city_wide = is_city_wide(user)
        self.officer = role == Role.COUNTY_OFFICER
        self.enterprise = role == Role.ENTERPRISE
        self.audit = has_role(user, AUDIT)
        self.users = has_role(user, USER_ADMINS)
        self.unlock = has_role(user, SECURITY)
        self.import_data = has_role(user, WRITERS | {Role.ENTERPRISE})

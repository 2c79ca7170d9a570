"""Failed-login counters and locks (等保 level 3: 登录失败处理), in the database so every process and thread sees them.

Three counters are kept for every failed attempt (docs/configuration.md, "登录失败处理"):

- account + address: CHANYE_LOGIN_MAX_FAILURES consecutive failures for one username from one address lock that
  username *for that address* for CHANYE_LOCKOUT_MINUTES. Someone guessing from elsewhere cannot lock the real
  user out of her own desk.
- account: CHANYE_LOGIN_ACCOUNT_MAX_FAILURES consecutive failures for one username from all addresses together lock
  the whole account (User.locked_until, API tokens included) for CHANYE_LOCKOUT_MINUTES; audited as `locked` for
  the security administrator, who can unlock it.
- address: CHANYE_LOGIN_ADDRESS_MAX_FAILURES failures from one address (any usernames) within
  CHANYE_LOGIN_ADDRESS_WINDOW_MINUTES refuse every login from that address for CHANYE_LOGIN_ADDRESS_BLOCK_MINUTES.
  A success does not reset it (an attacker with one valid account could otherwise reset it at will).

A counter starts again after the lock it caused has expired, and after LOGIN_COUNTER_FORGET without a failure
(such rows are pruned). A successful login deletes the account and account + address counters of that
username and address. Counters are keyed by the username as typed, whether such a user exists or not, so an
unknown username is counted, locked and answered exactly like a real one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from chanye.accounts.models import LoginThrottle, ThrottleKind

LOGIN_COUNTER_FORGET = dt.timedelta(days=1)


@dataclass(frozen=True)
class Lock:
    kind: str  # ThrottleKind
    until: dt.datetime
    failures: int


def _keys(username: str, ip: str | None) -> list[tuple[str, str, str, str | None]]:
    """(kind, key, username, ip) of the counters one attempt touches."""
    username = username[:150]
    keys = [
        (ThrottleKind.ACCOUNT, username, username, None),
        (ThrottleKind.ACCOUNT_ADDRESS, f"{username}|{ip or '-'}", username, ip),
    ]
    if ip:
        keys.append((ThrottleKind.ADDRESS, ip, "", ip))
    return keys


def _match(keys: list[tuple[str, str, str, str | None]]) -> Q:
    q = Q(pk__in=[])
    for kind, key, _, _ in keys:
        q |= Q(kind=kind, key=key)
    return q


def _limits(kind: str) -> tuple[int, int]:
    """(failures that start a lock, minutes it lasts) for a kind of counter."""
    if kind == ThrottleKind.ADDRESS:
        return settings.CHANYE_LOGIN_ADDRESS_MAX_FAILURES, settings.CHANYE_LOGIN_ADDRESS_BLOCK_MINUTES
    if kind == ThrottleKind.ACCOUNT:
        return settings.CHANYE_LOGIN_ACCOUNT_MAX_FAILURES, settings.CHANYE_LOCKOUT_MINUTES
    return settings.CHANYE_LOGIN_MAX_FAILURES, settings.CHANYE_LOCKOUT_MINUTES


_PRIORITY = {ThrottleKind.ADDRESS: 0, ThrottleKind.ACCOUNT: 1, ThrottleKind.ACCOUNT_ADDRESS: 2}


def current_lock(*, username: str, ip: str | None, now: dt.datetime) -> Lock | None:
    """The lock that refuses this attempt before any password is checked (address first), or None."""
    rows = LoginThrottle.objects.filter(_match(_keys(username, ip)), locked_until__gt=now)
    locks = [Lock(kind=r.kind, until=r.locked_until, failures=r.failures) for r in rows if r.locked_until]
    return min(locks, key=lambda lock: _PRIORITY[lock.kind]) if locks else None


def record_failure(*, username: str, ip: str | None, now: dt.datetime) -> list[Lock]:
    """Count one failed attempt on each counter; returns the locks this attempt started.

    The same statements run whether the username exists or not (the caller adds the audit row)."""
    started: list[Lock] = []
    with transaction.atomic():
        prune(now=now)
        for kind, key, uname, addr in _keys(username, ip):
            try:
                with transaction.atomic():  # a savepoint: another process may insert the same counter first
                    lock = _count(kind, key, uname, addr, now)
            except IntegrityError:
                lock = _count(kind, key, uname, addr, now)
            if lock is not None:
                started.append(lock)
    return started


def _count(kind: str, key: str, username: str, ip: str | None, now: dt.datetime) -> Lock | None:
    """Add one failure to a counter (inserting it if new); the lock it starts, if any."""
    row = LoginThrottle.objects.select_for_update().filter(kind=kind, key=key).first()
    if row is None:
        row = LoginThrottle(kind=kind, key=key, username=username, ip=ip, first_failure_at=now)
    elif _starts_again(row, now):
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    row.last_failure_at = now
    limit, minutes = _limits(kind)
    lock = None
    if row.locked_until is None and row.failures >= limit:
        row.locked_until = now + dt.timedelta(minutes=minutes)
        lock = Lock(kind=kind, until=row.locked_until, failures=row.failures)
    row.save()
    return lock


def _starts_again(row: LoginThrottle, now: dt.datetime) -> bool:
    if row.locked_until is not None and row.locked_until <= now:
        return True  # the lock has expired: one mistake after it must not lock again
    if row.last_failure_at < now - LOGIN_COUNTER_FORGET:
        return True
    window = dt.timedelta(minutes=settings.CHANYE_LOGIN_ADDRESS_WINDOW_MINUTES)
    return row.kind == ThrottleKind.ADDRESS and row.locked_until is None and row.first_failure_at < now - window


def record_success(*, username: str, ip: str | None) -> None:
    """A successful login ends the run of failures for this account and for this account from this address."""
    keys = [k for k in _keys(username, ip) if k[0] != ThrottleKind.ADDRESS]
    LoginThrottle.objects.filter(_match(keys)).delete()


def clear_account(*, username: str) -> None:
    """The security administrator unlocked the account: every counter of this username goes, at every address."""
    LoginThrottle.objects.filter(username=username).delete()


def prune(*, now: dt.datetime) -> int:
    """Delete counters with no failure for LOGIN_COUNTER_FORGET and no running lock."""
    stale = LoginThrottle.objects.filter(last_failure_at__lt=now - LOGIN_COUNTER_FORGET).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )
    return stale.delete()[0]

"""Typed requests for views behind `login_required` (a signed-in `User`, never `AnonymousUser`)."""

from __future__ import annotations

from django.http import HttpRequest

from chanye.accounts.models import User


class AuthedRequest(HttpRequest):
    """`request.user` after `login_required`: the view's type says so, so `request.user.role` type-checks."""

    user: User  # type: ignore[assignment]

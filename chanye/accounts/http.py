"""The request of a signed-in page: `request.user` is an `accounts.User`, not `User | AnonymousUser`.

Views behind `login_required` annotate `request: AuthedRequest`, so the user they pass to services is typed as
the `Actor` those services take (mypy checks it); it is an annotation only — Django hands in the same HttpRequest."""

from __future__ import annotations

from django.http import HttpRequest

from chanye.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]

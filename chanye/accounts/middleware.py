from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


class PasswordRotationMiddleware:
    """Sends users whose password is older than CHANYE_PASSWORD_MAX_AGE_DAYS (0 = off), or was reset to a temporary one
    by the system administrator, to the change page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/accounts/", "/static/"))
        ):
            return redirect(reverse("accounts:password_change") + "?reset=1")
        max_age = settings.CHANYE_PASSWORD_MAX_AGE_DAYS
        if (
            max_age
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(("/accounts/", "/static/", "/api/"))
        ):
            changed = user.password_changed_at or user.date_joined
            if changed < timezone.now() - timedelta(days=max_age):
                return redirect(reverse("accounts:password_change") + "?expired=1")
        return self.get_response(request)

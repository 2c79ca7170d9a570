from __future__ import annotations

from django.http import HttpRequest

from chanye.core import access


def capabilities(request: HttpRequest) -> dict[str, access.Capabilities]:
    """`can.*` in every template: what the signed-in user may do, from the access layer (templates never compare
    role names themselves)."""
    return {"can": access.Capabilities(getattr(request, "user", None))}

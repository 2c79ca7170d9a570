"""Django's session middleware, except for requests marked as not being the user's activity.

SESSION_SAVE_EVERY_REQUEST makes the session age count from the last request: the idle timeout. A page that polls
(an import's progress, every second) would then keep a session alive for as long as the tab stays open. A view
marks such a request with `not_activity(request)`; its session is then neither saved nor its cookie re-sent, so
the timeout keeps counting from the person's last real request. A session the view did change is still saved.
"""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

_MARK = "_chanye_not_activity"


def not_activity(request: HttpRequest) -> None:
    """This request (a poll) is not the person's activity: it must not extend the idle timeout."""
    setattr(request, _MARK, True)


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if getattr(request, _MARK, False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)

"""The address a request comes from, also behind reverse proxies (login throttling and audit rows use it)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or with CHANYE_PROXY_COUNT = n trusted proxies in front, the n-th address from the right of
    X-Forwarded-For (what the outermost trusted proxy saw). Addresses further left are written by the client and are
    never trusted. None when there is no request or the value is not an IP address."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "CHANYE_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            raw = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None

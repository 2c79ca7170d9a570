from __future__ import annotations

from django.http import HttpRequest

from chanye.industry.models import Pack


def site(request: HttpRequest) -> dict:
    """Every page shows the city and the pack's name; the pack's content (100+ KB of JSON) is not loaded for that."""
    pack = Pack.objects.filter(is_active=True).select_related("city").defer("content").order_by("-loaded_at").first()
    return {"site_name": "产业集群政策运行平台", "active_pack": pack}

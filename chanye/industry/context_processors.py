from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest

from chanye.industry.models import Pack


def site(request: HttpRequest) -> dict:
    """Every page shows the city and the pack's name; the pack's content (100+ KB of JSON) is not loaded for that.
    In the same query: whether the pack states the liaison arrangement of its 千亿级产业 (YY-ORG-1), which has a menu
    entry."""
    liaison = ExpressionWrapper(Q(content__industry_liaison__has_key="industries"), output_field=BooleanField())
    pack = (
        Pack.objects.filter(is_active=True)
        .select_related("city")
        .defer("content")
        .annotate(states_liaison=liaison)
        .order_by("-loaded_at")
        .first()
    )
    return {"site_name": "产业集群政策运行平台", "active_pack": pack}

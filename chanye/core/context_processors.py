from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    from chanye.industry.selectors import active_pack

    return {"site_name": "产业集群政策运行平台", "active_pack": active_pack()}

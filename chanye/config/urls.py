from django.urls import include, path

from chanye.api import api

urlpatterns = [
    path("accounts/", include("chanye.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("chanye.enterprises.urls")),
    path("", include("chanye.analytics.urls")),
    path("", include("chanye.targets.urls")),
    path("", include("chanye.cultivation.urls")),
    path("", include("chanye.projects.urls")),
    path("", include("chanye.chains.urls")),
    path("", include("chanye.supervision.urls")),
    path("", include("chanye.rewards.urls")),
    path("", include("chanye.supply.urls")),
    path("", include("chanye.core.urls")),
]

handler404 = "chanye.core.views.not_found"
handler403 = "chanye.core.views.forbidden"
handler500 = "chanye.core.views.server_error"

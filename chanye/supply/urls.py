from django.urls import path

from chanye.supply import views

app_name = "supply"

urlpatterns = [
    path("supply/", views.overview, name="overview"),
    path("supply/export.xlsx", views.export_xlsx, name="export"),
    path("supply/firms/<int:pk>/", views.firm, name="firm"),
    path("supply/chains/<int:chain_id>/", views.chain, name="chain"),
    path("supply/targets/add", views.add_target, name="add_target"),
    path("supply/import", views.upload, name="upload"),
]

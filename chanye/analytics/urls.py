from django.urls import path

from chanye.analytics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/freshness/", views.data_freshness, name="data_freshness"),
    path("map/", views.county_map, name="county_map"),
    path("specialisation/", views.specialisation, name="specialisation"),
    path("specialisation/export.xlsx", views.specialisation_export, name="specialisation_export"),
]

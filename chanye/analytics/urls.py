from django.urls import path

from chanye.analytics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/freshness/", views.data_freshness, name="data_freshness"),
]

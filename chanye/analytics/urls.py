from django.urls import path

from chanye.analytics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("relatedness/", views.relatedness, name="relatedness"),
]

from django.urls import path

from chanye.targets import views

app_name = "targets"
urlpatterns = [
    path("targets/", views.target_tree, name="tree"),
    path("targets/<str:code>/", views.target_detail, name="detail"),
]

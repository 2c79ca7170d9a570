from django.urls import path

from chanye.supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.task_list, name="list"),
    path("supervision/export.xlsx", views.task_export, name="export"),
    path("supervision/unit/<str:key>/", views.unit_page, name="unit"),
    path("supervision/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("supervision/<str:code>/", views.task_detail, name="detail"),
]

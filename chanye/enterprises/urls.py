from django.urls import path

from chanye.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="export"),
    path("enterprises/new/", views.enterprise_edit, name="new"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="detail"),
    path("enterprises/<str:uscc>/edit/", views.enterprise_edit, name="edit"),
]

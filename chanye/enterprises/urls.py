from django.urls import path

from chanye.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="export"),
    path("enterprises/new/", views.enterprise_edit, name="new"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="detail"),
    path("enterprises/<str:uscc>/edit/", views.enterprise_edit, name="edit"),
    path("imports/", views.import_page, name="import"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_batch, name="import_batch"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors_xlsx, name="import_errors"),
]

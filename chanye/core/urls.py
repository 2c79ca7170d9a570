from django.urls import path

from chanye.core import views
from chanye.core.imports import views as import_views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("imports/", import_views.import_page, name="import"),
    path("imports/template/<str:kind>.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_errors_xlsx, name="import_errors"),
]

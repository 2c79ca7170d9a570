from django.urls import path

from chanye.core import views

app_name = "core"
urlpatterns = [path("audit/", views.audit_log, name="audit")]

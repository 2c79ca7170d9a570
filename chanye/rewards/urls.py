from django.urls import path

from chanye.rewards import views

app_name = "rewards"

urlpatterns = [
    path("rewards/", views.entitlement_list, name="list"),
    path("rewards/export.xlsx", views.export_xlsx, name="export"),
    path("rewards/notice.docx", views.notice, name="notice"),
    path("rewards/<int:pk>/", views.entitlement_detail, name="detail"),
]

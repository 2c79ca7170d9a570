from django.urls import path

from chanye.cultivation import views

app_name = "cultivation"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("cultivation/", views.quota, name="quota"),
    path("tiers/", views.tiers, name="tiers"),
    path("chain-leaders/", views.chain_leaders, name="leaders"),
    path("cultivation/<str:what>.xlsx", views.export_xlsx, name="export"),
    path("alerts/<int:pk>/action/", views.alert_action, name="alert_action"),
]

from django.urls import path

from chanye.supervision import liaison_views, views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.task_list, name="list"),
    path("supervision/export.xlsx", views.task_export, name="export"),
    # 千亿级产业联系机制 (YY-ORG-1) and each industry's monitoring catalogue (YY-M-1)
    path("supervision/liaison/", liaison_views.liaison_list, name="liaison_list"),
    path("supervision/liaison/<str:code>/", liaison_views.liaison_detail, name="liaison"),
    path("supervision/liaison/<str:code>/catalogue/", liaison_views.catalogue_page, name="catalogue"),
    path("supervision/liaison/<str:code>/catalogue.xlsx", liaison_views.catalogue_export, name="catalogue_export"),
    path("supervision/unit/<str:key>/", views.unit_page, name="unit"),
    path("supervision/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("supervision/<str:code>/", views.task_detail, name="detail"),
]

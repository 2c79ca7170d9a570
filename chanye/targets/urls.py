from django.urls import path

from chanye.targets import echelon_views, policy_views, views

app_name = "targets"
urlpatterns = [
    path("targets/", views.target_tree, name="tree"),
    path("targets/from-text/", policy_views.policy_extract, name="policy"),
    path("targets/echelons/", echelon_views.echelon_lists, name="echelons"),
    path("targets/echelons/export.xlsx", echelon_views.echelon_export, name="echelons_export"),
    path("indicators/", views.indicator_catalogue, name="catalogue"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/mu-tax/", views.mu_tax, name="mu_tax"),
    path("assessment/mu-tax/export.xlsx", views.mu_tax_export, name="mu_tax_export"),
    path("assessment/blocks/", views.block_recognition, name="block_recognition"),
    path("assessment/blocks/export.xlsx", views.block_recognition_export, name="block_recognition_export"),
    path("assessment/<int:year>/<str:region>/", views.assessment_card, name="assessment_card"),
    path("assessment/<int:year>/export.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("targets/<str:code>/", views.target_detail, name="detail"),
]

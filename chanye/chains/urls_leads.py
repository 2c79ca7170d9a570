"""招商目标库 and the lead pipeline (views_leads)."""

from django.urls import URLPattern, path

from chanye.chains import views_leads as v

urlpatterns: list[URLPattern] = [
    path("attraction/targets/", v.targets, name="targets"),
    path("attraction/targets/export.xlsx", v.targets_export, name="targets_export"),
    path("attraction/targets/template.xlsx", v.targets_template, name="targets_template"),
    path("attraction/targets/import/", v.targets_import, name="targets_import"),
    path("attraction/targets/new/", v.target_edit, name="target_new"),
    path("attraction/targets/<int:pk>/edit/", v.target_edit, name="target_edit"),
    path("attraction/leads/", v.lead_list, name="leads"),
    path("attraction/leads/export.xlsx", v.leads_export, name="leads_export"),
    path("attraction/leads/new/", v.lead_edit, name="lead_new"),
    path("attraction/leads/conversion/", v.conversion, name="conversion"),
    path("attraction/leads/conversion.xlsx", v.conversion_export, name="conversion_export"),
    path("attraction/leads/<int:pk>/", v.lead_detail, name="lead"),
    path("attraction/leads/<int:pk>/edit/", v.lead_edit, name="lead_edit"),
    path("attraction/leads/<int:pk>/move/", v.lead_move, name="lead_move"),
    path("attraction/leads/<int:pk>/drop/", v.lead_drop, name="lead_drop"),
]

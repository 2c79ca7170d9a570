"""产业链图谱 and 招商: the map and gap pages (views_map), the chain's lead bank (views_finance), chain editing and
placements (views_edit), the target library (views_targets) and the lead pipeline (views_leads)."""

from django.urls import path

from chanye.chains import views_edit, views_finance, views_leads, views_map, views_relatedness, views_targets

app_name = "chains"
urlpatterns = [
    # the chain list, one chain's map and its data, the gap list
    path("chains/", views_map.chain_list, name="list"),
    path("relatedness/", views_relatedness.relatedness, name="relatedness"),
    path("chains/gaps/", views_map.gap_list, name="gaps"),
    path("chains/gaps.xlsx", views_map.gap_export, name="gaps_export"),
    path("chains/<int:pk>/", views_map.chain_map, name="map"),
    path("chains/<int:pk>/data.json", views_map.map_data, name="map_data"),
    path("chains/<int:pk>/links/<int:link_pk>/", views_map.link_panel, name="link_panel"),
    # the chain's lead bank and which enterprises on it the bank serves (XN-LZ-11)
    path("chains/<int:pk>/finance/", views_finance.chain_finance, name="finance"),
    path("chains/<int:pk>/finance/bank/", views_finance.lead_bank, name="lead_bank"),
    path("chains/<int:pk>/finance/members/", views_finance.financed, name="financed"),
    # editing chains, their files, and the enterprises on their links
    path("chains/new/", views_edit.chain_edit, name="new"),
    path("chains/import/", views_edit.chain_import, name="import"),
    path("chains/export.<str:fmt>", views_edit.chains_export_all, name="export_all"),
    path("chains/<int:pk>/edit/", views_edit.chain_edit, name="edit"),
    path("chains/<int:pk>/deactivate/", views_edit.chain_deactivate, name="deactivate"),
    path("chains/<int:pk>/export.<str:fmt>", views_edit.chain_export, name="export"),
    path("chains/<int:pk>/members/", views_edit.members, name="members"),
    path("chains/<int:pk>/members/search/", views_edit.members_search, name="members_search"),
    path("chains/members/import/", views_edit.members_import, name="members_import"),
    path("chains/members/template.xlsx", views_edit.members_template, name="members_template"),
    # 招商目标库 and the lead pipeline
    path("attraction/targets/", views_targets.targets, name="targets"),
    path("attraction/targets/export.xlsx", views_targets.targets_export, name="targets_export"),
    path("attraction/targets/template.xlsx", views_targets.targets_template, name="targets_template"),
    path("attraction/targets/import/", views_targets.targets_import, name="targets_import"),
    path("attraction/targets/new/", views_targets.target_edit, name="target_new"),
    path("attraction/targets/<int:pk>/edit/", views_targets.target_edit, name="target_edit"),
    path("attraction/leads/", views_leads.lead_list, name="leads"),
    path("attraction/leads/export.xlsx", views_leads.leads_export, name="leads_export"),
    path("attraction/leads/new/", views_leads.lead_edit, name="lead_new"),
    path("attraction/leads/conversion/", views_leads.conversion, name="conversion"),
    path("attraction/leads/conversion.xlsx", views_leads.conversion_export, name="conversion_export"),
    path("attraction/leads/<int:pk>/", views_leads.lead_detail, name="lead"),
    path("attraction/leads/<int:pk>/edit/", views_leads.lead_edit, name="lead_edit"),
    path("attraction/leads/<int:pk>/move/", views_leads.lead_move, name="lead_move"),
    path("attraction/leads/<int:pk>/drop/", views_leads.lead_drop, name="lead_drop"),
]

from django.urls import path

from chanye.cultivation import exit_risk_views, leader_actions, leader_views, rd_guidance_views, views

app_name = "cultivation"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("cultivation/", views.quota, name="quota"),
    path("tiers/", views.tiers, name="tiers"),
    path("chain-leaders/", leader_views.leader_list, name="leaders"),
    path("chain-leaders/apply/", leader_views.leader_apply, name="leader_apply"),
    path("chain-leaders/<int:pk>/", leader_views.leader_detail, name="leader"),
    path("chain-leaders/<int:pk>/action/", leader_actions.leader_action, name="leader_action"),
    path("chain-leaders/demands/", leader_views.demand_list, name="demands"),
    path("chain-leaders/claims/", leader_views.claims, name="claims"),
    path("chain-leaders/claims/event/", leader_actions.claim_event, name="claim_event"),
    path("chain-leaders/<str:what>.xlsx", leader_views.export, name="leader_export"),
    path("cultivation/exit-risk/", exit_risk_views.exit_risk, name="exit_risk"),
    path("cultivation/exit-risk.xlsx", exit_risk_views.exit_risk_export, name="exit_risk_export"),
    path("cultivation/rd-guidance/", rd_guidance_views.rd_guidance, name="rd_guidance"),
    path("cultivation/rd-guidance.xlsx", rd_guidance_views.rd_guidance_export, name="rd_guidance_export"),
    path("cultivation/<str:what>.xlsx", views.export_xlsx, name="export"),
    path("cultivation/candidates/add/", views.candidate_add, name="candidate_add"),
    path("cultivation/candidates/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("alerts/<int:pk>/action/", views.alert_action, name="alert_action"),
    path("alerts/analyze/", views.analysis_start, name="analysis_start"),
    path("alerts/analyze/<str:month>/", views.analysis_status, name="analysis_status"),
]

from django.urls import path

from chanye.projects import bulletin_views, cadence_views, views

app_name = "projects"
urlpatterns = [
    path("projects/", views.board, name="board"),
    path("projects/export.xlsx", views.export, name="export"),
    path("projects/gantt/", views.gantt, name="gantt"),
    path("projects/new/", views.edit, name="new"),
    path("projects/issues/", views.issues, name="issues"),
    path("projects/issues/export.xlsx", views.issues_export, name="issues_export"),
    path("projects/issues/<int:issue_pk>/action/", views.issue_action, name="issue_action"),
    path("projects/issues/<int:issue_pk>/evidence/", views.evidence, name="evidence"),
    path("projects/<int:pk>/", views.detail, name="detail"),
    path("projects/<int:pk>/edit/", views.edit, name="edit"),
    path("projects/<int:pk>/milestones/<int:mid>/", views.milestone, name="milestone"),
    path("projects/<int:pk>/issues/", views.issue_raise, name="issue_raise"),
    path("projects/<int:pk>/exit/", views.exit_project, name="exit"),
    path("projects/<int:pk>/rectify/", views.rectify, name="rectify"),
    # 月通报 (YY-P-3), growth points (XN-GS-9), 技改 (XN-JG-1/2)
    path("projects/bulletin/", bulletin_views.bulletin, name="bulletin"),
    path("projects/bulletin.<str:fmt>", bulletin_views.bulletin_export, name="bulletin_export"),
    path("projects/growth-points/", bulletin_views.growth_points, name="growth_points"),
    path("projects/growth-points.xlsx", bulletin_views.growth_points_export, name="growth_points_export"),
    path("projects/tech-upgrade/", bulletin_views.tech_upgrade, name="tech_upgrade"),
    path("projects/tech-upgrade.xlsx", bulletin_views.tech_upgrade_export, name="tech_upgrade_export"),
    # cadences the pack states: 季度集中开工 (HG-P-1), 季调度 (YY-P-3)
    path("projects/concentrated-starts/", cadence_views.concentrated_starts, name="concentrated_starts"),
    path(
        "projects/concentrated-starts.xlsx",
        cadence_views.concentrated_starts_export,
        name="concentrated_starts_export",
    ),
    path("projects/dispatch/", cadence_views.dispatch, name="dispatch"),
    path("projects/dispatch.<str:fmt>", cadence_views.dispatch_export, name="dispatch_export"),
]

"""Chain editing, import/export of chain templates, and enterprises on links (views_edit)."""

from django.urls import URLPattern, path

from chanye.chains import views_edit

urlpatterns: list[URLPattern] = [
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
]

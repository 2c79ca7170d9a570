from django.urls import URLPattern, path

from chanye.chains import views_map

urlpatterns: list[URLPattern] = [
    path("chains/", views_map.chain_list, name="list"),
    path("chains/gaps/", views_map.gap_list, name="gaps"),
    path("chains/gaps.xlsx", views_map.gap_export, name="gaps_export"),
    path("chains/<int:pk>/", views_map.chain_map, name="map"),
    path("chains/<int:pk>/data.json", views_map.map_data, name="map_data"),
    path("chains/<int:pk>/links/<int:link_pk>/", views_map.link_panel, name="link_panel"),
]

from django.urls import path

from zonedesk.chain import views

app_name = "chain"
urlpatterns = [
    path("", views.chain_list, name="list"),
    path("gaps/", views.gaps, name="gaps"),
    path("import/", views.chain_import, name="import"),
    path("import/template/", views.chain_template, name="import_template"),
    path("<int:pk>/", views.chain_map, name="map"),
    path("<int:pk>/export/", views.map_export, name="map_export"),
    path("<int:pk>/workbook/", views.chain_workbook, name="workbook"),
    path("<int:pk>/suggest/", views.suggest, name="suggest"),
    path("nodes/<int:pk>/", views.node_detail, name="node"),
    path("nodes/<int:pk>/place/", views.place, name="place"),
    path("firms/<int:pk>/decide/", views.firm_decide, name="decide"),
]

from django.urls import path

from zonedesk.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("meeting/", views.meeting, name="meeting"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("replans/", views.replan_list, name="replans"),
    path("meeting/export/", views.meeting_export, name="meeting_export"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/investment/", views.investment_set, name="investment_set"),
    path("investment/import/", views.investment_import, name="investment_import"),
    path("investment/template.xlsx", views.investment_template, name="investment_template"),
    path("nodes/<int:pk>/complete/", views.node_complete, name="node_complete"),
    path("nodes/<int:pk>/replan/", views.node_replan, name="node_replan"),
    path("replans/<int:pk>/decide/", views.replan_decide, name="replan_decide"),
    path("nodes/<int:pk>/block/", views.node_block, name="node_block"),
    path("<int:pk>/guarantees/add/", views.guarantee_add, name="guarantee_add"),
    path("guarantees/<int:pk>/edit/", views.guarantee_edit, name="guarantee_edit"),
    path("guarantees/<int:pk>/done/", views.guarantee_done, name="guarantee_done"),
    path("<int:pk>/service/", views.service_raise, name="service_raise"),
    path("service/<int:pk>/respond/", views.service_respond, name="service_respond"),
    path("service/<int:pk>/resolve/", views.service_resolve, name="service_resolve"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:kind>/add/", views.template_node_add, name="template_node_add"),
    path("templates/<slug:kind>/restore/", views.template_restore, name="template_restore"),
    path("templates/nodes/<int:pk>/", views.template_node_edit, name="template_node_edit"),
    path("templates/nodes/<int:pk>/move/", views.template_node_move, name="template_node_move"),
    path(
        "templates/nodes/<int:pk>/remove/", views.template_node_remove, name="template_node_remove"
    ),
]

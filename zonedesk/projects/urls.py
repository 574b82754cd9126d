from django.urls import path

from zonedesk.projects import invest_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("meeting/", views.meeting, name="meeting"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/investment/", invest_views.investment_set, name="investment_set"),
    path("investment/import/", invest_views.investment_import, name="investment_import"),
    path("investment/template.xlsx", invest_views.investment_template, name="investment_template"),
    path("nodes/<int:pk>/complete/", views.node_complete, name="node_complete"),
    path("nodes/<int:pk>/replan/", views.node_replan, name="node_replan"),
    path("replans/<int:pk>/decide/", views.replan_decide, name="replan_decide"),
]

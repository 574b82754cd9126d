from django.urls import path

from zonedesk.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("meeting/", views.meeting, name="meeting"),
    path("replans/", views.replan_list, name="replans"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("nodes/<int:pk>/complete/", views.node_complete, name="node_complete"),
    path("nodes/<int:pk>/replan/", views.node_replan, name="node_replan"),
    path("replans/<int:pk>/decide/", views.replan_decide, name="replan_decide"),
]

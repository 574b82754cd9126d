"""The investment leads pages, under /leads/ (the chain map's pages have their own urls)."""

from django.urls import path

from zonedesk.chain import leads_views as views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("board/", views.lead_board, name="board"),
    path("export/", views.lead_export, name="export"),
    path("funnel/", views.lead_funnel, name="funnel"),
    path("funnel/export/", views.funnel_export, name="funnel_export"),
    path("new/", views.lead_new, name="new"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/move/", views.lead_move, name="move"),
    path("<int:pk>/activities/", views.lead_activity, name="activity"),
    path("<int:pk>/merge/", views.lead_merge, name="merge"),
]

from django.urls import path

from zonedesk.reports import views, views_drafts

app_name = "reports"
urlpatterns = [
    path("summary/", views.summary_page, name="summary"),
    path("summary/drafts/", views_drafts.draft_open, name="draft_open"),
    path("drafts/<int:pk>/", views_drafts.draft_page, name="draft"),
    path("monthly/<int:pk>/<str:fmt>/", views.monthly_download, name="monthly_download"),
]

from django.urls import path

from zonedesk.reports import views

app_name = "reports"
urlpatterns = [
    path("summary/", views.summary_page, name="summary"),
]

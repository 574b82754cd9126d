from django.urls import path

from zonedesk.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.index, name="index"),
    path("firms/<int:pk>/", views.firm, name="firm"),
    path("entitlements/<int:pk>/move/", views.move, name="move"),
    path("open/", views.open_list, name="open"),
    path("open.xlsx", views.open_export, name="open_export"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.xlsx", views.coverage_export, name="coverage_export"),
]

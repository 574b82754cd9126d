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
    path("library/", views.library, name="library"),
    path("library/new/", views.document_create, name="document_create"),
    path("library/import/", views.library_import, name="library_import"),
    path("library/template.xlsx", views.library_template, name="library_template"),
    path("library/export.xlsx", views.library_export, name="library_export"),
    path("library/<int:pk>/", views.document, name="document"),
    path("library/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("library/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/", views.measure, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("rules/check/", views.rule_check, name="rule_check"),
]

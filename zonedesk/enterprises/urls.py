from django.urls import path

from zonedesk.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.enterprise_import_template, name="import_template"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/accounts/", views.enterprise_account_create, name="account_create"),
]

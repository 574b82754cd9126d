from django.urls import path

from zonedesk.monitoring import alert_views, utility_views, views, views_permu, views_sizes

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("status.xlsx", views.dashboard_export, name="dashboard_export"),
    path("month/", views.month_table, name="month"),
    path("month/export.xlsx", views.month_export, name="month_export"),
    path("month/confirm/", views.confirm_all, name="confirm_all"),
    path("month/confirm/ask/", views.confirm_all_ask, name="confirm_all_ask"),
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts.xlsx", alert_views.alert_export, name="alerts_export"),
    path("alerts/firms/<int:pk>/ack/", alert_views.alert_ack, name="alert_ack"),
    path("permu/", views_permu.permu_page, name="permu"),
    path("permu/export.xlsx", views_permu.permu_export, name="permu_export"),
    path("sizes/", views_sizes.size_list, name="sizes"),
    path("sizes/export.xlsx", views_sizes.size_export, name="sizes_export"),
    path("sizes/derive/", views_sizes.size_derive, name="sizes_derive"),
    path(
        "sizes/firms/<int:pk>/<int:year>/",
        views_sizes.size_override,
        name="size_override",
    ),
    path("import/", views.import_figures, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:pk>/", views.import_job, name="import_job"),
    path("import/<uuid:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("target/", views.target_set, name="target"),
    path("utility/import/", utility_views.utility_import, name="utility_import"),
    path("utility/template.xlsx", utility_views.utility_template, name="utility_template"),
    path(
        "enterprises/<int:pk>/utility-accounts/",
        utility_views.utility_accounts,
        name="utility_accounts",
    ),
    path("enterprises/<int:pk>/<str:period>/", views.figure_edit, name="figure_edit"),
    path("enterprises/<int:pk>/<str:period>/confirm/", views.figure_confirm, name="figure_confirm"),
]

from django.urls import path

from zonedesk.finance import views
from zonedesk.finance.views import bridge, lending, stats

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("needs/", views.pipeline, name="pipeline"),
    path("needs/export/", views.pipeline_export, name="pipeline_export"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/export/", views.inbox_export, name="inbox_export"),
    path("firms/<int:pk>/", views.firm_tab, name="firm"),
    path("firms/<int:pk>/needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/move/", views.need_move, name="need_move"),
    path("needs/<int:pk>/problem/", views.need_problem, name="need_problem"),
    path("needs/<int:pk>/consent/", views.consent_grant, name="consent_grant"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("products/", views.product_list, name="products"),
    path("products/export/", views.product_export, name="product_export"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("overview/", stats.overview, name="overview"),
    path("overview/export/", stats.overview_export, name="overview_export"),
    path("bridge/", bridge.dashboard, name="bridge"),
    path("bridge/funds/new/", bridge.fund_new, name="bridge_fund_new"),
    path("bridge/funds/<int:pk>/edit/", bridge.fund_edit, name="bridge_fund_edit"),
    path("bridge/loans/", bridge.loan_list, name="bridge_loans"),
    path("bridge/loans/export/", bridge.loan_export, name="bridge_export"),
    path("bridge/<int:fund>/apply/", bridge.apply, name="bridge_apply"),
    path("bridge/loans/<int:pk>/", bridge.loan_detail, name="bridge_loan"),
    path("bridge/loans/<int:pk>/move/", bridge.loan_move, name="bridge_move"),
    path("bridge/loans/<int:pk>/commitment/", bridge.commitment, name="bridge_commitment"),
    path("lending/", lending.register, name="lending"),
    path("lending/export/", lending.register_export, name="lending_export"),
    path("lending/loans/new/", lending.loan_add, name="lending_loan_add"),
    path("lending/guarantees/new/", lending.guarantee_add, name="lending_guarantee_add"),
    path("lending/graph/", lending.graph, name="lending_graph"),
]

from django.urls import path

from zonedesk.finance.views import bridge, lending

app_name = "finance"
urlpatterns = [
    path("bridge/", bridge.dashboard, name="bridge"),
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

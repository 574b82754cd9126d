from django.urls import path

from zonedesk.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.problem_list, name="problems"),
    path("problems.xlsx", views.problem_export, name="problems_export"),
    path("contacts/due.xlsx", views.contacts_due_export, name="contacts_due_export"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/step/", views.problem_step, name="step"),
    path("firms/<int:pk>/new/", views.problem_new, name="new"),
    path("contacts/due/", views.contacts_due, name="contacts_due"),
    path("firms/<int:pk>/contact/", views.contact_new, name="contact_new"),
    path("firms/<int:pk>/plan/", views.firm_plan, name="plan"),
    path("firms/<int:pk>/contact-plan/", views.plan_set, name="plan_set"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("overview/", views.overview, name="overview"),
    path("escalation/", views.escalation, name="escalation"),
    path("escalation/remind/", views.remind, name="remind"),
    path("overview.xlsx", views.overview_export, name="overview_export"),
]

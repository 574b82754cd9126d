from django.urls import path

from zonedesk.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/step/", views.problem_step, name="step"),
    path("firms/<int:pk>/new/", views.problem_new, name="new"),
]

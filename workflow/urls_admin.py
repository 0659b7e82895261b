"""The administrator's pages (under ``/administrasjon/<programme code>/``)."""

from django.urls import path

from workflow.views import admin_budget

app_name = "staff_admin"
urlpatterns = [
    path("<str:code>/budsjett/", admin_budget.budget_latest, name="budget_latest"),
    path("<str:code>/budsjett/<int:year>/", admin_budget.budget, name="budget"),
]

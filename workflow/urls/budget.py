"""The budget pages (administrators): a year's figures and adding a budget year.

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import budget

urlpatterns = [
    path("<code:code>/budsjett/", budget.budget_latest, name="budget_latest"),
    path("<code:code>/budsjett/<int:year>/", budget.budget, name="budget"),
    path("<code:code>/budsjett/nytt-ar/", budget.budget_year_add, name="budget_year_add"),
]

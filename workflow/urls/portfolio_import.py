"""The portfolio import page (administrators).

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import portfolio_import

urlpatterns = [
    path("<code:code>/import/", portfolio_import.portfolio_import_page, name="portfolio_import"),
]

"""The job outcomes page (administrators): jobs per year, reports on a company's behalf, the export.

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import outcomes

urlpatterns = [
    path("<code:code>/jobber/", outcomes.job_outcomes, name="job_outcomes"),
    path("<code:code>/jobber/eksport.<str:fmt>/", outcomes.job_reports_export, name="job_reports_export"),
    path(
        "<code:code>/jobber/<int:pk>/rapport/",
        outcomes.job_report_on_behalf,
        name="job_report_on_behalf",
    ),
]

"""The evaluation pages (administrators): request one, follow its progress, download PDF and JSON.

Included by ``workflow.urls.administration`` under its namespace."""

from django.urls import path

import workflow.converters  # noqa: F401  (registers the path converters)
from workflow.views import evaluation

urlpatterns = [
    path("<code:code>/evaluering/", evaluation.evaluations, name="evaluations"),
    path("<code:code>/evaluering/<int:pk>/", evaluation.evaluation, name="evaluation"),
    path(
        "<code:code>/evaluering/<int:pk>/status/",
        evaluation.evaluation_status,
        name="evaluation_status",
    ),
    path("<code:code>/evaluering/<int:pk>/pdf/", evaluation.evaluation_pdf, name="evaluation_pdf"),
    path("<code:code>/evaluering/<int:pk>/json/", evaluation.evaluation_json, name="evaluation_json"),
]

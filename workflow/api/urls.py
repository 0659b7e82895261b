"""/api/: the resources, the token endpoint, the OpenAPI schema and its docs (assets from
drf-spectacular-sidecar, no CDN)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from workflow.api import docs, views, views_cases
from workflow.api.token import obtain_token

app_name = "api"

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("budget-years", views.BudgetYearViewSet, basename="budget-year")
router.register("cases", views_cases.CaseViewSet, basename="case")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

_case = rf"^cases/(?P<reference>{views_cases.REFERENCE_PATTERN})/"

urlpatterns = [
    # DRF's token endpoint, which also asks for the code of a person with two-factor login.
    path("token/", obtain_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Under the Content-Security-Policy (workflow/api/docs.py).
    path("docs/", docs.swagger_ui, name="docs"),
    path("redoc/", docs.redoc, name="redoc"),
    re_path(rf"{_case}timeline/$", views_cases.TimelineView.as_view(), name="case-timeline"),
    re_path(rf"{_case}decisions/$", views_cases.DecisionsView.as_view(), name="case-decisions"),
    re_path(rf"{_case}payments/$", views_cases.PaymentsView.as_view(), name="case-payments"),
    re_path(rf"{_case}job-reports/$", views_cases.JobReportsView.as_view(), name="case-job-reports"),
    *router.urls,
]

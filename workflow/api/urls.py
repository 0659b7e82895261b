"""/api/: the resources, the token endpoint, the OpenAPI schema and its docs (assets from
drf-spectacular-sidecar, no CDN)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from workflow.api import docs
from workflow.api.token import obtain_token
from workflow.api.views import cases, programmes

app_name = "api"

router = SimpleRouter()
router.register("programmes", programmes.ProgrammeViewSet, basename="programme")
router.register("budget-years", programmes.BudgetYearViewSet, basename="budget-year")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("evaluations", programmes.EvaluationViewSet, basename="evaluation")

_case = rf"^cases/(?P<reference>{cases.REFERENCE_PATTERN})/"

urlpatterns = [
    # DRF's token endpoint, which also asks for the code of a person with two-factor login.
    path("token/", obtain_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Under the Content-Security-Policy (workflow/api/docs.py).
    path("docs/", docs.swagger_ui, name="docs"),
    path("redoc/", docs.redoc, name="redoc"),
    re_path(rf"{_case}timeline/$", cases.TimelineView.as_view(), name="case-timeline"),
    re_path(rf"{_case}decisions/$", cases.DecisionsView.as_view(), name="case-decisions"),
    re_path(rf"{_case}payments/$", cases.PaymentsView.as_view(), name="case-payments"),
    re_path(rf"{_case}job-reports/$", cases.JobReportsView.as_view(), name="case-job-reports"),
    *router.urls,
]
